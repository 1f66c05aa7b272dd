TOOLS += deb-index
tool_deb-index_SRCS := tools/deb-index.c tools/debversion.c tools/common.c
tool_deb-index_PKGS := libarchive
