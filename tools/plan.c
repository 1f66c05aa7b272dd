/* plan: what a run builds of one distribution, as a make fragment.
 *
 *   plan --distro D --list FILE [--report FILE] [--release NAME]... [--published FILE]
 *        [--shard I/N] [--verdicts DIR [--verdict-format N] --dist DIR --kernel-ids DIR [--stamp KEY=FILE]...
 *        [--dep FILE]... [--retry-failed]] OUTPUTS...
 *
 * OUTPUTS are the output tables tools/kernels-mk writes beside each fragment (one output a
 * line: path, kernel id, kind, the releases that ask for it, role). An output is planned when one
 * of its releases is one of the --release names (all, without any), it can be served at all, the
 * published repository does not have it (--published: its paths, one a line), it falls in shard
 * I of N (a hash of the path of the output that is compiled, so that a copy stays with its source
 * and a new kernel never moves an old one), and it did not fail already with the inputs it has
 * now: an output missing from --dist whose verdict (--verdicts DIR/<path>, mk/build-output.sh)
 * is newer than all of its inputs (its kernel's identity, --kernel-ids DIR/D/<kernel id>.id; the
 * stamps of its driver version and of its kind, --stamp <driver version or kind>=FILE; every
 * --dep) and of the current form (a line format=<--verdict-format, default 2>: an older one was
 * recorded without the build's own evidence) is not tried again, unless --retry-failed; nor is
 * a copy of it.
 *
 * stdout, for make:
 *   PLAN.<D> := done/<D>/<kernel id> ...     one goal per kernel that has planned outputs
 *   PLANNED.<D>, UPTODATE.<D>, PLANNED_KINDS.<D>   how many outputs have work, how many not,
 *                                            and the kinds of that work
 *   done/<D>/<kernel id>: $(DIST)/<path> ... ; $(call done_kernel,<D>/<kernel id>)
 * so that a kernel's work tree is removed once all of its outputs are made (mk/outputs.mk).
 * --list FILE: the planned paths, sorted; --report FILE: what was left out and why, one a line:
 *   <path> <kernel id> <kind> <release> published|unservable <reason>|failed <reason>
 * Both are replaced only when their text changes. Exit 1 on a malformed table, naming its line. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"


struct row {
	char *path, *kid, *kind, *release, *role, *source; /* source: the compiled path */
	int stale;                                         /* -1 not known yet, else a bool */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_sorted(char **list, size_t n, const char *s)
{
	return n && bsearch(&s, list, n, sizeof *list, cmp_str);
}

/* Whether one of LIST's comma-separated names is in the sorted SET. */
static bool any_in_sorted(char **set, size_t n, const char *list)
{
	char name[256];
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len < sizeof name) {
			memcpy(name, p, len);
			name[len] = 0;
			if (in_sorted(set, n, name))
				return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die_at(path, "%s", strerror(errno));
	char **lines = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	*n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		lines = xrealloc(lines, (*n + 1) * sizeof *lines);
		lines[(*n)++] = xstrdup(line);
	}
	if (ferror(f))
		die_at(path, "read error");
	fclose(f);
	free(line);
	if (*n)
		qsort(lines, *n, sizeof *lines, cmp_str);
	return lines;
}

/* The shard of a path: a polynomial hash of its bytes (as mk/shard.awk had it), 1..n. */
static unsigned long shard_of(const char *s, unsigned long n)
{
	unsigned long long h = 0;
	for (; *s; s++)
		h = (h * 31 + (unsigned char)*s) % 2147483647ull;
	return (unsigned long)(h % n) + 1;
}


static const char *distro, *verdicts, *dist, *kernel_ids, *verdict_format = "2";
static const char **stamps, **deps, **kind_deps;
static size_t nstamps, ndeps, nkind_deps;
static bool retry;

/* The file's modification time, or -1 when it is not there. */
static double mtime_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
}

/* The file's modification time in nanoseconds, as make compares them, or -1 when it is not
 * there. */
static long long mtime_ns(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

static const char *stamp_of(const char *key)
{
	size_t n = strlen(key);
	for (size_t k = 0; k < nstamps; k++)
		if (!strncmp(stamps[k], key, n) && stamps[k][n] == '=')
			return stamps[k] + n + 1;
	return NULL;
}

/* The reason of w's verdict when it is newer than every input w has now (malloc'd), or NULL. */
static char *valid_verdict(const struct row *w)
{
	char *path = xasprintf("%s/%s", dist, w->path);
	double built = mtime_of(path);
	free(path);
	if (built >= 0)
		return NULL; /* there: make decides whether it is up to date */
	path = xasprintf("%s/%s", verdicts, w->path);
	double when = mtime_of(path);
	FILE *f = when >= 0 ? fopen(path, "r") : NULL;
	free(path);
	if (!f)
		return NULL;
	char *line = NULL, *why = NULL;
	size_t cap = 0;
	bool current = false;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "format=", 7))
			current = !strcmp(line + 7, verdict_format);
		else if (!why && !strncmp(line, "reason=", 7))
			why = xstrdup(line + 7);
	}
	free(line);
	fclose(f);
	if (!why || !current) {
		free(why);
		return NULL;
	}
	char dv[256];
	snprintf(dv, sizeof dv, "%.*s", (int)strcspn(w->path, "/"), w->path);
	char *id = xasprintf("%s/%s/%s.id", kernel_ids, distro, w->kid);
	const char *inputs[] = { id, stamp_of(dv), stamp_of(w->kind) };
	bool valid = true;
	for (size_t k = 0; k < 3 && valid; k++)
		valid = !inputs[k] || (mtime_of(inputs[k]) >= 0 && mtime_of(inputs[k]) < when);
	for (size_t k = 0; k < ndeps && valid; k++)
		valid = mtime_of(deps[k]) >= 0 && mtime_of(deps[k]) < when;
	free(id);
	if (!valid) {
		free(why);
		return NULL;
	}
	return why;
}

/* Whether make would remake w's output: it is missing, or an input of its rule (mk/outputs.mk:
 * the kernel's identity, its driver version's and kind's stamps, the distribution's and the
 * kind's scripts) is newer, or one of them is not there yet. The kernel's work tree, the rule's
 * other prerequisite, is an intermediate made only for work that is needed. */
static bool build_stale(const struct row *w)
{
	char *path = xasprintf("%s/%s", dist, w->path);
	long long out = mtime_ns(path);
	free(path);
	if (out < 0)
		return true;
	char dv[256];
	snprintf(dv, sizeof dv, "%.*s", (int)strcspn(w->path, "/"), w->path);
	char *id = xasprintf("%s/%s/%s.id", kernel_ids, distro, w->kid);
	const char *inputs[] = { id, stamp_of(dv), stamp_of(w->kind) };
	bool stale = false;
	for (size_t k = 0; k < 3 && !stale; k++) {
		long long t = inputs[k] ? mtime_ns(inputs[k]) : -1;
		stale = t < 0 || t > out;
	}
	free(id);
	for (size_t k = 0; k < ndeps && !stale; k++) {
		long long t = mtime_ns(deps[k]);
		stale = t < 0 || t > out;
	}
	size_t kl = strlen(w->kind);
	for (size_t k = 0; k < nkind_deps && !stale; k++)
		if (!strncmp(kind_deps[k], w->kind, kl) && kind_deps[k][kl] == '=') {
			long long t = mtime_ns(kind_deps[k] + kl + 1);
			stale = t < 0 || t > out;
		}
	return stale;
}

/* An output that failed with the inputs it still has, and why. */
struct failure {
	const char *path;
	char *why;
};

static int cmp_failures(const void *a, const void *b)
{
	return strcmp(((const struct failure *)a)->path, ((const struct failure *)b)->path);
}

static int cmp_row_paths(const void *a, const void *b)
{
	return strcmp((*(struct row *const *)a)->path, (*(struct row *const *)b)->path);
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->kid, y->kid);
	return c ? c : strcmp(x->path, y->path);
}

/* Adds the rows of the output table FILE that one of the (sorted) releases asks for, or all of
 * them without any, to *all. */
static void read_outputs(const char *file, char **releases, size_t nreleases, struct row **all, size_t *nall)
{
	FILE *f = fopen(file, "r");
	if (!f)
		die_at(file, "%s", strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		char *field[5];
		if (split_fields(line, '\t', field, 5) != 5 || !*field[0] || !*field[1])
			die_line(file, lineno, "expected 5 tab-separated fields");
		if (nreleases && !any_in_sorted(releases, nreleases, field[3]))
			continue;
		const char *role = field[4], *source = field[0];
		if (!strncmp(role, "copy ", 5))
			source = role + 5;
		else if (strcmp(role, "build") && strncmp(role, "unservable ", 11))
			die_line(file, lineno, "unknown role '%s'", role);
		*all = xrealloc(*all, (*nall + 1) * sizeof **all);
		(*all)[(*nall)++] = (struct row){ xstrdup(field[0]), xstrdup(field[1]), xstrdup(field[2]), xstrdup(field[3]),
						  xstrdup(role), xstrdup(source), -1 };
	}
	if (ferror(f))
		die_at(file, "read error");
	free(line);
	fclose(f);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *list_path = NULL, *report_path = NULL, *published_path = NULL;
	unsigned long shard_i = 0, shard_n = 0;
	char **releases = NULL;
	size_t nreleases = 0;
	int i = 1;
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--distro"))
			distro = val;
		else if (!strcmp(opt, "--list"))
			list_path = val;
		else if (!strcmp(opt, "--report"))
			report_path = val;
		else if (!strcmp(opt, "--published"))
			published_path = val;
		else if (!strcmp(opt, "--verdicts"))
			verdicts = val;
		else if (!strcmp(opt, "--dist"))
			dist = val;
		else if (!strcmp(opt, "--kernel-ids"))
			kernel_ids = val;
		else if (!strcmp(opt, "--verdict-format"))
			verdict_format = val;
		else if (!strcmp(opt, "--stamp")) {
			if (!strchr(val, '='))
				die("--stamp %s: expected KEY=FILE", val);
			stamps = xrealloc(stamps, (nstamps + 1) * sizeof *stamps);
			stamps[nstamps++] = val;
		} else if (!strcmp(opt, "--dep")) {
			deps = xrealloc(deps, (ndeps + 1) * sizeof *deps);
			deps[ndeps++] = val;
		} else if (!strcmp(opt, "--kind-dep")) {
			if (!strchr(val, '='))
				die("--kind-dep %s: expected KIND=FILE", val);
			kind_deps = xrealloc(kind_deps, (nkind_deps + 1) * sizeof *kind_deps);
			kind_deps[nkind_deps++] = val;
		} else if (!strcmp(opt, "--retry-failed")) {
			retry = true;
			i--; /* takes no value */
		}
		else if (!strcmp(opt, "--release")) {
			releases = xrealloc(releases, (nreleases + 1) * sizeof *releases);
			releases[nreleases++] = xstrdup(val);
		} else if (!strcmp(opt, "--shard")) {
			char *end;
			shard_i = strtoul(val, &end, 10);
			if (*end != '/' || !(shard_n = strtoul(end + 1, &end, 10)) || *end || !shard_i || shard_i > shard_n)
				die("--shard %s: expected I/N with 1 <= I <= N", val);
		} else {
			break;
		}
	}
	if (!distro || !list_path || (verdicts && (!dist || !kernel_ids))) {
		fprintf(stderr, "usage: plan --distro D --list FILE [--report FILE] [--release NAME]...\n"
				"            [--published FILE] [--shard I/N] [--verdicts DIR [--verdict-format N] --dist DIR --kernel-ids DIR\n"
				"            [--stamp KEY=FILE]... [--dep FILE]... [--retry-failed]] OUTPUTS...\n");
		return 2;
	}
	if (nreleases)
		qsort(releases, nreleases, sizeof *releases, cmp_str);
	size_t npublished = 0;
	char **published = published_path ? read_lines(published_path, &npublished) : NULL;

	struct row *all = NULL;
	size_t nall = 0;
	for (; i < argc; i++)
		read_outputs(argv[i], releases, nreleases, &all, &nall);

	/* What failed already, with the inputs it has now: the paths, with their reasons. */
	struct failure *failed = NULL;
	size_t nfailed = 0;
	for (size_t r = 0; verdicts && !retry && r < nall; r++) {
		if (strcmp(all[r].role, "build"))
			continue;
		char *why = valid_verdict(&all[r]);
		if (!why)
			continue;
		failed = xrealloc(failed, (nfailed + 1) * sizeof *failed);
		failed[nfailed++] = (struct failure){ all[r].path, why };
	}
	if (nfailed)
		qsort(failed, nfailed, sizeof *failed, cmp_failures);

	struct row *rows = NULL;
	size_t nrows = 0;
	char *report = NULL;
	size_t reportlen = 0;
	FILE *rep = open_memstream(&report, &reportlen);
	for (size_t r = 0; r < nall; r++) {
		struct row *w = &all[r];
		if (!strncmp(w->role, "unservable ", 11)) {
			fprintf(rep, "%s\t%s\t%s\t%s\t%s\n", w->path, w->kid, w->kind, w->release, w->role);
			continue;
		}
		const char *why = NULL;
		struct failure key = { w->source, NULL }, *hit;
		if (nfailed && (hit = bsearch(&key, failed, nfailed, sizeof *failed, cmp_failures)))
			why = hit->why;
		if (why) {
			fprintf(rep, "%s\t%s\t%s\t%s\tfailed %s\n", w->path, w->kid, w->kind, w->release, why);
			continue;
		}
		if (in_sorted(published, npublished, w->path)) {
			fprintf(rep, "%s\t%s\t%s\t%s\tpublished\n", w->path, w->kid, w->kind, w->release);
			continue;
		}
		if (shard_n && shard_of(w->source, shard_n) != shard_i)
			continue;
		rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
		rows[nrows++] = *w;
	}
	fclose(rep);
	if (nrows)
		qsort(rows, nrows, sizeof *rows, cmp_rows);

	/* What make would do nothing for is left out of the plan (but not of the list): a no-op run
	 * then reads no rule of the distribution's outputs at all. A copy is stale when its source
	 * is, or is newer. */
	struct row **builds = xrealloc(NULL, (nall + 1) * sizeof *builds);
	size_t nbuilds = 0;
	for (size_t r = 0; r < nall; r++)
		if (!strcmp(all[r].role, "build"))
			builds[nbuilds++] = &all[r];
	if (nbuilds)
		qsort(builds, nbuilds, sizeof *builds, cmp_row_paths);
	size_t nstale = 0;
	for (size_t r = 0; r < nrows; r++) {
		struct row *w = &rows[r];
		if (!strcmp(w->role, "build")) {
			w->stale = build_stale(w);
		} else {
			struct row key = { .path = w->source }, *kp = &key;
			struct row **src = nbuilds ? bsearch(&kp, builds, nbuilds, sizeof *builds, cmp_row_paths) : NULL;
			if (src && (*src)->stale < 0)
				(*src)->stale = build_stale(*src);
			char *path = xasprintf("%s/%s", dist, w->path), *from = xasprintf("%s/%s", dist, w->source);
			long long out = mtime_ns(path), in = mtime_ns(from);
			w->stale = !src || (*src)->stale || out < 0 || in < 0 || in > out;
			free(path);
			free(from);
		}
		nstale += w->stale;
	}
	free(builds);

	printf("# Planned by tools/plan: do not edit.\n");
	printf("PLAN.%s :=", distro);
	const char *last = NULL;
	for (size_t r = 0; r < nrows; r++)
		if (rows[r].stale && (!last || strcmp(rows[r].kid, last))) {
			printf(" \\\n  done/%s/%s", distro, rows[r].kid);
			last = rows[r].kid;
		}
	putchar('\n');
	/* One goal per kernel with work, naming its stale outputs (rows are sorted by kernel). */
	const char *open_kid = NULL;
	for (size_t r = 0; r < nrows; r++) {
		if (!rows[r].stale)
			continue;
		if (!open_kid || strcmp(open_kid, rows[r].kid)) {
			if (open_kid)
				printf(" ; $(call done_kernel,%s/%s)\n", distro, open_kid);
			printf("done/%s/%s:", distro, rows[r].kid);
			open_kid = rows[r].kid;
		}
		printf(" $(DIST)/%s", rows[r].path);
	}
	if (open_kid)
		printf(" ; $(call done_kernel,%s/%s)\n", distro, open_kid);
	/* One .PHONY for all: make checks each new prerequisite of a target against those it has,
	 * so a .PHONY line per kernel costs time quadratic in the kernels (1.6 s at 25,000). */
	printf(".PHONY: $(PLAN.%s)\n", distro);
	printf("PLANNED.%s := %zu\n", distro, nstale);
	/* The kinds of work planned (bpf, kmod): a run that builds modules checks first whether it
	 * can enter their compilers' roots (mk/outputs.mk). */
	printf("PLANNED_KINDS.%s :=", distro);
	for (const char *const *k = (const char *const[]){ "bpf", "kmod", NULL }; *k; k++)
		for (size_t r = 0; r < nrows; r++)
			if (rows[r].stale && !strcmp(rows[r].kind, *k)) {
				printf(" %s", *k);
				break;
			}
	putchar('\n');
	printf("UPTODATE.%s := %zu\n", distro, nrows - nstale);

	char **paths = xrealloc(NULL, (nrows + 1) * sizeof *paths);
	for (size_t r = 0; r < nrows; r++)
		paths[r] = rows[r].path;
	if (nrows)
		qsort(paths, nrows, sizeof *paths, cmp_str);
	char *list = NULL;
	size_t listlen = 0;
	FILE *l = open_memstream(&list, &listlen);
	for (size_t r = 0; r < nrows; r++)
		fprintf(l, "%s\n", paths[r]);
	fclose(l);
	replace_file(list_path, list, listlen);
	if (report_path)
		replace_file(report_path, report, reportlen);

	free(list);
	free(report);
	free(paths);
	for (size_t r = 0; r < nall; r++) {
		free(all[r].path), free(all[r].kid), free(all[r].kind), free(all[r].release);
		free(all[r].role), free(all[r].source);
	}
	free(all);
	free(rows);
	for (size_t k = 0; k < nfailed; k++)
		free(failed[k].why);
	free(failed);
	free(stamps);
	free(deps);
	for (size_t p = 0; p < npublished; p++)
		free(published[p]);
	free(published);
	for (size_t r = 0; r < nreleases; r++)
		free(releases[r]);
	free(releases);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
