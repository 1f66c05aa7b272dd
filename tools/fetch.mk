TOOLS += fetch
tool_fetch_SRCS := tools/fetch.c tools/common.c tools/common-sha256.c
tool_fetch_PKGS := libcurl libcrypto
