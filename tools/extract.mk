TOOLS += extract
tool_extract_SRCS := tools/extract.c
tool_extract_PKGS := libarchive
