/* plan: what a run builds of one distribution, as the make rules of that work alone.
 *
 *   plan --distro D --kernels FILE --list FILE [--report FILE] [--release NAME]...
 *        [--published FILE] [--shard I/N] [--verdicts DIR [--verdict-format N] --dist DIR
 *        --kernel-ids DIR [--stamp KEY=FILE]... [--dep FILE]... [--kind-dep KIND=FILE]...
 *        [--retry-failed]] [--goal PATH]... [--verify-goal PATH]... [--verify-all]
 *        [--package-goal SHA256]... [--list-only] --outputs DV=FILE...
 *
 * The tables are tools/kernels-mk's (tools/outputs.h): --kernels kernels/<D>.kernels, and per
 * driver version DV its kernels/<DV>/<D>.outputs. An output is planned when one of its releases
 * is one of the --release names (all, without any), it can be served at all, the published
 * repository does not have it (--published: its paths, one a line), it falls in shard I of N (a
 * hash of the path of the output that is compiled, so that a copy stays with its source and a
 * new kernel never moves an old one), and it did not fail already with the inputs it has now
 * (a verdict that holds, tools/outputs.c), unless --retry-failed; nor is a copy of it.
 *
 * stdout, for make: only the rules of the work there is (a planned output that make would
 * remake: missing, or an input newer), so that a run reads rules in proportion to its work:
 *   PLAN.<D> := done/<D>/<kernel id> ...     one goal per kernel that has work
 *   done/<D>/<kernel id>: $(DIST)/<path> ... ; $(call done_kernel,<D>/<kernel id>)
 *   $(DIST)/<path>: <its inputs> ; $(call build_output,...)    (or copy_output)
 *   $(WORK)/<D>/<kernel id>/.tree: | $(PKG_DIR)/<sha256> ...   each kernel with work
 *   PKG.<sha256> := <size> <url>, IMG.<D>/<kernel id> := <sha256>
 *   PLANNED.<D>, UPTODATE.<D>, PLANNED_KINDS.<D>, TREES.<D>
 * and the rules of what the goals name whatever the plan says: --goal (an output's repository
 * path: make decides), --verify-goal (its boot verification, mk/verify.mk's verify_rule, with the
 * output's own rule), --verify-all (every output that has a kernel image) and --package-goal (a
 * package of the cache, PKG.<sha256>).
 * --list-only: no rule at all, for a run that only lists (make list-<D>): the next run then does
 * not read a listing run's rules before it makes its own plan.
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
#include "outputs.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_sorted(char **list, size_t n, const char *s)
{
	return n && bsearch(&s, list, n, sizeof *list, cmp_str);
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

/* An output that failed with the inputs it still has, and why. */
struct failure {
	const char *path;
	char *why;
};

static int cmp_failures(const void *a, const void *b)
{
	return strcmp(((const struct failure *)a)->path, ((const struct failure *)b)->path);
}

static int cmp_out_paths(const void *a, const void *b)
{
	return strcmp((*(struct output *const *)a)->path, (*(struct output *const *)b)->path);
}

static int cmp_outs(const void *a, const void *b)
{
	const struct output *x = *(struct output *const *)a, *y = *(struct output *const *)b;
	int c = strcmp(x->kid, y->kid);
	return c ? c : strcmp(x->path, y->path);
}

/* The release whose rules name an output: the first of those asking for it. */
static void print_release(FILE *f, const char *releases)
{
	fprintf(f, "%.*s", (int)strcspn(releases, ","), releases);
}

/* ---- the rules written ---- */

/* A set of strings (packages, trees, rules written), by open addressing. */
struct set {
	char **keys;
	size_t n, cap;
};

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Adds key; returns false when it was there already. */
static bool set_add(struct set *set, const char *key)
{
	if ((set->n + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		char **keys = xcalloc(cap, sizeof *keys);
		for (size_t i = 0; i < set->cap; i++)
			if (set->keys[i]) {
				size_t j = hash(set->keys[i]) & (cap - 1);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = set->keys[i];
			}
		free(set->keys);
		set->keys = keys;
		set->cap = cap;
	}
	size_t j = hash(key) & (set->cap - 1);
	while (set->keys[j]) {
		if (!strcmp(set->keys[j], key))
			return false;
		j = (j + 1) & (set->cap - 1);
	}
	set->keys[j] = xstrdup(key);
	set->n++;
	return true;
}

static bool set_has(const struct set *set, const char *key)
{
	if (!set->cap)
		return false;
	for (size_t j = hash(key) & (set->cap - 1); set->keys[j]; j = (j + 1) & (set->cap - 1))
		if (!strcmp(set->keys[j], key))
			return true;
	return false;
}

static void set_free(struct set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->keys[i]);
	free(set->keys);
}

struct writer {
	const char *distro;
	const struct tables *t;
	struct output **builds; /* every build output, by path */
	size_t nbuilds;
	struct set pkgs, trees, rules; /* what is written already, to write each once */
	struct set kmod_kernels;       /* the kernels a module's rule is written for */
	char **tree_order;             /* the trees, in the order written */
	size_t ntree_order;
};

static void write_package(struct writer *w, const struct table_package *p)
{
	if (set_add(&w->pkgs, p->sha256))
		printf("PKG.%s := %s %s\n", p->sha256, p->size, p->url);
}

/* The kernel's work tree: its packages. */
static void write_tree(struct writer *w, const char *kid)
{
	if (!set_add(&w->trees, kid))
		return;
	w->tree_order = xrealloc(w->tree_order, (w->ntree_order + 1) * sizeof *w->tree_order);
	w->tree_order[w->ntree_order++] = xstrdup(kid);
	const struct table_kernel *k = outputs_kernel(w->t, kid);
	if (!k)
		die("%s: kernel %s is in an output table but not in the kernel table", w->distro, kid);
	printf("$(WORK)/%s/%s/.tree: |", w->distro, kid);
	for (size_t p = 0; p < k->npkgs; p++)
		printf(" $(PKG_DIR)/%s", k->pkgs[p].sha256);
	putchar('\n');
	for (size_t p = 0; p < k->npkgs; p++)
		write_package(w, &k->pkgs[p]);
}

/* The image package of each kernel a module is built for: where its headers name no compiler,
 * the image's banner does (mk/kernel-tree.sh fetches it only then). A kernel of probes alone
 * never needs it. */
static void write_images(struct writer *w)
{
	for (size_t i = 0; i < w->ntree_order; i++) {
		const struct table_kernel *k = outputs_kernel(w->t, w->tree_order[i]);
		if (!k->image.sha256 || !set_has(&w->kmod_kernels, k->id))
			continue;
		printf("IMG.%s/%s := %s\n", w->distro, k->id, k->image.sha256);
		write_package(w, &k->image);
	}
}

static const struct output *build_of(const struct writer *w, const char *path)
{
	struct output key = { .path = (char *)path }, *kp = &key;
	struct output **hit = w->nbuilds ? bsearch(&kp, w->builds, w->nbuilds, sizeof *w->builds, cmp_out_paths) : NULL;
	return hit ? *hit : NULL;
}

/* The rule of one output: built from its kernel's tree, or copied from the output it names. */
static void write_rule(struct writer *w, const struct output *o)
{
	if (o->role == ROLE_UNSERVABLE || !set_add(&w->rules, o->path))
		return;
	const struct table_kernel *k = outputs_kernel(w->t, o->kid);
	if (!k)
		die("%s: kernel %s is in an output table but not in the kernel table", w->distro, o->kid);
	if (o->role == ROLE_BUILD) {
		write_tree(w, o->kid);
		if (!strcmp(o->kind, "kmod"))
			set_add(&w->kmod_kernels, o->kid);
		printf("$(DIST)/%s: $(WORK)/%s/%s/.tree $(IDS_DIR)/%s/%s.id $(DRV.%s) $(TC.%s) $(OUT_DEPS.%s) $(OUT_DEPS.%s) ; "
		       "$(call build_output,%s,%s,%s,",
		       o->path, w->distro, o->kid, w->distro, o->kid, o->dv, o->kind, w->distro, o->kind, w->distro, o->kid,
		       o->kind);
		print_release(stdout, o->releases);
		printf(",%s,%s)\n", o->dv, k->uname_r);
	} else {
		const struct output *src = build_of(w, o->source);
		if (src)
			write_rule(w, src);
		printf("$(DIST)/%s: $(DIST)/%s ; $(call copy_output,%s,%s,", o->path, o->source, w->distro, o->kid);
		print_release(stdout, o->releases);
		printf(",%s)\n", o->dv);
	}
}

/* An output's boot verification (mk/verify.mk), where its kernel has an image. */
static void write_verify(struct writer *w, const struct output *o)
{
	const struct table_kernel *k = outputs_kernel(w->t, o->kid);
	if (o->role == ROLE_UNSERVABLE || !k || !k->image.sha256)
		return;
	write_rule(w, o);
	write_package(w, &k->image);
	printf("$(eval $(call verify_rule,$(DIST)/%s,%s,%s,%s,%s,%s))\n", o->path, k->image.sha256, w->distro, o->kind,
	       o->dv, k->uname_m);
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *distro = NULL, *list_path = NULL, *report_path = NULL, *published_path = NULL, *kernels_path = NULL;
	struct state_ctx ctx = { .verdict_format = "2" };
	unsigned long shard_i = 0, shard_n = 0;
	bool retry = false, verify_all = false, list_only = false;
	char **releases = NULL, **goals = NULL, **verify_goals = NULL, **package_goals = NULL;
	size_t nreleases = 0, ngoals = 0, nverify_goals = 0, npackage_goals = 0;
	const char **tables = NULL;
	size_t ntables = 0;
	int i = 1;
	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--retry-failed")) {
			retry = true;
			i--; /* takes no value */
			continue;
		}
		if (!strcmp(opt, "--verify-all") || !strcmp(opt, "--list-only")) {
			*(!strcmp(opt, "--verify-all") ? &verify_all : &list_only) = true;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			break;
		const char *val = argv[i + 1];
		if (!strcmp(opt, "--distro"))
			distro = ctx.distro = val;
		else if (!strcmp(opt, "--kernels"))
			kernels_path = val;
		else if (!strcmp(opt, "--list"))
			list_path = val;
		else if (!strcmp(opt, "--report"))
			report_path = val;
		else if (!strcmp(opt, "--published"))
			published_path = val;
		else if (!strcmp(opt, "--verdicts"))
			ctx.verdicts = val;
		else if (!strcmp(opt, "--verdict-format"))
			ctx.verdict_format = val;
		else if (!strcmp(opt, "--dist"))
			ctx.dist = val;
		else if (!strcmp(opt, "--kernel-ids"))
			ctx.kernel_ids = val;
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
		} else if (!strcmp(opt, "--release") || !strcmp(opt, "--goal") || !strcmp(opt, "--verify-goal") ||
			   !strcmp(opt, "--package-goal")) {
			char ***list = !strcmp(opt, "--release") ? &releases : !strcmp(opt, "--goal") ? &goals :
				       !strcmp(opt, "--verify-goal") ? &verify_goals : &package_goals;
			size_t *n = !strcmp(opt, "--release") ? &nreleases : !strcmp(opt, "--goal") ? &ngoals :
				    !strcmp(opt, "--verify-goal") ? &nverify_goals : &npackage_goals;
			*list = xrealloc(*list, (*n + 1) * sizeof **list);
			(*list)[(*n)++] = xstrdup(val);
		} else if (!strcmp(opt, "--shard")) {
			char *end;
			shard_i = strtoul(val, &end, 10);
			if (*end != '/' || !(shard_n = strtoul(end + 1, &end, 10)) || *end || !shard_i || shard_i > shard_n)
				die("--shard %s: expected I/N with 1 <= I <= N", val);
		} else {
			break;
		}
	}
	if (i != argc || !distro || !list_path || !kernels_path || !ctx.dist ||
	    (ctx.verdicts && !ctx.kernel_ids)) {
		fprintf(stderr, "usage: plan --distro D --kernels FILE --list FILE --dist DIR [--report FILE] [--release NAME]...\n"
				"            [--published FILE] [--shard I/N] [--verdicts DIR [--verdict-format N] --kernel-ids DIR\n"
				"            [--stamp KEY=FILE]... [--dep FILE]... [--kind-dep KIND=FILE]... [--retry-failed]]\n"
				"            [--goal PATH]... [--verify-goal PATH]... [--verify-all] [--package-goal SHA256]...\n"
				"            --outputs DV=FILE...\n");
		return 2;
	}
	if (nreleases)
		qsort(releases, nreleases, sizeof *releases, cmp_str);
	if (ngoals)
		qsort(goals, ngoals, sizeof *goals, cmp_str);
	if (nverify_goals)
		qsort(verify_goals, nverify_goals, sizeof *verify_goals, cmp_str);
	if (npackage_goals)
		qsort(package_goals, npackage_goals, sizeof *package_goals, cmp_str);
	size_t npublished = 0;
	char **published = published_path ? read_lines(published_path, &npublished) : NULL;

	struct tables t = { .distro = distro };
	outputs_read_kernels(&t, kernels_path);
	/* Every output of the tables (the goals may name one no release of the run asks for),
	 * each marked whether the run's releases ask for it. */
	for (size_t k = 0; k < ntables; k++) {
		char *dv = xstrndup(tables[k], strcspn(tables[k], "="));
		outputs_read(&t, dv, tables[k] + strlen(dv) + 1, NULL, 0);
		/* The outputs keep a pointer to their driver version: kept until the end. */
		tables[k] = dv;
	}
	if (!list_only)
		outputs_prefetch(&ctx, &t);
	bool *asked = xcalloc(t.nout + 1, sizeof *asked);
	for (size_t r = 0; r < t.nout; r++)
		asked[r] = !nreleases || outputs_any_in(releases, nreleases, t.out[r].releases);

	/* What failed already, with the inputs it has now: the paths, with their reasons. */
	struct failure *failed = NULL;
	size_t nfailed = 0;
	for (size_t r = 0; ctx.verdicts && !retry && r < t.nout; r++) {
		if (!asked[r])
			continue;
		char *why = outputs_verdict(&ctx, &t.out[r]);
		if (!why)
			continue;
		failed = xrealloc(failed, (nfailed + 1) * sizeof *failed);
		failed[nfailed++] = (struct failure){ t.out[r].path, why };
	}
	if (nfailed)
		qsort(failed, nfailed, sizeof *failed, cmp_failures);

	struct output **rows = xmalloc((t.nout + 1) * sizeof *rows);
	size_t nrows = 0;
	char *report = NULL;
	size_t reportlen = 0;
	FILE *rep = open_memstream(&report, &reportlen);
	for (size_t r = 0; r < t.nout; r++) {
		struct output *o = &t.out[r];
		if (!asked[r])
			continue;
		/* A shard reports only its own outputs: the shards' summaries add up to the whole (an
		 * output is in the shard of what it is made from; an unservable one, of its path). */
		if (shard_n && shard_of(o->role == ROLE_UNSERVABLE ? o->path : o->source, shard_n) != shard_i)
			continue;
		if (o->role == ROLE_UNSERVABLE) {
			fprintf(rep, "%s\t%s\t%s\t%s\tunservable %s\n", o->path, o->kid, o->kind, o->releases, o->why);
			continue;
		}
		struct failure key = { o->source, NULL }, *hit;
		if (nfailed && (hit = bsearch(&key, failed, nfailed, sizeof *failed, cmp_failures))) {
			fprintf(rep, "%s\t%s\t%s\t%s\tfailed %s\n", o->path, o->kid, o->kind, o->releases, hit->why);
			continue;
		}
		if (in_sorted(published, npublished, o->path)) {
			fprintf(rep, "%s\t%s\t%s\t%s\tpublished\n", o->path, o->kid, o->kind, o->releases);
			continue;
		}
		rows[nrows++] = o;
	}
	fclose(rep);
	if (nrows)
		qsort(rows, nrows, sizeof *rows, cmp_outs);

	/* What make would do nothing for is left out of the plan (but not of the list): a no-op run
	 * then reads no rule at all. A copy is stale when its source is, or is newer. */
	struct writer w = { .distro = distro, .t = &t };
	w.builds = xmalloc((t.nout + 1) * sizeof *w.builds);
	for (size_t r = 0; r < t.nout; r++)
		if (t.out[r].role == ROLE_BUILD)
			w.builds[w.nbuilds++] = &t.out[r];
	if (w.nbuilds)
		qsort(w.builds, w.nbuilds, sizeof *w.builds, cmp_out_paths);
	/* A listing run plans no work: the list still holds every planned path. */
	size_t nplan = list_only ? 0 : nrows, nstale = 0;
	if (list_only)
		ngoals = nverify_goals = npackage_goals = 0, verify_all = false;
	for (size_t r = 0; r < nplan; r++) {
		struct output *o = rows[r];
		if (o->role == ROLE_BUILD) {
			o->stale = outputs_build_stale(&ctx, o);
		} else {
			struct output *src = (struct output *)build_of(&w, o->source);
			if (src && src->stale < 0)
				src->stale = outputs_build_stale(&ctx, src);
			long long tout = outputs_mtime(&ctx, o), tin = src ? outputs_mtime(&ctx, src) : -1;
			o->stale = !src || src->stale || tout < 0 || tin < 0 || tin > tout;
		}
		nstale += o->stale;
	}

	printf("# Planned by tools/plan: do not edit.\n");
	printf("PLAN.%s :=", distro);
	const char *last = NULL;
	for (size_t r = 0; r < nplan; r++)
		if (rows[r]->stale && (!last || strcmp(rows[r]->kid, last))) {
			printf(" \\\n  done/%s/%s", distro, rows[r]->kid);
			last = rows[r]->kid;
		}
	putchar('\n');
	/* One goal per kernel with work, naming its stale outputs (rows are sorted by kernel). */
	const char *open_kid = NULL;
	for (size_t r = 0; r < nplan; r++) {
		if (!rows[r]->stale)
			continue;
		if (!open_kid || strcmp(open_kid, rows[r]->kid)) {
			if (open_kid)
				printf(" ; $(call done_kernel,%s/%s)\n", distro, open_kid);
			printf("done/%s/%s:", distro, rows[r]->kid);
			open_kid = rows[r]->kid;
		}
		printf(" $(DIST)/%s", rows[r]->path);
	}
	if (open_kid)
		printf(" ; $(call done_kernel,%s/%s)\n", distro, open_kid);
	/* One .PHONY for all: make checks each new prerequisite of a target against those it has,
	 * so a .PHONY line per kernel costs time quadratic in the kernels (1.6 s at 25,000). */
	printf(".PHONY: $(PLAN.%s)\n", distro);
	for (size_t r = 0; r < nplan; r++)
		if (rows[r]->stale)
			write_rule(&w, rows[r]);
	/* What the goals name: make decides what to do with it. */
	for (size_t r = 0; r < t.nout; r++) {
		struct output *o = &t.out[r];
		if (in_sorted(goals, ngoals, o->path))
			write_rule(&w, o);
		if (verify_all || in_sorted(verify_goals, nverify_goals, o->path))
			write_verify(&w, o);
	}
	for (size_t g = 0; g < npackage_goals; g++)
		for (size_t k = 0; k < t.nkernels; k++) {
			const struct table_kernel *kr = &t.kernels[k];
			for (size_t p = 0; p < kr->npkgs; p++)
				if (!strcmp(kr->pkgs[p].sha256, package_goals[g]))
					write_package(&w, &kr->pkgs[p]);
			if (kr->image.sha256 && !strcmp(kr->image.sha256, package_goals[g]))
				write_package(&w, &kr->image);
		}
	write_images(&w);
	printf("PLANNED.%s := %zu\n", distro, nstale);
	printf("UPTODATE.%s := %zu\n", distro, nplan - nstale);
	/* The kinds of work planned (bpf, kmod): a run that builds modules checks first whether it
	 * can enter their compilers' roots (mk/outputs.mk). */
	printf("PLANNED_KINDS.%s :=", distro);
	for (const char *const *k = (const char *const[]){ "bpf", "kmod", NULL }; *k; k++)
		for (size_t r = 0; r < nplan; r++)
			if (rows[r]->stale && !strcmp(rows[r]->kind, *k)) {
				printf(" %s", *k);
				break;
			}
	putchar('\n');
	/* The work trees the rules above name: intermediate files make keeps until done_kernel. */
	printf("TREES.%s :=", distro);
	for (size_t k = 0; k < w.ntree_order; k++)
		printf(" $(WORK)/%s/%s/.tree", distro, w.tree_order[k]);
	putchar('\n');

	char **paths = xmalloc((nrows + 1) * sizeof *paths);
	for (size_t r = 0; r < nrows; r++)
		paths[r] = rows[r]->path;
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
	free(rows);
	free(asked);
	free(w.builds);
	set_free(&w.pkgs);
	set_free(&w.trees);
	set_free(&w.rules);
	set_free(&w.kmod_kernels);
	free_list(w.tree_order, w.ntree_order);
	outputs_free(&t);
	for (size_t k = 0; k < ntables; k++)
		free((char *)tables[k]);
	free(tables);
	for (size_t k = 0; k < nfailed; k++)
		free(failed[k].why);
	free(failed);
	outputs_free_ctx(&ctx);
	free(ctx.stamps);
	free(ctx.deps);
	free(ctx.kind_deps);
	free_list(published, npublished);
	free_list(releases, nreleases);
	free_list(goals, ngoals);
	free_list(verify_goals, nverify_goals);
	free_list(package_goals, npackage_goals);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
