/* bpf-load's ELF reader: a legacy probe's sections (license, versions, maps, symbols, programs)
 * through libelf, and the relocations of its map loads, without the kernel (no map is made, so
 * every map fd is -1). Seeds: the miniature probe of tests/fixtures/legacy-probe, compiled with
 * clang -target bpf (mk/fuzz-seeds.sh). */
#include "fuzz.h"

#include <ctype.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/version.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "fuzz-own.h"
#define main bpf_load_main
#include "../bpf-load.c"
#undef main

/* The probe's state, as a first run finds it. */
static void reset(void)
{
	for (int i = 0; i < n_progs; i++)
		free(progs[i].section);
	if (elf)
		elf_end(elf);
	if (probe_fd >= 0)
		close(probe_fd);
	memset(maps, 0, sizeof maps), memset(progs, 0, sizeof progs);
	n_maps = n_progs = 0;
	license[0] = kernel_version[0] = probe_version[0] = 0;
	api_version = schema_version = 0;
	have_api = have_schema = license_default = false;
	elf = NULL, probe_fd = -1;
	shnum = shstrndx = maps_idx = 0;
	symbols = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_path = fuzz_file(0, data, size);
	FUZZ_TRY {
		read_probe();
		relocate();
	}
	reset();
	fuzz_end();
	return 0;
}
