# kmod-read: starts a capture with a loaded Falco kernel module and checks its events
# (mk/verify.mk runs it inside a VM, statically linked; the SAN build is for the host tests).
TOOLS += kmod-read
tool_kmod-read_SRCS := tools/kmod-read.c tools/verify-events.c tools/common.c
tool_kmod-read_LDFLAGS = $(if $(SAN),,-static)
