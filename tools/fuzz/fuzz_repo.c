/* tools/repo.c: a repository's index.json (jansson, strictly, then every field checked), a
 * probe's record and a verification's key=value file. The input is index.json, then a line
 * "---", a record, "---" and a .verified file. An index that is read is written again, and what
 * it writes must read back to the same bytes: index.json is rebuilt byte for byte on every run,
 * so a difference is a bug. Seeds: index.json and records of repo-index (mk/fuzz-seeds.sh).
 * The library returns its errors, so this harness runs with leak detection. */
#include "fuzz.h"

#include "../repo.h"

static char *write_json(const struct repo_index *idx, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);
	if (!m || repo_write_json(m, idx) != 0 || fclose(m) != 0)
		abort();
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[3];
	size_t len[3];
	size_t n = fuzz_split(data, size, part, len, 3);
	char err[2048];

	struct repo_index idx = { 0 };
	if (repo_read_index(fuzz_file(0, part[0], len[0]), &idx, err, sizeof err) == 0) {
		repo_sort(&idx);
		size_t alen, blen;
		char *a = write_json(&idx, &alen);
		for (size_t i = 0; i < idx.n; i++) {
			char *dir = repo_dirname(idx.entries[i].path);
			FILE *sink = fopen("/dev/null", "w");
			repo_write_sums(sink, &idx, dir);
			repo_write_record(sink, &idx.entries[i]);
			fclose(sink);
			free(dir);
			if (!repo_find(&idx, idx.entries[i].path))
				abort(); /* sorted, every path is found */
		}
		struct repo_index again = { 0 };
		if (repo_read_index(fuzz_file(1, a, alen), &again, err, sizeof err) != 0) {
			fprintf(stderr, "index.json as written does not read back: %s\n", err);
			abort();
		}
		repo_sort(&again);
		char *b = write_json(&again, &blen);
		if (alen != blen || memcmp(a, b, alen)) {
			fprintf(stderr, "index.json read back is written differently\n");
			abort();
		}
		free(a), free(b);
		repo_free(&again);
	}
	repo_free(&idx);

	if (n > 1) {
		struct repo_entry e;
		repo_read_record(fuzz_file(2, part[1], len[1]), &e, err, sizeof err);
		if (n > 2)
			repo_read_kv(fuzz_file(3, part[2], len[2]), &e, err, sizeof err);
		repo_free_entry(&e);
	}
	return 0;
}
