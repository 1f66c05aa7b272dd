TOOLS += extract
tool_extract_SRCS := tools/extract.c tools/common.c
tool_extract_PKGS := libarchive
