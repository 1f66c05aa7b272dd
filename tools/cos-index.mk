TOOLS += cos-index
tool_cos-index_SRCS := tools/cos-index.c tools/xmlread.c tools/common.c
tool_cos-index_PKGS := libarchive libxml-2.0
