/* repo-index: write a probe repository's index files from the records of its probes.
 *
 *   repo-index --dist DIR [--records DIR] [--toolchain FILE]... [--published INDEX]
 *              [--merge INDEX]... [--upload-list FILE] [--page-list FILE] [--status FILE]
 *              [--signed yes|no]
 *
 * The entries are the published repository's index (--published: what is already online),
 * other indexes to merge (--merge: the outputs of other shards) and the records of the probes
 * built here (--records: mk/build-probe.sh's <repo path>.rec files). Writes DIR/index.json,
 * a SHA256SUMS in every directory that holds probes, each sorted by path, and the pages:
 * DIR/index.html and DIR/coverage/ (tools/repo-pages.c), so the same entries always give the
 * same bytes.
 *
 * Refuses (exit 1, naming each): a probe file in DIR that no entry names, a file whose bytes
 * differ from its entry's sha256 or size, an entry that is neither published nor present in
 * DIR, and two entries for one path with different hashes (a published probe never changes).
 * A record of a probe that is not in DIR is left out: DIR is what gets published.
 * --upload-list writes the paths (relative to DIR) of the probes that are not published yet;
 * --page-list those of the pages' files but index.html (coverage/...), which make uploads too.
 * --status FILE: this run's coverage (tools/output-state status: what became of every output asked for),
 * merged with the indexes' "coverage" (a pending output gives way to one some shard tried) into
 * index.json's "coverage", index.html's matrix and the pages of kernels. --signed yes: make signs
 * the index and SHA256SUMS next, so the page links their signatures. The page's date is the
 * newest input's, so that the same inputs give the same bytes. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "repo.h"
#include "common.h"

static int problems;

/* Every problem is reported before giving up, so that one run shows them all. */
static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
	problems++;
}

/* Files found by a tree walk (nftw has no user pointer). */
static struct {
	char **paths;
	size_t n, cap;
	const char *suffix;
	size_t rootlen;
	bool probes; /* a repository tree: only falco_* probe files */
} walk;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type != FTW_F)
		return 0;
	const char *base = path + ftw->base;
	if (walk.probes ? !(strncmp(base, "falco_", 6) == 0 && (ends_with(base, ".o") || ends_with(base, ".ko")))
			: !ends_with(base, walk.suffix))
		return 0;
	if (walk.n == walk.cap) {
		walk.cap = walk.cap ? walk.cap * 2 : 256;
		walk.paths = xrealloc(walk.paths, walk.cap * sizeof *walk.paths);
	}
	walk.paths[walk.n++] = xstrdup(path + walk.rootlen + 1);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files under root (relative paths, sorted); a missing root is an empty tree. */
static void walk_tree(const char *root, const char *suffix, bool probes)
{
	for (size_t i = 0; i < walk.n; i++)
		free(walk.paths[i]);
	walk.n = 0;
	walk.suffix = suffix;
	walk.probes = probes;
	walk.rootlen = strlen(root);
	struct stat st;
	if (stat(root, &st) != 0 && errno == ENOENT)
		return;
	if (nftw(root, walk_one, 32, FTW_PHYS) != 0)
		die_at(root, "cannot read the tree: %s", strerror(errno));
	if (walk.n)
		qsort(walk.paths, walk.n, sizeof *walk.paths, str_cmp);
}

static char *join(const char *a, const char *b)
{
	return xasprintf("%s/%s", a, b);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die_at(path, "%s", strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	int err = ferror(f);
	fclose(f);
	fclose(m);
	if (err)
		die_at(path, "read error");
	if (memchr(buf, 0, len))
		die_at(path, "a NUL byte in a toolchain description");
	return buf;
}

/* The run's time on the pages: the newest input, so that the same inputs give the same bytes. */
static time_t input_time;
/* make signs the index and every SHA256SUMS right after: the front page links their signatures. */
static bool signed_repo;
static void newest(const char *file)
{
	struct stat st;
	if (stat(file, &st) == 0 && st.st_mtime > input_time)
		input_time = st.st_mtime;
}

typedef int (*writer)(FILE *f, const void *ctx);

/* Writes path through path.tmp and a rename, so a reader never sees half of it. */
static void write_atomic(const char *path, writer w, const void *ctx)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		die_at(tmp, "%s", strerror(errno));
	int rc = w(f, ctx);
	if (fclose(f) != 0 || rc != 0) {
		unlink(tmp);
		die_at(tmp, "write error");
	}
	if (rename(tmp, path) != 0)
		die("cannot rename %s to %s: %s", tmp, path, strerror(errno));
	free(tmp);
}

static struct repo_index idx;

static int write_json(FILE *f, const void *ctx)
{
	(void)ctx;
	return repo_write_json(f, &idx);
}

static int write_sums(FILE *f, const void *dir)
{
	return repo_write_sums(f, &idx, dir);
}

static int write_upload(FILE *f, const void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < idx.n; i++)
		if (!idx.entries[i].published)
			fprintf(f, "%s\n", idx.entries[i].path);
	return ferror(f) ? -1 : 0;
}

/* The pages' files (relative to DIST), for --page-list: npages of the nwritten. */
static char **pages;
static size_t npages, nwritten;

static int write_page_list(FILE *f, const void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < npages; i++)
		fprintf(f, "%s\n", pages[i]);
	return ferror(f) ? -1 : 0;
}

static void usage(void)
{
	fputs("usage: repo-index --dist DIR [--records DIR] [--toolchain FILE]... [--published INDEX]\n"
	      "                  [--merge INDEX]... [--upload-list FILE] [--page-list FILE] [--status FILE]\n"
	      "                  [--signed yes|no]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dist = NULL, *records = NULL, *published = NULL, *upload = NULL, *status = NULL, *page_list = NULL;
	set_prog(argv[0]);
	const char **merges = xcalloc((size_t)argc, sizeof *merges);
	const char **toolchains = xcalloc((size_t)argc, sizeof *toolchains);
	size_t nmerges = 0, ntoolchains = 0;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--dist"))
			dist = val;
		else if (!strcmp(opt, "--records"))
			records = val;
		else if (!strcmp(opt, "--published"))
			published = val;
		else if (!strcmp(opt, "--merge"))
			merges[nmerges++] = val;
		else if (!strcmp(opt, "--toolchain"))
			toolchains[ntoolchains++] = val;
		else if (!strcmp(opt, "--upload-list"))
			upload = val;
		else if (!strcmp(opt, "--page-list"))
			page_list = val;
		else if (!strcmp(opt, "--status"))
			status = val;
		else if (!strcmp(opt, "--signed") && (!strcmp(val, "yes") || !strcmp(val, "no")))
			signed_repo = !strcmp(val, "yes");
		else
			usage();
	}
	if (!dist)
		usage();

	char err[2048];
	/* This run's coverage first: of two outputs that are not pending, the first stays. */
	if (status) {
		if (repo_read_coverage(status, &idx, err, sizeof err) != 0)
			die("%s", err);
		newest(status);
	}
	/* Published entries first, then merged ones, then records: of two equal entries the
	 * first is kept, so what is online stays as it is described there. */
	size_t pub_out = idx.nout, pub_out_end = idx.nout;
	if (published) {
		size_t before = idx.n;
		if (repo_read_index(published, &idx, err, sizeof err) != 0)
			die("%s", err);
		for (size_t i = before; i < idx.n; i++)
			idx.entries[i].published = true;
		pub_out_end = idx.nout;
		newest(published);
	}
	for (size_t i = 0; i < nmerges; i++) {
		if (repo_read_index(merges[i], &idx, err, sizeof err) != 0)
			die("%s", err);
		newest(merges[i]);
	}
	/* Yesterday's coverage (the published index's) comes after tonight's shards'. */
	for (size_t i = pub_out; i < pub_out_end; i++)
		idx.outputs[i].seq += (size_t)1 << 30;
	if (records) {
		walk_tree(records, ".rec", false);
		for (size_t i = 0; i < walk.n; i++) {
			char *file = join(records, walk.paths[i]);
			newest(file);
			struct repo_entry e;
			if (repo_read_record(file, &e, err, sizeof err) != 0)
				die("%s", err);
			size_t n = strlen(walk.paths[i]) - strlen(".rec");
			if (strlen(e.path) != n || strncmp(e.path, walk.paths[i], n))
				die_at(file, "names probe %s, not %.*s", e.path, (int)n, walk.paths[i]);
			char *probe = join(dist, e.path);
			struct stat st;
			if (stat(probe, &st) == 0)
				repo_add(&idx, &e);
			else
				repo_free_entry(&e); /* not part of this repository */
			free(probe);
			free(file);
		}
	}
	repo_sort(&idx);

	/* One entry per path; a second one must describe the same bytes. */
	size_t kept = 0;
	for (size_t i = 0; i < idx.n; i++) {
		struct repo_entry *e = &idx.entries[i];
		if (kept && !strcmp(idx.entries[kept - 1].path, e->path)) {
			struct repo_entry *first = &idx.entries[kept - 1];
			if (strcmp(first->sha256, e->sha256) || first->size != e->size)
				problem("%s: %s has sha256 %s (%llu bytes), %s has %s (%llu bytes): a published "
					"probe never changes", e->path, first->origin, first->sha256, first->size,
					e->origin, e->sha256, e->size);
			repo_free_entry(e);
			continue;
		}
		if (kept != i)
			idx.entries[kept] = *e;
		kept++;
	}
	idx.n = kept;

	/* Every probe file in DIST is described, and exactly. */
	bool *present = xcalloc(idx.n, sizeof *present);
	walk_tree(dist, NULL, true);
	for (size_t i = 0; i < walk.n; i++) {
		const char *rel = walk.paths[i];
		char *file = join(dist, rel);
		struct repo_entry *e = repo_valid_path(rel) ? repo_find(&idx, rel) : NULL;
		char hex[SHA256_HEX_SIZE];
		unsigned long long size;
		if (!repo_valid_path(rel))
			problem("%s: not a name a repository can hold", file);
		else if (!e)
			problem("%s: no record or index describes it (build it with make, or remove it)", file);
		else if (sha256_file(file, hex, &size) != 0)
			problem("%s: cannot read it: %s", file, strerror(errno));
		else if (strcmp(hex, e->sha256) || size != e->size)
			problem("%s: sha256 %s (%llu bytes), but %s says %s (%llu bytes)", file, hex, size,
				e->origin, e->sha256, e->size);
		else
			present[e - idx.entries] = true;
		free(file);
	}
	for (size_t i = 0; i < idx.n; i++)
		if (!idx.entries[i].published && !present[i])
			problem("%s (from %s) is neither published nor in %s", idx.entries[i].path,
				idx.entries[i].origin, dist);

	/* A boot verification's verdict travels with the probe it was reached for. */
	for (size_t i = 0; i < idx.n; i++) {
		struct repo_entry *e = &idx.entries[i];
		if (!present[i])
			continue;
		char *probe = join(dist, e->path), *verified = xasprintf("%s.verified", probe);
		struct repo_entry v = { 0 };
		if (access(verified, F_OK) == 0) {
			if (repo_read_kv(verified, &v, err, sizeof err) != 0)
				problem("%s", err);
			const char *sha = NULL;
			for (size_t k = 0; k < v.nverified; k++)
				if (!strcmp(v.verified[k].key, "probe_sha256"))
					sha = v.verified[k].value;
			if (sha && strcmp(sha, e->sha256))
				warn_at(verified, "verifies another build of %s; left out", e->path);
			else if (v.nverified) {
				for (size_t k = 0; k < e->nverified; k++) {
					free(e->verified[k].key);
					free(e->verified[k].value);
				}
				free(e->verified);
				e->verified = v.verified;
				e->nverified = v.nverified;
				v.verified = NULL;
				v.nverified = 0;
			}
		}
		repo_free_entry(&v);
		free(verified);
		free(probe);
	}

	if (problems)
		die("%d problem%s: no index written", problems, problems == 1 ? "" : "s");

	for (size_t i = 0; i < ntoolchains; i++) {
		char *text = read_text(toolchains[i]);
		char hex[SHA256_HEX_SIZE];
		sha256_buffer(text, strlen(text), hex);
		repo_add_toolchain(&idx, hex, text);
		free(text);
	}
	/* Only the toolchains that some probe was built with. */
	size_t tkept = 0;
	for (size_t t = 0; t < idx.ntoolchains; t++) {
		bool used = false;
		for (size_t i = 0; i < idx.n && !used; i++)
			used = !strcmp(idx.entries[i].toolchain_sha256, idx.toolchains[t].sha256);
		if (used)
			idx.toolchains[tkept++] = idx.toolchains[t];
		else {
			free(idx.toolchains[t].sha256);
			free(idx.toolchains[t].text);
		}
	}
	idx.ntoolchains = tkept;
	repo_sort(&idx);
	repo_settle_coverage(&idx);

	if (mkdir(dist, 0777) != 0 && errno != EEXIST)
		die_at(dist, "%s", strerror(errno));
	/* Every directory that holds a probe gets its SHA256SUMS, written once. */
	char **dirs = xcalloc(idx.n, sizeof *dirs);
	for (size_t i = 0; i < idx.n; i++)
		dirs[i] = repo_dirname(idx.entries[i].path);
	qsort(dirs, idx.n, sizeof *dirs, str_cmp);
	for (size_t i = 0; i < idx.n; i++) {
		if (i && !strcmp(dirs[i], dirs[i - 1]))
			continue;
		char *file = xasprintf("%s/%s%sSHA256SUMS", dist, dirs[i], *dirs[i] ? "/" : "");
		/* A directory of published probes only may not exist here yet. */
		for (char *s = file + strlen(dist) + 1; (s = strchr(s, '/')); s++) {
			*s = 0;
			if (mkdir(file, 0777) != 0 && errno != EEXIST)
				die_at(file, "%s", strerror(errno));
			*s = '/';
		}
		write_atomic(file, write_sums, dirs[i]);
		free(file);
	}
	for (size_t i = 0; i < idx.n; i++)
		free(dirs[i]);
	free(dirs);
	char *json = join(dist, "index.json");
	write_atomic(json, write_json, NULL);
	int prc = repo_write_pages(dist, &idx, (unsigned long long)input_time, signed_repo, &pages, &nwritten, err,
				   sizeof err);
	if (prc != 0)
		die("%s", err);
	/* index.html is the last of them; make lists it itself. */
	npages = nwritten && !strcmp(pages[nwritten - 1], "index.html") ? nwritten - 1 : nwritten;
	if (upload)
		write_atomic(upload, write_upload, NULL);
	if (page_list)
		write_atomic(page_list, write_page_list, NULL);
	size_t fresh = 0;
	for (size_t i = 0; i < idx.n; i++)
		fresh += !idx.entries[i].published;
	printf("  INDEX   %s: %zu probes, %zu not yet published\n", json, idx.n, fresh);

	free(json);
	for (size_t i = 0; i < nwritten; i++)
		free(pages[i]);
	free(pages);
	free(present);
	for (size_t i = 0; i < walk.n; i++)
		free(walk.paths[i]);
	free(walk.paths);
	free(merges);
	free(toolchains);
	repo_free(&idx);
	return 0;
}
