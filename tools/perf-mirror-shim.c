/* perf-mirror-shim: LD_PRELOAD library that lets an old libscap (falcosecurity/libs before it
 * stopped mirroring its perf rings, e.g. Debian's sysdig 0.29.3) map its rings on current
 * kernels. For bench/verify-sysdig.sh, which reads our probes with that real Falco reader.
 *
 * Per CPU, that libscap reserves 2*ring+page of anonymous shared memory, maps the perf buffer
 * (page + ring) at offset ring as a wrap-around mirror, then maps it again at offset 0. The
 * second mapping overlaps the first by one page and splits its VMA, which kernels with
 * "perf/core: Prevent VMA split of buffer mappings" (Debian 6.1.148 and later) refuse:
 * `mmap (3): Cannot allocate memory`. We skip the mirror mapping and leave the reserved
 * anonymous memory in its place: a record that wraps round the ring end is then read wrong by
 * libscap, which a short check does not mind. */
/* Both symbols are defined below; with 64-bit off_t the headers would rename mmap to mmap64. */
#undef _FILE_OFFSET_BITS
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static void *reserved;
static size_t reserved_len;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fd < 0 && !addr && (flags & MAP_ANONYMOUS) && (flags & MAP_SHARED)) {
		void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
		if (p != MAP_FAILED) {
			reserved = p;
			reserved_len = len;
		}
		return p;
	}
	if (fd >= 0 && (flags & MAP_FIXED) && reserved && len < reserved_len &&
	    (char *)addr == (char *)reserved + (reserved_len - len))
		return addr;
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
