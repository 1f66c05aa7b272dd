/* apt-release: what gpgv's status lines say of the signatures (judge_signatures), and the Release
 * text gpgv vouched for (read_release: Suite or Codename, Valid-Until, the SHA256 entries), then
 * the choice of each index's file. The input is the Release text, then a line "---", then gpgv's
 * status lines. Seeds: real Release files and gpgv status lines of good, bad and unknown keys. */
#include "fuzz.h"

#include <sys/wait.h>
#include <time.h>

#include "fuzz-own.h"
#define main apt_release_main
#include "../apt-release.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[2];
	size_t len[2];
	size_t n = fuzz_split(data, size, part, len, 2);
	release_label = "InRelease";
	FUZZ_TRY {
		char *content = fuzz_string(part[0], len[0]);
		fuzz_own(content, fuzz_release_free);
		if (n > 1) {
			char *status = fuzz_string(part[1], len[1]), why[256];
			judge_signatures(status, why, sizeof why);
			free(status);
		}
		/* The suite asked for is the one the text names, so that what follows the check is
		 * reached; a date before the seeds' Valid-Until, so that they are not stale. */
		char suite[64] = "bookworm";
		const char *cn = strstr(content, "\nCodename: ");
		if (cn)
			snprintf(suite, sizeof suite, "%.*s", (int)strcspn(cn + 11, "\n"), cn + 11);
		struct release r = read_release(content, suite, (time_t)1700000000);
		/* The first entries' indexes, each by the name a caller gives (no compression). */
		for (size_t k = 0; k < r.nentries && k < 4; k++) {
			char index[512];
			snprintf(index, sizeof index, "%s", r.entries[k].path);
			size_t il = strlen(index);
			if (il > 3 && (!strcmp(index + il - 3, ".gz") || !strcmp(index + il - 3, ".xz")))
				index[il - 3] = 0;
			print_index(&r, index);
		}
		free(r.entries);
		free(content);
	}
	fuzz_end();
	return 0;
}
