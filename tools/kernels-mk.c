/* kernels-mk: turn a kernel listing into the tables the plan reads (tools/plan).
 *
 *   kernels-mk kernels --distro D --ids DIR --table FILE [--seen FILE --now EPOCH] LISTING
 *   kernels-mk outputs --distro D --driver-version DV [--release RELEASE]... [--kinds "bpf kmod"]
 *                      [--flat-arch ARCH] --outputs FILE LISTING
 *
 * `kernels` writes FILE (kernels/<D>.kernels), one kernel a line, tab-separated: its id, then the
 * listing's fields (os-release, uname -m, uname -r, uname -v, tree, packages <url>|<sha256>|<size>
 * ..., image package or -). DIR/<kid>.id holds the kernel's identity (key=value lines, its
 * packages by hash), rewritten only when it changes: the outputs of a kernel are rebuilt when it
 * changes, and only then. --seen FILE keeps when a run first listed each kernel ("<kernel id>
 * <seconds since 1970>" lines, sorted): a kernel already there keeps its time, a new one gets
 * EPOCH (the run's), and one no longer listed is dropped; users ask how long a new kernel waits
 * for its drivers.
 *
 * `outputs` writes FILE (kernels/<DV>/<D>.outputs): for each kernel, each kind of driver and each
 * RELEASE given (a Falco release of the table that asks for driver version DV, or for a driver
 * source of one's own NAME:RULES:LAYOUT_O:LAYOUT_KO:KINDS: a name, a naming rule set, the layouts
 * of its .o and .ko, the kinds: "bpf", "kmod" or "bpf,kmod"), the path that release's loader
 * requests (tools/falconame.c): nothing where it never asks for that kind. One output of a
 * kernel and kind is built, and a second path of the same bytes (another release's name) is a
 * copy of it. Without --release, DV's own default rules name a probe. What a release asks for
 * that nothing can serve is recorded as unservable, and so is a name two kernels ask for: a
 * kernel of architecture --flat-arch (default x86_64) wins, then one whose uname -v has no '~'
 * (not a backport or hardware-enablement build: the one most hosts of that name run), then the
 * first line. Architectures meet only in flat paths (no uname -m directory: Falco 0.28 to 0.32.0,
 * 0.32.1's probe), where an arm64 and an x86_64 kernel printing the same uname -r and -v (Ubuntu's,
 * the rpm distributions') ask for one file: it can hold one architecture's driver. --kinds: the kinds of driver the
 * distribution's hosts can load at all (default both). One output a line, tab-separated:
 *   <repository path> <kernel id> <kind> <releases> build|copy <path>|unservable <reason>
 * where <releases> are those that ask for that path, comma-separated, the one whose rules name
 * it first. No make rule is written here: tools/plan writes those of a run's work alone.
 *
 * A table is replaced only when its text differs, so that make sees a change, not activity.
 * Kernel ids are <os-release name>_<uname -r>, with ~N for a repeat, ~<uname -m> for another
 * architecture's kernel of the same uname -r as an x86_64 one. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "falconame.h"
#include "common.h"

static const char *listing_path;


/* Characters that would change the meaning of a make word. A url may start with a $(VARIABLE)
 * so that mirrors stay configurable, and may hold colons (a scheme, a port): it is only ever the
 * value of a := assignment, where they mean nothing to make. Nothing else may expand. */
static bool make_safe(const char *s, bool is_url)
{
	if (is_url && s[0] == '$' && s[1] == '(') {
		const char *close = strchr(s, ')');
		if (!close)
			return false;
		s = close + 1;
	}
	if (!*s && !is_url)
		return false;
	for (; *s; s++)
		if (strchr("$#,:;=%\\'\"` \t()*?[]{}|", *s) && !(is_url && *s == ':'))
			return false;
	return true;
}

/* ---- a string set (5,000 kernels share perhaps 15,000 packages) ---- */

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
		size_t cap = set->cap ? set->cap * 2 : 1024;
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

static void set_free(struct set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->keys[i]);
	free(set->keys);
}

/* ---- the listing ---- */

struct package {
	char *url, *sha256, *size;
};

struct kernel {
	long line;
	char *id, *os_release, *uname_m, *uname_r, *uname_v, *kdir;
	struct package *pkgs, image;
	size_t npkgs;
	bool has_image;
};

static void parse_package(char *p, struct package *out, long line)
{
	char *bar1 = strchr(p, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
	if (!bar2)
		die_line(listing_path, line, "package '%s' is not <url>|<sha256>|<size>", p);
	*bar1 = *bar2 = 0;
	out->url = p, out->sha256 = bar1 + 1, out->size = bar2 + 1;
	if (strlen(out->sha256) != 64 || strspn(out->sha256, "0123456789abcdef") != 64)
		die_line(listing_path, line, "package %s: '%s' is not a SHA-256", out->url, out->sha256);
	if (!make_safe(out->url, true) || !*out->size || strspn(out->size, "0123456789") != strlen(out->size))
		die_line(listing_path, line, "package %s: the url or size holds a character make cannot take", out->url);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Reads every kernel line; the kernels keep pointers into their lines, which are kept. */
static struct kernel *read_listing(size_t *nkernels)
{
	FILE *in = fopen(listing_path, "r");
	if (!in)
		die_at(listing_path, "%s", strerror(errno));
	struct kernel *ks = NULL;
	size_t n = 0;
	struct set ids = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		char *text = xstrdup(line), *field[7];
		int nf = split_fields(text, '\t', field, 7);
		if (nf != 7)
			die_line(listing_path, lineno, "expected 7 tab-separated fields, found %d", nf);
		struct kernel k = { .line = lineno, .os_release = field[0], .uname_m = field[1], .uname_r = field[2],
				    .uname_v = field[3], .kdir = field[4] };
		if (!make_safe(k.os_release, false) || !make_safe(k.kdir, false) || !make_safe(k.uname_r, false) ||
		    !make_safe(k.uname_m, false))
			die_line(listing_path, lineno, "%s: a field holds a character make cannot take", k.uname_r);
		char *save = NULL;
		for (char *p = strtok_r(field[5], " ", &save); p; p = strtok_r(NULL, " ", &save)) {
			k.pkgs = xrealloc(k.pkgs, (k.npkgs + 1) * sizeof *k.pkgs);
			parse_package(p, &k.pkgs[k.npkgs++], lineno);
		}
		if (!k.npkgs)
			die_line(listing_path, lineno, "%s: no packages", k.uname_r);
		if (strcmp(field[6], "-")) {
			parse_package(field[6], &k.image, lineno);
			k.has_image = true;
		}
		ks = xrealloc(ks, (n + 1) * sizeof *ks);
		ks[n++] = k;
	}
	if (ferror(in))
		die_at(listing_path, "read error");
	fclose(in);
	free(line);
	/* x86_64's kernels first, as they were named before other architectures were listed, so that
	 * listing another one renames none of them (their records and verdicts are kept by id); a
	 * kernel of another architecture whose uname -r an x86_64 one prints too (Ubuntu's) is
	 * <os-release>_<uname -r>~<uname -m>. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			struct kernel *k = &ks[i];
			if ((strcmp(k->uname_m, "x86_64") != 0) != pass)
				continue;
			const char *os = base_name(k->os_release);
			char id[1024];
			snprintf(id, sizeof id, "%s_%s", os, k->uname_r);
			if (pass && !set_add(&ids, id)) {
				snprintf(id, sizeof id, "%s_%s~%s", os, k->uname_r, k->uname_m);
				for (int repeat = 2; !set_add(&ids, id); repeat++)
					snprintf(id, sizeof id, "%s_%s~%s-%d", os, k->uname_r, k->uname_m, repeat);
			} else if (!pass) {
				for (int repeat = 2; !set_add(&ids, id); repeat++)
					snprintf(id, sizeof id, "%s_%s~%d", os, k->uname_r, repeat);
			}
			k->id = xstrdup(id);
		}
	set_free(&ids);
	*nkernels = n;
	return ks;
}

/* ---- output files ---- */


/* ---- kernels ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FILE's "<kernel id> <epoch>" lines, rewritten for the kernels listed now. */
static void update_seen(const char *path, const char *now, struct kernel *ks, size_t n)
{
	char **old = NULL, *line = NULL; /* "<id>\0<epoch>", sorted by id */
	size_t nold = 0, cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "r");
	if (!f && errno != ENOENT)
		die_at(path, "%s", strerror(errno));
	for (long lineno = 1; f && (len = getline(&line, &cap, f)) >= 0; lineno++) {
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		char *tab = strchr(line, '\t');
		if (!tab || tab == line || !tab[1] || strspn(tab + 1, "0123456789") != strlen(tab + 1))
			die_line(path, lineno, "expected <kernel id> <seconds since 1970>");
		*tab = 0;
		old = xrealloc(old, (nold + 1) * sizeof *old);
		old[nold] = xmalloc((size_t)len + 1);
		memcpy(old[nold++], line, (size_t)len + 1);
	}
	if (f) {
		if (ferror(f))
			die_at(path, "read error");
		fclose(f);
	}
	free(line);
	if (nold)
		qsort(old, nold, sizeof *old, cmp_str);
	char **ids = xmalloc((n + 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = ks[i].id;
	if (n)
		qsort(ids, n, sizeof *ids, cmp_str);
	char *text = NULL;
	size_t textlen = 0;
	FILE *m = open_memstream(&text, &textlen);
	for (size_t i = 0; i < n; i++) {
		char **hit = nold ? bsearch(&ids[i], old, nold, sizeof *old, cmp_str) : NULL;
		fprintf(m, "%s\t%s\n", ids[i], hit ? *hit + strlen(*hit) + 1 : now);
	}
	fclose(m);
	replace_file(path, text, textlen);
	free(text);
	free(ids);
	for (size_t i = 0; i < nold; i++)
		free(old[i]);
	free(old);
}

static int cmd_kernels(const char *distro, const char *ids_dir, const char *table_path, struct kernel *ks, size_t n)
{
	if (mkdir(ids_dir, 0755) != 0 && errno != EEXIST)
		die_at(ids_dir, "%s", strerror(errno));
	char *table = NULL;
	size_t tablelen = 0;
	FILE *t = open_memstream(&table, &tablelen);
	for (size_t i = 0; i < n; i++) {
		const struct kernel *k = &ks[i];
		fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t", k->id, k->os_release, k->uname_m, k->uname_r, k->uname_v, k->kdir);
		for (size_t p = 0; p < k->npkgs; p++)
			fprintf(t, "%s%s|%s|%s", p ? " " : "", k->pkgs[p].url, k->pkgs[p].sha256, k->pkgs[p].size);
		if (k->has_image)
			fprintf(t, "\t%s|%s|%s\n", k->image.url, k->image.sha256, k->image.size);
		else
			fputs("\t-\n", t);

		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		fprintf(m, "distro=%s\nos_release=%s\nuname_m=%s\nuname_r=%s\nuname_v=%s\nkdir=%s\npackages=", distro,
			k->os_release, k->uname_m, k->uname_r, k->uname_v, k->kdir);
		for (size_t p = 0; p < k->npkgs; p++)
			fprintf(m, "%s%s", p ? " " : "", k->pkgs[p].sha256);
		fputc('\n', m);
		fclose(m);
		char *path = xasprintf("%s/%s.id", ids_dir, k->id);
		replace_file(path, text, len);
		free(path);
		free(text);
	}
	fclose(t);
	replace_file(table_path, table, tablelen);
	free(table);
	return 0;
}

/* ---- outputs ---- */

struct release {
	char *name, *rules;
	const char *falco_version; /* a release of the table, or NULL for a custom one */
	int layout[2];             /* per kind: falconame layout, -1 for the driver version's default */
	bool kinds[2];
};

enum { KIND_BPF, KIND_KMOD };
static const char *const kind_names[] = { "bpf", "kmod" };

static int parse_layout(const char *s)
{
	if (!*s || !strcmp(s, "-"))
		return -1;
	if (!strcmp(s, "flat"))
		return FALCONAME_LAYOUT_FLAT;
	if (!strcmp(s, "arch"))
		return FALCONAME_LAYOUT_ARCH;
	return -2;
}

/* A Falco release of the table (its version), or NAME:RULES:LAYOUT_O:LAYOUT_KO:KINDS for a
 * driver source of one's own; empty RULES or a layout "-" is the driver version's default. */
static struct release parse_release(const char *spec, const char *dv)
{
	struct release r = { 0 };
	if (!strchr(spec, ':')) {
		const struct falconame_release *fr = falconame_release(spec);
		if (!fr)
			die_at(listing_path, "--release %s: no such Falco release (falco-name --releases)", spec);
		if (strcmp(fr->driver_version, dv))
			die_at(listing_path, "--release %s: Falco %s asks for driver version %s, not %s", spec, spec,
			       fr->driver_version, dv);
		r.name = xstrdup(spec);
		r.falco_version = fr->version;
		r.layout[0] = r.layout[1] = -1;
		r.kinds[KIND_BPF] = fr->kinds[FALCONAME_BPF];
		r.kinds[KIND_KMOD] = fr->kinds[FALCONAME_KMOD];
		return r;
	}
	char *copy = xstrdup(spec), *part[5];
	if (split_fields(copy, ':', part, 5) != 5)
		die_at(listing_path, "--release %s: expected NAME:RULES:LAYOUT_O:LAYOUT_KO:KINDS", spec);
	r.name = part[0];
	r.rules = *part[1] ? part[1] : NULL;
	for (int k = 0; k < 2; k++)
		if ((r.layout[k] = parse_layout(part[2 + k])) == -2)
			die_at(listing_path, "--release %s: unknown layout '%s'", spec, part[2 + k]);
	char *save = NULL;
	for (char *k = strtok_r(part[4], ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (!strcmp(k, "bpf"))
			r.kinds[KIND_BPF] = true;
		else if (!strcmp(k, "kmod"))
			r.kinds[KIND_KMOD] = true;
		else
			die_at(listing_path, "--release %s: unknown kind '%s'", spec, k);
	}
	if (!make_safe(r.name, false))
		die_at(listing_path, "--release %s: the name holds a character make cannot take", spec);
	return r;
}

struct named {
	char path[768];
	bool asked;         /* the release asks for this kind for this kernel at all */
	bool served;        /* this kernel won the path */
	char why[256];      /* why not: nothing can serve the request, or the name is another kernel's */
};

struct osrel {
	char *path;
	struct falconame_host host;
	char err[512];
	bool ok;
};

static struct falconame_host *host_of(struct osrel **cache, size_t *n, const struct kernel *k, char *err, size_t errlen)
{
	struct osrel *o = NULL;
	for (size_t i = 0; i < *n && !o; i++)
		if (!strcmp((*cache)[i].path, k->os_release))
			o = &(*cache)[i];
	if (!o) {
		*cache = xrealloc(*cache, (*n + 1) * sizeof **cache);
		o = &(*cache)[(*n)++];
		memset(o, 0, sizeof *o);
		o->path = xstrdup(k->os_release);
		o->ok = falconame_read_os_release(k->os_release, &o->host, o->err, sizeof o->err) == 0;
	}
	if (!o->ok) {
		snprintf(err, errlen, "%s", o->err);
		return NULL;
	}
	if (snprintf(o->host.uname_r, sizeof o->host.uname_r, "%s", k->uname_r) >= (int)sizeof o->host.uname_r ||
	    snprintf(o->host.uname_v, sizeof o->host.uname_v, "%s", k->uname_v) >= (int)sizeof o->host.uname_v ||
	    snprintf(o->host.uname_m, sizeof o->host.uname_m, "%s", k->uname_m) >= (int)sizeof o->host.uname_m) {
		snprintf(err, errlen, "uname field too long");
		return NULL;
	}
	return &o->host;
}

/* A backport or hardware-enablement build ("#110~20.04.1", "Debian 6.1.176-1~deb11u1") yields
 * its name to the kernel most hosts of that name run. */
static const char *flat_arch = "x86_64";
enum { PRIORITIES = 4 };
static int priority(const struct kernel *k)
{
	return (strcmp(k->uname_m, flat_arch) ? 2 : 0) + (strchr(k->uname_v, '~') ? 1 : 0);
}

/* The kinds of driver a distribution's hosts can load at all (--kinds): COS loads no module. */
static bool distro_kinds[2] = { true, true };

static int cmd_outputs(const char *distro, const char *dv, struct release *rel, size_t nrel,
		       const char *outputs_path, struct kernel *ks, size_t n)
{
	if (!make_safe(dv, false))
		die_at(listing_path, "driver version '%s' is not usable in make", dv);
	/* names[(kernel * nrel + release) * 2 + kind] */
	struct named *names = xcalloc(n * nrel * 2 + 1, sizeof *names);
	struct osrel *osrels = NULL;
	size_t nosrels = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < nrel; r++)
			for (int kind = 0; kind < 2; kind++) {
				struct named *nm = &names[(i * nrel + r) * 2 + kind];
				if (!rel[r].kinds[kind] || !distro_kinds[kind])
					continue;
				char err[512];
				struct falconame_host *host = host_of(&osrels, &nosrels, &ks[i], err, sizeof err);
				struct falconame_result res;
				struct falconame_opts opts = { .falco_version = rel[r].falco_version,
							       .driver_version = rel[r].falco_version ? NULL : dv,
							       .rules = rel[r].rules, .layout = rel[r].layout[kind],
							       .kind = kind == KIND_KMOD ? FALCONAME_KMOD : FALCONAME_BPF };
				if (!host)
					die_line(listing_path, ks[i].line, "%s: %s", ks[i].uname_r, err);
				int st = falconame_compute(host, &opts, &res, err, sizeof err);
				if (st < 0)
					die_line(listing_path, ks[i].line, "%s: %s", ks[i].uname_r, err);
				if (st == FALCONAME_NOT_ASKED)
					continue;
				if (res.repo_path[0] && !make_safe(res.repo_path, false))
					die_line(listing_path, ks[i].line, "%s: %s holds a character make cannot take",
						 ks[i].uname_r, res.repo_path);
				snprintf(nm->path, sizeof nm->path, "%s", res.repo_path);
				nm->asked = true;
				nm->served = st == FALCONAME_NAMED;
				if (!nm->served)
					snprintf(nm->why, sizeof nm->why, "%s", res.why);
			}

	/* One kernel per path: the preferred one, then the first. A path taken in one pass is taken
	 * for every later one. */
	struct set taken = { 0 };
	for (int pass = 0; pass < PRIORITIES; pass++)
		for (size_t i = 0; i < n; i++) {
			if (priority(&ks[i]) != pass)
				continue;
			for (size_t x = 0; x < nrel * 2; x++) {
				struct named *nm = &names[i * nrel * 2 + x];
				if (!nm->served)
					continue;
				/* The same kernel may give one path for two releases: that is no collision. */
				bool own = false;
				for (size_t y = 0; y < x && !own; y++)
					own = names[i * nrel * 2 + y].served && !strcmp(names[i * nrel * 2 + y].path, nm->path);
				if (own)
					continue;
				if (!set_add(&taken, nm->path)) {
					nm->served = false;
					nm->why[0] = 0; /* named below, once every winner is known */
				}
			}
		}
	set_free(&taken);

	/* Each kernel that lost a name: to which kernel, said once per path. */
	bool quiet = getenv("FP_QUIET") && !strcmp(getenv("FP_QUIET"), "1");
	for (size_t i = 0; i < n; i++)
		for (size_t x = 0; x < nrel * 2; x++) {
			struct named *nm = &names[i * nrel * 2 + x];
			if (!nm->asked || nm->served || nm->why[0])
				continue;
			const char *winner = NULL, *winner_m = NULL;
			for (size_t j = 0; j < n && !winner; j++)
				for (size_t y = 0; y < nrel * 2 && !winner; y++)
					if (names[j * nrel * 2 + y].served && !strcmp(names[j * nrel * 2 + y].path, nm->path))
						winner = ks[j].id, winner_m = ks[j].uname_m;
			if (winner && strcmp(winner_m, ks[i].uname_m))
				snprintf(nm->why, sizeof nm->why,
					 "kernel %s (%s) asks for the same name, a path without an architecture: it serves %s (FLAT_ARCH)",
					 winner, winner_m, winner_m);
			else
				snprintf(nm->why, sizeof nm->why, "kernel %s asks for the same name", winner ? winner : "?");
			bool said = false;
			for (size_t y = 0; y < x && !said; y++)
				said = !strcmp(names[i * nrel * 2 + y].path, nm->path);
			if (!said && !quiet)
				fprintf(stderr, "  NOTE    %s: %s is the name of kernel %s and of kernel %s%s%s%s: built for %s only\n",
					distro, nm->path, winner ? winner : "?", ks[i].id,
					winner && strcmp(winner_m, ks[i].uname_m) ? " (" : "",
					winner && strcmp(winner_m, ks[i].uname_m) ? ks[i].uname_m : "",
					winner && strcmp(winner_m, ks[i].uname_m) ? ")" : "", winner ? winner : "?");
		}

	char *table = NULL;
	size_t tablelen = 0;
	FILE *t = open_memstream(&table, &tablelen);
	for (size_t i = 0; i < n; i++) {
		const struct kernel *k = &ks[i];
		for (int kind = 0; kind < 2; kind++) {
			const char *built = NULL;
			for (size_t r = 0; r < nrel; r++) {
				const struct named *nm = &names[(i * nrel + r) * 2 + kind];
				if (!nm->asked)
					continue;
				if (!nm->served) {
					fprintf(t, "%s\t%s\t%s\t%s\tunservable %s\n", nm->path[0] ? nm->path : "-", k->id,
						kind_names[kind], rel[r].name, nm->why);
					continue;
				}
				bool seen = false;
				for (size_t q = 0; q < r && !seen; q++)
					seen = names[(i * nrel + q) * 2 + kind].served &&
					       !strcmp(names[(i * nrel + q) * 2 + kind].path, nm->path);
				if (seen)
					continue;
				/* Every release that asks for this path, so that a run of any one of them plans it. */
				char asking[1024];
				size_t used = (size_t)snprintf(asking, sizeof asking, "%s", rel[r].name);
				for (size_t q = r + 1; q < nrel; q++) {
					const struct named *other = &names[(i * nrel + q) * 2 + kind];
					if (other->served && !strcmp(other->path, nm->path) && used < sizeof asking)
						used += (size_t)snprintf(asking + used, sizeof asking - used, ",%s", rel[q].name);
				}
				if (used >= sizeof asking)
					die_at(listing_path, "%s: too many releases ask for %s", k->id, nm->path);
				if (!built) {
					built = nm->path;
					fprintf(t, "%s\t%s\t%s\t%s\tbuild\n", nm->path, k->id, kind_names[kind], asking);
				} else {
					fprintf(t, "%s\t%s\t%s\t%s\tcopy %s\n", nm->path, k->id, kind_names[kind], asking,
						built);
				}
			}
		}
	}
	fclose(t);
	replace_file(outputs_path, table, tablelen);
	free(table);
	free(names);
	for (size_t i = 0; i < nosrels; i++)
		free(osrels[i].path);
	free(osrels);
	return 0;
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: kernels-mk kernels --distro D --ids DIR --table FILE [--seen FILE --now EPOCH] LISTING\n"
			"       kernels-mk outputs --distro D --driver-version DV [--release RELEASE]...\n"
			"                  [--kinds KINDS] [--flat-arch ARCH] --outputs FILE LISTING\n");
	exit(2);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	if (argc < 2)
		usage();
	const char *mode = argv[1], *distro = NULL, *ids = NULL, *dv = NULL, *outputs = NULL, *table = NULL, *seen = NULL,
		   *now = NULL;
	struct release *rel = NULL;
	const char **specs = NULL;
	size_t nrel = 0, nspecs = 0;
	int i = 2;
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--distro"))
			distro = val;
		else if (!strcmp(opt, "--ids"))
			ids = val;
		else if (!strcmp(opt, "--driver-version"))
			dv = val;
		else if (!strcmp(opt, "--outputs"))
			outputs = val;
		else if (!strcmp(opt, "--table"))
			table = val;
		else if (!strcmp(opt, "--seen"))
			seen = val;
		else if (!strcmp(opt, "--now")) {
			if (!*val || strspn(val, "0123456789") != strlen(val))
				die("--now %s: not a number of seconds since 1970", val);
			now = val;
		}
		else if (!strcmp(opt, "--kinds")) {
			distro_kinds[KIND_BPF] = strstr(val, "bpf") != NULL;
			distro_kinds[KIND_KMOD] = strstr(val, "kmod") != NULL;
		}
		else if (!strcmp(opt, "--flat-arch"))
			flat_arch = val;
		else if (!strcmp(opt, "--release")) {
			specs = xrealloc(specs, (nspecs + 1) * sizeof *specs);
			specs[nspecs++] = val;
		} else
			usage();
	}
	if (i + 1 != argc || !distro)
		usage();
	listing_path = argv[i];
	if (!make_safe(distro, false))
		die_at(listing_path, "distribution name '%s' is not usable in make", distro);
	size_t n;
	struct kernel *ks = read_listing(&n);
	int rc;
	if (!strcmp(mode, "kernels") && ids && table && !seen == !now) {
		rc = cmd_kernels(distro, ids, table, ks, n);
		if (seen)
			update_seen(seen, now, ks, n);
	} else if (!strcmp(mode, "outputs") && dv && outputs) {
		if (!nspecs)
			specs = xrealloc(specs, sizeof *specs), specs[nspecs++] = "default::-:-:bpf";
		rel = xcalloc(nspecs, sizeof *rel);
		for (; nrel < nspecs; nrel++)
			rel[nrel] = parse_release(specs[nrel], dv);
		rc = cmd_outputs(distro, dv, rel, nrel, outputs, ks, n);
	} else {
		usage();
	}
	for (size_t k = 0; k < n; k++) {
		free(ks[k].os_release); /* the line's text: every field points into it */
		free(ks[k].pkgs);
		free(ks[k].id);
	}
	free(ks);
	for (size_t r = 0; r < nrel; r++)
		free(rel[r].name);
	free(rel);
	free(specs);
	return rc;
}
