TOOLS += rpmmd-index
tool_rpmmd-index_SRCS := tools/rpmmd-index.c tools/xmlread.c tools/common.c
tool_rpmmd-index_PKGS := libarchive libxml-2.0
