# bpf-load: loads a legacy Falco probe, fills its maps, attaches it and checks its events
# (mk/verify.mk runs it inside a VM). Static, so that it runs alone in a busybox initramfs;
# the sanitized build (SAN=1, for the host tests) is dynamic, as ASan cannot be static.
TOOLS += bpf-load
tool_bpf-load_SRCS := tools/bpf-load.c tools/verify-events.c tools/common.c
tool_bpf-load_LDFLAGS = $(if $(SAN),-lelf -lz,-static -lelf -lz -lzstd)
