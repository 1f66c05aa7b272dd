/* output-state: what became of every output of a distribution, from tools/outputs.c, the one
 * reader of that state (the plan reads it too).
 *
 *   output-state status|coverage --distro D --kernels FILE --dist DIR [--verdicts DIR
 *                [--verdict-format N] --kernel-ids DIR] [--runs DIR] [--stamp KEY=FILE]...
 *                [--dep FILE]... [--kind-dep KIND=FILE]... [--release NAME]... [--seen FILE]
 *                --outputs DV=FILE...
 *
 * status: one line per output the releases ask for (all, without --release), tab-separated:
 *   distro, os-release name, kernel id, uname -r, uname -m, driver version, kind, the releases
 *   asking for it (comma-separated), repository path ("-" for none), state, reason, when a run
 *   first listed its kernel (--seen, tools/kernels-mk: seconds since 1970, or empty)
 * the state built, failed (a verdict that holds: its reason), fault (the last run that tried it
 * failed without a verdict: its reason; tried again next run), unservable (the table's reason) or
 * pending; tabs and control characters of a reason become spaces. tools/repo-index --status
 * reads these lines (index.json's "coverage", index.html).
 * coverage: per os-release, the kernels listed and, per driver version and kind, how many
 * outputs are built (and of those, verified to PASS in their own kernel), failed, fault,
 * unservable and pending, as a text table (make coverage). Without a kernel table (FILE not
 * there), one line says the distribution is not listed yet.
 * Exit 1 on a malformed table, naming its line; 2 on a usage error. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "outputs.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum state { BUILT, FAILED, FAULT, UNSERVABLE, PENDING };
static const char *const state_names[] = { "built", "failed", "fault", "unservable", "pending" };

/* What became of o, and why (malloc'd, or NULL). */
static enum state state_of(const struct state_ctx *c, const struct output *o, char **why)
{
	*why = NULL;
	if (o->role == ROLE_UNSERVABLE) {
		*why = xstrdup(o->why);
		return UNSERVABLE;
	}
	if (outputs_mtime(c, o) >= 0)
		return BUILT;
	/* A copy's verdict is its source's: it failed with it. */
	struct output src = *o;
	src.path = o->source;
	src.role = ROLE_BUILD;
	src.mtime = OUTPUT_MTIME_UNKNOWN;
	if ((*why = outputs_verdict(c, &src)))
		return FAILED;
	const char *fault = outputs_fault(c, o);
	if (fault) {
		*why = xstrdup(fault);
		return FAULT;
	}
	return PENDING;
}

/* The name of an os-release file: its last part. */
static const char *osrel_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void clean(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* --seen's "<kernel id> <epoch>" lines, sorted by id. */
static char **seen_lines;
static size_t nseen_lines;

static const char *first_seen(const char *kid)
{
	size_t lo = 0, hi = nseen_lines, n = strlen(kid);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(seen_lines[mid], kid, n);
		if (!c)
			c = seen_lines[mid][n] == '\t' ? 0 : (unsigned char)seen_lines[mid][n] - '\t';
		if (!c)
			return seen_lines[mid] + n + 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

static int cmp_seen(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, "\t"), ny = strcspn(y, "\t"), n = nx < ny ? nx : ny;
	int c = strncmp(x, y, n);
	return c ? c : (nx > ny) - (nx < ny);
}

static void read_seen(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return; /* no run has listed the distribution with it yet */
		die_at(path, "%s", strerror(errno));
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	for (long lineno = 1; (len = getline(&line, &cap, f)) >= 0; lineno++) {
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		char *tab = strchr(line, '\t');
		if (!tab || tab == line || !tab[1] || strspn(tab + 1, "0123456789") != strlen(tab + 1))
			die_line(path, lineno, "expected <kernel id> <seconds since 1970>");
		seen_lines = xrealloc(seen_lines, (nseen_lines + 1) * sizeof *seen_lines);
		seen_lines[nseen_lines++] = xstrdup(line);
	}
	if (ferror(f))
		die_at(path, "read error");
	free(line);
	fclose(f);
	if (nseen_lines)
		qsort(seen_lines, nseen_lines, sizeof *seen_lines, cmp_seen);
}

static void status(const struct tables *t, const struct state_ctx *c)
{
	for (size_t i = 0; i < t->nout; i++) {
		const struct output *o = &t->out[i];
		const struct table_kernel *k = outputs_kernel(t, o->kid);
		if (!k)
			die("%s: kernel %s is in an output table but not in the kernel table", t->distro, o->kid);
		char *why;
		enum state s = state_of(c, o, &why);
		clean(why);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t->distro, osrel_name(k->os_release), o->kid,
		       k->uname_r, k->uname_m, o->dv, o->kind, o->releases, o->path, state_names[s], why ? why : "",
		       first_seen(o->kid));
		free(why);
	}
}

/* ---- the coverage table ---- */

struct cell {
	char *osrel, *dv, *kind;
	size_t n[5], verified;
};

static int cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	int c = strcmp(x->osrel, y->osrel);
	if (!c)
		c = strcmp(x->dv, y->dv);
	return c ? c : strcmp(x->kind, y->kind);
}

struct count {
	char *osrel;
	size_t kernels;
};

static int cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct count *)a)->osrel, ((const struct count *)b)->osrel);
}

static void coverage(const struct tables *t, const struct state_ctx *c)
{
	/* Kernels listed, per os-release. */
	struct count *counts = NULL;
	size_t ncounts = 0;
	for (size_t i = 0; i < t->nkernels; i++) {
		const char *r = osrel_name(t->kernels[i].os_release);
		size_t j = 0;
		while (j < ncounts && strcmp(counts[j].osrel, r))
			j++;
		if (j == ncounts) {
			counts = xrealloc(counts, (ncounts + 1) * sizeof *counts);
			counts[ncounts++] = (struct count){ xstrdup(r), 0 };
		}
		counts[j].kernels++;
	}
	/* Each output once, however many releases ask for it, in its cell. */
	struct cell *cells = NULL;
	size_t ncells = 0;
	char **seen = xmalloc((t->nout + 1) * sizeof *seen);
	size_t nseen = 0;
	for (size_t i = 0; i < t->nout; i++) {
		const struct output *o = &t->out[i];
		if (strcmp(o->path, "-"))
			seen[nseen++] = xasprintf("%s/%s", o->dv, o->path);
	}
	if (nseen)
		qsort(seen, nseen, sizeof *seen, cmp_str);
	bool *counted = xcalloc(nseen + 1, sizeof *counted);
	for (size_t i = 0; i < t->nout; i++) {
		const struct output *o = &t->out[i];
		if (strcmp(o->path, "-")) {
			char *key = xasprintf("%s/%s", o->dv, o->path);
			char **hit = bsearch(&key, seen, nseen, sizeof *seen, cmp_str);
			free(key);
			if (counted[hit - seen])
				continue;
			counted[hit - seen] = true;
		}
		const struct table_kernel *k = outputs_kernel(t, o->kid);
		if (!k)
			die("%s: kernel %s is in an output table but not in the kernel table", t->distro, o->kid);
		struct cell key = { (char *)osrel_name(k->os_release), (char *)o->dv, o->kind, { 0 }, 0 };
		size_t j = 0;
		while (j < ncells && cmp_cell(&cells[j], &key))
			j++;
		if (j == ncells) {
			cells = xrealloc(cells, (ncells + 1) * sizeof *cells);
			cells[ncells++] = (struct cell){ xstrdup(key.osrel), xstrdup(o->dv), xstrdup(o->kind), { 0 }, 0 };
		}
		char *why;
		enum state s = state_of(c, o, &why);
		free(why);
		cells[j].n[s]++;
		if (s == BUILT) {
			char *result = outputs_verified(c, o);
			cells[j].verified += result && !strcmp(result, "PASS");
			free(result);
		}
	}
	if (ncells)
		qsort(cells, ncells, sizeof *cells, cmp_cell);
	if (ncounts)
		qsort(counts, ncounts, sizeof *counts, cmp_count);
	printf("%s\n", t->distro);
	printf("  %-16s %7s  %-42s %-4s %7s %8s %6s %5s %10s %7s\n", "release", "kernels", "driver version", "kind", "built",
	       "verified", "failed", "fault", "unservable", "pending");
	/* Every os-release that has kernels or outputs, in order. */
	for (size_t a = 0, b = 0; a < ncounts || b < ncells;) {
		const char *r = a < ncounts && (b >= ncells || strcmp(counts[a].osrel, cells[b].osrel) <= 0) ? counts[a].osrel
													    : cells[b].osrel;
		size_t kernels = a < ncounts && !strcmp(counts[a].osrel, r) ? counts[a].kernels : 0;
		bool any = false;
		for (; b < ncells && !strcmp(cells[b].osrel, r); b++) {
			const struct cell *x = &cells[b];
			if (any)
				printf("  %-16s %7s  ", "", "");
			else
				printf("  %-16s %7zu  ", r, kernels);
			printf("%-42s %-4s %7zu %8zu %6zu %5zu %10zu %7zu\n", x->dv, x->kind, x->n[BUILT], x->verified, x->n[FAILED],
			       x->n[FAULT], x->n[UNSERVABLE], x->n[PENDING]);
			any = true;
		}
		if (!any)
			printf("  %-16s %7zu  (no output asked for by the selected releases)\n", r, kernels);
		while (a < ncounts && !strcmp(counts[a].osrel, r))
			a++;
	}
	for (size_t j = 0; j < ncells; j++)
		free(cells[j].osrel), free(cells[j].dv), free(cells[j].kind);
	free(cells);
	for (size_t j = 0; j < ncounts; j++)
		free(counts[j].osrel);
	free(counts);
	for (size_t j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	free(counted);
}

/* What the command line's options took, on either way out of main. */
static void free_options(struct state_ctx *ctx, char **releases, size_t nreleases, const char **tables)
{
	for (size_t k = 0; k < nreleases; k++)
		free(releases[k]);
	free(releases);
	free(tables);
	free(ctx->stamps);
	free(ctx->deps);
	free(ctx->kind_deps);
	for (size_t k = 0; k < nseen_lines; k++)
		free(seen_lines[k]);
	free(seen_lines);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	if (argc < 2 || (strcmp(argv[1], "status") && strcmp(argv[1], "coverage"))) {
	usage:
		fprintf(stderr, "usage: output-state status|coverage --distro D --kernels FILE --dist DIR\n"
				"            [--verdicts DIR [--verdict-format N] --kernel-ids DIR] [--runs DIR]\n"
				"            [--stamp KEY=FILE]... [--dep FILE]... [--kind-dep KIND=FILE]... [--release NAME]...\n"
				"            --outputs DV=FILE...\n");
		return 2;
	}
	const char *mode = argv[1], *kernels_path = NULL;
	struct state_ctx ctx = { .verdict_format = "2" };
	char **releases = NULL;
	size_t nreleases = 0;
	const char **tables = NULL;
	size_t ntables = 0;
	int i = 2;
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--distro"))
			ctx.distro = val;
		else if (!strcmp(opt, "--kernels"))
			kernels_path = val;
		else if (!strcmp(opt, "--dist"))
			ctx.dist = val;
		else if (!strcmp(opt, "--verdicts"))
			ctx.verdicts = val;
		else if (!strcmp(opt, "--verdict-format"))
			ctx.verdict_format = val;
		else if (!strcmp(opt, "--kernel-ids"))
			ctx.kernel_ids = val;
		else if (!strcmp(opt, "--runs"))
			ctx.runs = val;
		else if (!strcmp(opt, "--seen"))
			read_seen(val);
		else if (!strcmp(opt, "--stamp") || !strcmp(opt, "--kind-dep") || !strcmp(opt, "--outputs")) {
			if (!strchr(val, '='))
				die("%s %s: expected KEY=FILE", opt, val);
			const char ***list = !strcmp(opt, "--stamp") ? &ctx.stamps : !strcmp(opt, "--kind-dep") ? &ctx.kind_deps : &tables;
			size_t *n = !strcmp(opt, "--stamp") ? &ctx.nstamps : !strcmp(opt, "--kind-dep") ? &ctx.nkind_deps : &ntables;
			*list = xrealloc(*list, (*n + 1) * sizeof **list);
			(*list)[(*n)++] = val;
		} else if (!strcmp(opt, "--dep")) {
			ctx.deps = xrealloc(ctx.deps, (ctx.ndeps + 1) * sizeof *ctx.deps);
			ctx.deps[ctx.ndeps++] = val;
		} else if (!strcmp(opt, "--release")) {
			releases = xrealloc(releases, (nreleases + 1) * sizeof *releases);
			releases[nreleases++] = xstrdup(val);
		} else {
			goto usage;
		}
	}
	if (i != argc || !ctx.distro || !kernels_path || !ctx.dist || (ctx.verdicts && !ctx.kernel_ids))
		goto usage;
	struct stat st;
	if (stat(kernels_path, &st) != 0) {
		if (errno != ENOENT)
			die_at(kernels_path, "%s", strerror(errno));
		if (!strcmp(mode, "coverage"))
			printf("%s: not listed yet (make list-%s)\n", ctx.distro, ctx.distro);
		free_options(&ctx, releases, nreleases, tables);
		return 0;
	}
	if (nreleases)
		qsort(releases, nreleases, sizeof *releases, cmp_str);
	struct tables t = { .distro = ctx.distro };
	outputs_read_kernels(&t, kernels_path);
	char **dvs = xmalloc((ntables + 1) * sizeof *dvs);
	for (size_t k = 0; k < ntables; k++) {
		dvs[k] = xstrndup(tables[k], strcspn(tables[k], "="));
		outputs_read(&t, dvs[k], tables[k] + strlen(dvs[k]) + 1, releases, nreleases);
	}
	outputs_read_faults(&ctx);
	outputs_prefetch(&ctx, &t);
	if (!strcmp(mode, "status"))
		status(&t, &ctx);
	else
		coverage(&t, &ctx);
	outputs_free(&t);
	outputs_free_ctx(&ctx);
	for (size_t k = 0; k < ntables; k++)
		free(dvs[k]);
	free(dvs);
	free_options(&ctx, releases, nreleases, tables);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
