/* Fallback for a driver tree's syscall_compat_x86_64.h (see syscall_compat.h): the __NR_*
 * numbers of this host's <asm/unistd.h>. A syscall newer than the host's headers then has no
 * entry in the tables, so it makes no event in the verifier: harmless for a boot check,
 * whose syscalls (execve, openat...) every header has. */
#pragma once
#ifndef __x86_64__
#error "the verifier's tables need x86_64 syscall numbers"
#endif
#include <asm/unistd.h>
