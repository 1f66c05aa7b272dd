/* Fallback for a driver tree's syscall_compat.h (7.x on), which syscall_table64.c includes
 * outside the kernel for the __NR_* numbers of the build's architecture. The prepared trees
 * keep what the kernel builds need, and some lack the userspace-only copy (7.x keeps it in
 * bpf-unit/bpf/, which mk/verify.mk searches first; 5.0.1 and 6.0.1 keep none; 10.x's kmod/
 * keeps the other architectures' copies but not aarch64's): then the numbers come from the
 * kernel headers of the compiler's architecture, which mk/verify.mk picks as the kernel's (the
 * host's compiler for x86_64, aarch64-linux-gnu-gcc's for an arm64 kernel). */
#pragma once
#if defined(__x86_64__)
#include "syscall_compat_x86_64.h"
#elif defined(__aarch64__)
#include "syscall_compat_aarch64.h"
#else
#error "the verifier's tables know the syscall numbers of x86_64 and aarch64 only"
#endif
