/* plan: output tables (kernels-mk's, one output a line) read with and without a choice of
 * releases, then the whole plan of one table and a published list: the make fragment, the list
 * and the report, for one shard. The input is the table, then a line "---" and the published
 * paths. Verdicts are left out: their paths are the table's, and would have the fuzzer read any
 * file. Seeds: the tables kernels-mk writes of tests/fixtures (mk/fuzz-seeds.sh). */
#include "fuzz.h"

#include <sys/stat.h>

#include "fuzz-own.h"
#define main plan_main
#include "../plan.c"
#undef main

static void free_rows(struct row *all, size_t n)
{
	for (size_t r = 0; r < n; r++) {
		free(all[r].path), free(all[r].kid), free(all[r].kind), free(all[r].release);
		free(all[r].role), free(all[r].source);
	}
	free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char list[4200], report[4200];
	if (!list[0]) {
		snprintf(list, sizeof list, "%s/list", fuzz_scratch());
		snprintf(report, sizeof report, "%s/report", fuzz_scratch());
	}
	const uint8_t *part[2];
	size_t len[2];
	size_t n = fuzz_split(data, size, part, len, 2);
	char *table = (char *)fuzz_file(0, part[0], len[0]);
	char *published = (char *)fuzz_file(1, n > 1 ? part[1] : (const uint8_t *)"", n > 1 ? len[1] : 0);
	static char *releases[] = { "0.43.1", "0.44.1" };

	struct row *volatile all = NULL;
	volatile size_t nall = 0;
	for (size_t nr = 0; nr <= 2; nr += 2) {
		FUZZ_TRY {
			struct row *rows = NULL;
			size_t nrows = 0;
			read_outputs(table, releases, nr, &rows, &nrows);
			all = rows, nall = nrows;
			for (size_t r = 0; r < nrows; r++)
				shard_of(rows[r].source, 4);
		}
		if (!fuzz_died)
			free_rows(all, nall);
		all = NULL, nall = 0;
		fuzz_end();
	}

	char *argv[] = { "plan", "--distro", "debian", "--list", list, "--report", report, "--release", "0.43.1",
			 "--published", published, "--shard", "2/3", table, NULL };
	FUZZ_TRY {
		plan_main(14, argv);
	}
	distro = verdicts = dist = kernel_ids = NULL;
	stamps = deps = kind_deps = NULL;
	nstamps = ndeps = nkind_deps = 0;
	retry = false;
	fuzz_end();
	return 0;
}
