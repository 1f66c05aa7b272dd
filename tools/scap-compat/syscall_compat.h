/* Fallback for a driver tree's syscall_compat.h (7.x on), which syscall_table64.c includes
 * outside the kernel for the __NR_* numbers of the build's architecture. The prepared trees
 * keep what the kernel builds need, and some lack the userspace-only copy (7.x keeps it in
 * bpf-unit/bpf/, which mk/verify.mk searches first; 5.0.1 and 6.0.1 keep none): then the
 * numbers come from this host's kernel headers, x86_64 like every kernel verified here. */
#pragma once
#include "syscall_compat_x86_64.h"
