/* plan: the tables (kernels-mk's output table and kernel table) read and planned whole: the make
 * rules of the work, the list and the report, for one shard, with goals. The input is the output
 * table, a line "---", the published paths, a line "---" and the kernel table. Nothing is built
 * (the dist directory is empty), so every output is work and its rule is written. Verdicts are
 * left out: their paths are the table's, and would have the fuzzer read any file. Seeds: the
 * tables kernels-mk writes of tests/fixtures (mk/fuzz-seeds.sh). */
#include "fuzz.h"

#include <sys/stat.h>

#include "fuzz-own.h"
#include "../outputs.c"
#define main plan_main
#include "../plan.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char list[4200], report[4200], dist[4200], table[4300];
	if (!list[0]) {
		snprintf(list, sizeof list, "%s/list", fuzz_scratch());
		snprintf(report, sizeof report, "%s/report", fuzz_scratch());
		snprintf(dist, sizeof dist, "%s/dist", fuzz_scratch());
		mkdir(dist, 0755);
	}
	const uint8_t *part[3];
	size_t len[3];
	size_t n = fuzz_split(data, size, part, len, 3);
	const char *outputs = fuzz_file(0, part[0], len[0]);
	const char *published = fuzz_file(1, n > 1 ? part[1] : (const uint8_t *)"", n > 1 ? len[1] : 0);
	const char *kernels = fuzz_file(2, n > 2 ? part[2] : (const uint8_t *)"", n > 2 ? len[2] : 0);
	snprintf(table, sizeof table, "9.1.0+driver=%s", outputs);

	char *argv[] = { "plan", "--distro", "debian", "--kernels", (char *)kernels, "--list", list, "--report", report,
			 "--dist", dist, "--release", "0.43.1", "--published", (char *)published, "--shard", "2/3",
			 "--goal", "9.1.0+driver/x86_64/falco_debian_6.1.0-1-amd64_1.o", "--verify-all",
			 "--package-goal", "0000000000000000000000000000000000000000000000000000000000000000",
			 "--outputs", table, NULL };
	FUZZ_TRY {
		plan_main((int)(sizeof argv / sizeof *argv) - 1, argv);
	}
	fuzz_end();
	return 0;
}
