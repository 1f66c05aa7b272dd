/* Fallback for a driver tree's syscall_compat_aarch64.h (see syscall_compat.h): the __NR_*
 * numbers of the cross compiler's <asm/unistd.h>, arm64's generic table. As on x86_64, a
 * syscall newer than those headers has no entry, which a boot check's syscalls never miss. */
#pragma once
#ifndef __aarch64__
#error "the verifier's arm64 tables need aarch64 syscall numbers (aarch64-linux-gnu-gcc)"
#endif
#include <asm/unistd.h>
