# kernel-banner: the version banner of a kernel image, and the compiler it names (mk/kernel-tree.sh,
# for headers that name none).
TOOLS += kernel-banner
tool_kernel-banner_SRCS := tools/kernel-banner.c tools/common.c
tool_kernel-banner_PKGS := libarchive
