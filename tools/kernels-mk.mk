# kernels-mk: the make fragments of a kernel listing (mk/kernels.mk).
TOOLS += kernels-mk
tool_kernels-mk_SRCS := tools/kernels-mk.c tools/falconame.c tools/common.c
