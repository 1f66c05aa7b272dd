TOOLS += fetch
tool_fetch_SRCS := tools/fetch.c tools/sha256.c
tool_fetch_PKGS := libcurl
