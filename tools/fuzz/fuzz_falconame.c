/* tools/falconame.c: an os-release file and a kernel's generated headers (UTS_RELEASE,
 * UTS_VERSION) read into a host, then the name every Falco release of the table, every rule set
 * in either layout and every driver version asks for, for both kinds, and its URL. The input is
 * four lines (uname -r, uname -v, uname -m, minikube's /etc/VERSION), then, each after a line
 * "---", the os-release file, utsrelease.h and utsversion.h. Seeds: the hosts and cases of
 * tests/fixtures/naming (mk/fuzz-seeds.sh). The library returns its errors, so this harness runs
 * with leak detection. */
#include "fuzz.h"

#include "../falconame.h"

static void check(const struct falconame_host *h, const struct falconame_opts *o)
{
	struct falconame_result r;
	char err[512], url[2048];
	int st = falconame_compute(h, o, &r, err, sizeof err);
	if (st == FALCONAME_NAMED && falconame_url("https://download.falco.org/driver", &r, url, sizeof url) == 0 &&
	    strncmp(url, "https://download.falco.org/driver/", 34))
		abort(); /* a URL outside the repository it was asked of */
	if (st == FALCONAME_NAMED && (!r.file_name[0] || strchr(r.file_name, '/')))
		abort(); /* a name that is no file name */
}

/* Writes part as DIR/include/generated/NAME. */
static void put(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/include/generated/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char kdir[4200];
	if (!kdir[0]) {
		snprintf(kdir, sizeof kdir, "%s/include", fuzz_scratch());
		mkdir(kdir, 0755);
		snprintf(kdir, sizeof kdir, "%s/include/generated", fuzz_scratch());
		mkdir(kdir, 0755);
		snprintf(kdir, sizeof kdir, "%s", fuzz_scratch());
	}
	const uint8_t *part[4];
	size_t len[4];
	size_t n = fuzz_split(data, size, part, len, 4);
	struct falconame_host h;
	memset(&h, 0, sizeof h);
	char *head = fuzz_string(part[0], len[0]), *line[4] = { "", "", "", "" }, *save = NULL;
	char *p = strtok_r(head, "\n", &save);
	for (int i = 0; i < 4 && p; i++, p = strtok_r(NULL, "\n", &save))
		line[i] = p;
	snprintf(h.uname_r, sizeof h.uname_r, "%s", line[0]);
	snprintf(h.uname_v, sizeof h.uname_v, "%s", line[1]);
	snprintf(h.uname_m, sizeof h.uname_m, "%s", line[2]);
	snprintf(h.etc_version, sizeof h.etc_version, "%s", line[3]);
	free(head);

	char err[512];
	if (n > 1 && falconame_read_os_release(fuzz_file(0, part[1], len[1]), &h, err, sizeof err) != 0)
		return 0;
	if (n > 2) {
		/* The kernel's own word for uname -r and -v, where the headers are given. */
		put(kdir, "utsrelease.h", part[2], len[2]);
		put(kdir, "utsversion.h", n > 3 ? part[3] : (const uint8_t *)"", n > 3 ? len[3] : 0);
		falconame_read_uts(kdir, &h, err, sizeof err);
	}

	/* Every rule set compiles its regular expressions afresh: naming a host by all of them
	 * takes long enough to slow the fuzzer twentyfold, so each input is named by a few, picked
	 * by a hash of the input (a mutation picks others), for both kinds. */
	uint64_t hash = 14695981039346656037ull;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ data[i]) * 1099511628211ull;
	size_t nrel;
	const struct falconame_release *rel = falconame_releases(&nrel);
	static const char *rules[] = { "0.28", "0.32", "0.33", "0.34", "0.35.0", "0.35.1", "0.35",
				       "0.37", "0.37.1", "0.38", "0.39", "0.44" };
	const char *rule = rules[(hash >> 24) % (sizeof rules / sizeof *rules)];
	for (int kind = FALCONAME_BPF; kind <= FALCONAME_KMOD; kind++) {
		const struct falconame_release *a = &rel[hash % nrel], *b = &rel[(hash >> 12) % nrel];
		struct falconame_opts o = { .falco_version = a->version, .layout = -1, .kind = kind };
		check(&h, &o);
		o = (struct falconame_opts){ .driver_version = b->driver_version, .layout = -1, .kind = kind };
		check(&h, &o);
		o = (struct falconame_opts){ .driver_version = "9.1.0+driver", .rules = rule,
					     .layout = (int)((hash >> 40) & 1), .kind = kind };
		check(&h, &o);
	}
	return 0;
}
