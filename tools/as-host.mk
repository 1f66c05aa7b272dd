# as-host: runs a command as if on a target host, through fakehost.so (tools/fakehost.mk).
TOOLS += as-host
tool_as-host_SRCS := tools/as-host.c tools/common.c
