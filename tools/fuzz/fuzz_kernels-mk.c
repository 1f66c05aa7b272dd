/* kernels-mk: a kernel listing (mk/kernels.mk's lines) read into kernels and their packages,
 * then both tables: the kernels' (with their identity files) and the outputs' of a driver
 * version for two Falco releases and a driver of one's own. Run from the
 * top of the tree, where the listing's os-release paths (distros/os-release/...) are; a listing
 * naming an os-release elsewhere (an absolute path, a '..') is not read, so that nothing outside
 * the tree is opened. Seeds: listings deb-index writes of tests/fixtures (mk/fuzz-seeds.sh). */
#include "fuzz.h"

#include <sys/stat.h>

#include "../falconame.h"

#include "fuzz-own.h"
#define main kernels_mk_main
#include "../kernels-mk.c"
#undef main

static bool os_releases_inside(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size;) {
		size_t end = i;
		while (end < size && data[end] != '\t' && data[end] != '\n')
			end++;
		if ((end > i && data[i] == '/') || memmem(data + i, end - i, "..", 2))
			return false;
		while (end < size && data[end] != '\n')
			end++;
		i = end + 1;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ids[4200], outputs[4200], kernels[4200];
	if (!ids[0]) {
		snprintf(ids, sizeof ids, "%s/ids", fuzz_scratch());
		snprintf(outputs, sizeof outputs, "%s/outputs.tsv", fuzz_scratch());
		snprintf(kernels, sizeof kernels, "%s/kernels.tsv", fuzz_scratch());
	}
	if (!os_releases_inside(data, size))
		return 0;
	listing_path = fuzz_file(0, data, size);
	static const char *specs[] = { "0.43.0", "0.43.1", "own:0.39:flat:arch:bpf,kmod" };
	struct kernel *volatile ks = NULL;
	volatile size_t n = 0;
	struct release rel[3];
	volatile size_t nrel = 0;
	FUZZ_TRY {
		size_t got;
		ks = read_listing(&got);
		n = got;
		cmd_kernels("debian", ids, kernels, ks, n);
		for (; nrel < 3; nrel++)
			rel[nrel] = parse_release(specs[nrel], "9.1.0+driver");
		cmd_outputs("debian", "9.1.0+driver", rel, nrel, outputs, ks, n);
	}
	if (!fuzz_died) {
		for (size_t k = 0; k < n; k++) {
			free(ks[k].os_release);
			free(ks[k].pkgs);
			free(ks[k].id);
		}
		free(ks);
		for (size_t r = 0; r < nrel; r++)
			free(rel[r].name);
	}
	fuzz_end();
	fuzz_rm_tree(ids);
	return 0;
}
