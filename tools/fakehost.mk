# fakehost.so: the LD_PRELOAD library that shows a target host's uname and os-release to a
# program (as-host sets it up). Never sanitized: a sanitizer runtime cannot be preloaded.
TOOLS += fakehost
tool_fakehost_SRCS := tools/fakehost.c
tool_fakehost_SHARED := 1
tool_fakehost_LDFLAGS := -ldl
