TOOLS += apt-release
tool_apt-release_SRCS := tools/apt-release.c tools/common.c
