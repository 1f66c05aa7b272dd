/* The outputs of a distribution and what became of each (tools/outputs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "outputs.h"

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool outputs_any_in(char **set, size_t n, const char *list)
{
	char name[256];
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len < sizeof name) {
			memcpy(name, p, len);
			name[len] = 0;
			const char *key = name;
			if (n && bsearch(&key, set, n, sizeof *set, cmp_text))
				return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* The lines of FILE, one at a time: fn(line, lineno, ctx). */
static void each_line(const char *file, void (*fn)(char *line, long lineno, void *ctx), void *ctx)
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
		if (len)
			fn(line, lineno, ctx);
	}
	if (ferror(f))
		die_at(file, "read error");
	free(line);
	fclose(f);
}

struct read_ctx {
	struct tables *t;
	const char *dv, *file;
	char **releases;
	size_t nreleases;
};

static void read_output(char *line, long lineno, void *p)
{
	struct read_ctx *r = p;
	char *field[5];
	if (split_fields(line, '\t', field, 5) != 5 || !*field[0] || !*field[1] || !*field[2] || !*field[3])
		die_line(r->file, lineno, "expected 5 tab-separated fields");
	if (r->nreleases && !outputs_any_in(r->releases, r->nreleases, field[3]))
		return;
	struct output o = { .dv = r->dv, .stale = -1, .mtime = OUTPUT_MTIME_UNKNOWN };
	const char *role = field[4];
	if (!strcmp(role, "build")) {
		o.role = ROLE_BUILD;
		o.source = xstrdup(field[0]);
	} else if (!strncmp(role, "copy ", 5) && role[5]) {
		o.role = ROLE_COPY;
		o.source = xstrdup(role + 5);
	} else if (!strncmp(role, "unservable ", 11)) {
		o.role = ROLE_UNSERVABLE;
		o.source = xstrdup("-");
		o.why = xstrdup(role + 11);
	} else {
		die_line(r->file, lineno, "unknown role '%s'", role);
	}
	if (o.role != ROLE_UNSERVABLE && !strcmp(field[0], "-"))
		die_line(r->file, lineno, "an output to make has no path");
	o.path = xstrdup(field[0]);
	o.kid = xstrdup(field[1]);
	o.kind = xstrdup(field[2]);
	o.releases = xstrdup(field[3]);
	struct tables *t = r->t;
	t->out = xrealloc(t->out, (t->nout + 1) * sizeof *t->out);
	t->out[t->nout++] = o;
}

void outputs_read(struct tables *t, const char *dv, const char *file, char **releases, size_t nreleases)
{
	struct read_ctx r = { t, dv, file, releases, nreleases };
	each_line(file, read_output, &r);
}

static void parse_package(char *p, struct table_package *out, const char *file, long lineno)
{
	char *bar1 = strchr(p, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
	if (!bar2)
		die_line(file, lineno, "package '%s' is not <url>|<sha256>|<size>", p);
	*bar1 = *bar2 = 0;
	out->url = p, out->sha256 = bar1 + 1, out->size = bar2 + 1;
	if (!is_sha256_hex(out->sha256) || !*out->size || strspn(out->size, "0123456789") != strlen(out->size))
		die_line(file, lineno, "package %s: not a SHA-256 and a size", out->url);
}

static void read_kernel(char *line, long lineno, void *p)
{
	struct read_ctx *r = p;
	struct tables *t = r->t;
	struct table_kernel k = { .line = xstrdup(line) };
	char *field[8];
	if (split_fields(k.line, '\t', field, 8) != 8 || !*field[0] || !*field[6]) {
		free(k.line);
		die_line(r->file, lineno, "expected 8 tab-separated fields");
	}
	k.id = field[0], k.os_release = field[1], k.uname_m = field[2], k.uname_r = field[3];
	k.uname_v = field[4], k.kdir = field[5];
	char *save = NULL;
	for (char *pk = strtok_r(field[6], " ", &save); pk; pk = strtok_r(NULL, " ", &save)) {
		k.pkgs = xrealloc(k.pkgs, (k.npkgs + 1) * sizeof *k.pkgs);
		parse_package(pk, &k.pkgs[k.npkgs++], r->file, lineno);
	}
	if (strcmp(field[7], "-"))
		parse_package(field[7], &k.image, r->file, lineno);
	t->kernels = xrealloc(t->kernels, (t->nkernels + 1) * sizeof *t->kernels);
	t->kernels[t->nkernels++] = k;
}

static int cmp_kernel(const void *a, const void *b)
{
	return strcmp(((const struct table_kernel *)a)->id, ((const struct table_kernel *)b)->id);
}

void outputs_read_kernels(struct tables *t, const char *file)
{
	struct read_ctx r = { t, NULL, file, NULL, 0 };
	each_line(file, read_kernel, &r);
	if (t->nkernels)
		qsort(t->kernels, t->nkernels, sizeof *t->kernels, cmp_kernel);
	for (size_t i = 1; i < t->nkernels; i++)
		if (!strcmp(t->kernels[i - 1].id, t->kernels[i].id))
			die_at(file, "kernel %s twice", t->kernels[i].id);
}

const struct table_kernel *outputs_kernel(const struct tables *t, const char *kid)
{
	struct table_kernel key = { .id = (char *)kid };
	return t->nkernels ? bsearch(&key, t->kernels, t->nkernels, sizeof *t->kernels, cmp_kernel) : NULL;
}

void outputs_free(struct tables *t)
{
	for (size_t i = 0; i < t->nout; i++) {
		struct output *o = &t->out[i];
		free(o->path), free(o->kid), free(o->kind), free(o->releases), free(o->source), free(o->why);
	}
	free(t->out);
	for (size_t i = 0; i < t->nkernels; i++) {
		free(t->kernels[i].pkgs);
		free(t->kernels[i].line);
	}
	free(t->kernels);
	t->out = NULL, t->kernels = NULL, t->nout = t->nkernels = 0;
}

/* ---- what became of an output ---- */

/* A plan of 200,000 outputs stats each output and each of its inputs: the inputs most outputs
 * share (stamps, scripts) are stat'ed once, a kernel's identity once for all of its outputs,
 * and paths are looked up from their directory's descriptor, not from the root each time. */
#define MISSING LLONG_MAX

struct kid_time {
	char *kid;
	long long t;
};

struct state_cache {
	int dist_fd, ids_fd;
	long long *stamp_t, *dep_t, *kind_dep_t; /* as c->stamps, c->deps, c->kind_deps */
	struct kid_time *kids;                    /* open addressing, by kernel id */
	size_t nkids, capkids;
};

/* The file's modification time in nanoseconds, as make compares them, or -1 when it is not
 * there. */
static long long mtime_at(int dirfd, const char *path)
{
	struct stat st;
	if (fstatat(dirfd, path, &st, 0) != 0)
		return -1;
	return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

static long long mtime_ns(const char *path)
{
	return mtime_at(AT_FDCWD, path);
}

static size_t path_hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The directory's descriptor, or AT_FDCWD with the whole path given (a directory that is not
 * there yet). */
static int dir_fd(const char *dir)
{
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	return fd >= 0 ? fd : AT_FDCWD;
}

static struct state_cache *cache_of(const struct state_ctx *c)
{
	if (c->cache)
		return c->cache;
	struct state_cache *k = xcalloc(1, sizeof *k);
	k->dist_fd = dir_fd(c->dist);
	char *ids = c->kernel_ids ? xasprintf("%s/%s", c->kernel_ids, c->distro) : NULL;
	k->ids_fd = dir_fd(ids);
	free(ids);
	k->stamp_t = xmalloc((c->nstamps + 1) * sizeof *k->stamp_t);
	for (size_t i = 0; i < c->nstamps; i++)
		k->stamp_t[i] = mtime_ns(strchr(c->stamps[i], '=') + 1);
	k->dep_t = xmalloc((c->ndeps + 1) * sizeof *k->dep_t);
	for (size_t i = 0; i < c->ndeps; i++)
		k->dep_t[i] = mtime_ns(c->deps[i]);
	k->kind_dep_t = xmalloc((c->nkind_deps + 1) * sizeof *k->kind_dep_t);
	for (size_t i = 0; i < c->nkind_deps; i++)
		k->kind_dep_t[i] = mtime_ns(strchr(c->kind_deps[i], '=') + 1);
	((struct state_ctx *)c)->cache = k;
	return k;
}

/* The time of a path under dist (or under the ids directory), relative to its descriptor. */
static long long mtime_under(int fd, const char *dir, const char *rel)
{
	if (fd != AT_FDCWD)
		return mtime_at(fd, rel);
	char *path = xasprintf("%s/%s", dir, rel);
	long long t = mtime_ns(path);
	free(path);
	return t;
}

/* The slot of kid in the cache of kernel ids' times (grown as needed). */
static struct kid_time *kid_slot(struct state_cache *k, const char *kid)
{
	if ((k->nkids + 1) * 2 > k->capkids) {
		size_t cap = k->capkids ? k->capkids * 2 : 1024;
		struct kid_time *t = xcalloc(cap, sizeof *t);
		for (size_t i = 0; i < k->capkids; i++)
			if (k->kids[i].kid) {
				size_t j = path_hash(k->kids[i].kid) & (cap - 1);
				while (t[j].kid)
					j = (j + 1) & (cap - 1);
				t[j] = k->kids[i];
			}
		free(k->kids);
		k->kids = t;
		k->capkids = cap;
	}
	size_t j = path_hash(kid) & (k->capkids - 1);
	while (k->kids[j].kid && strcmp(k->kids[j].kid, kid))
		j = (j + 1) & (k->capkids - 1);
	return &k->kids[j];
}

static long long kernel_id_time_set(struct state_cache *k, const char *kid, long long t)
{
	struct kid_time *slot = kid_slot(k, kid);
	if (!slot->kid) {
		*slot = (struct kid_time){ xstrdup(kid), t };
		k->nkids++;
	}
	return slot->t;
}

static long long kernel_id_time(const struct state_ctx *c, struct state_cache *k, const char *kid)
{
	struct kid_time *slot = kid_slot(k, kid);
	if (slot->kid)
		return slot->t;
	char *rel = xasprintf("%s.id", kid), *dir = xasprintf("%s/%s", c->kernel_ids, c->distro);
	long long t = mtime_under(k->ids_fd, dir, rel);
	free(rel);
	free(dir);
	return kernel_id_time_set(k, kid, t);
}

static long long value_time(const char **kv, const long long *t, size_t n, const char *key)
{
	size_t len = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(kv[i], key, len) && kv[i][len] == '=')
			return t[i];
	return -2; /* no such input */
}

/* The newest of o's inputs but its work tree (its kernel's identity, its driver version's and
 * its kind's stamps, the distribution's and the kind's scripts), MISSING when one is not there. */
static long long newest_input(const struct state_ctx *c, const struct output *o)
{
	struct state_cache *k = cache_of(c);
	long long newest = kernel_id_time(c, k, o->kid);
	if (newest < 0)
		return MISSING;
	long long ts[] = { value_time(c->stamps, k->stamp_t, c->nstamps, o->dv),
			   value_time(c->stamps, k->stamp_t, c->nstamps, o->kind) };
	for (size_t i = 0; i < 2; i++) {
		if (ts[i] == -1)
			return MISSING;
		if (ts[i] > newest)
			newest = ts[i];
	}
	for (size_t i = 0; i < c->ndeps; i++) {
		if (k->dep_t[i] < 0)
			return MISSING;
		if (k->dep_t[i] > newest)
			newest = k->dep_t[i];
	}
	size_t kl = strlen(o->kind);
	for (size_t i = 0; i < c->nkind_deps; i++)
		if (!strncmp(c->kind_deps[i], o->kind, kl) && c->kind_deps[i][kl] == '=') {
			if (k->kind_dep_t[i] < 0)
				return MISSING;
			if (k->kind_dep_t[i] > newest)
				newest = k->kind_dep_t[i];
		}
	return newest;
}

/* ---- reading every time at once ---- */

struct prefetch {
	const struct state_ctx *c;
	struct state_cache *k;
	struct tables *t;
	size_t from, to; /* a share of the outputs */
	long long *kid_t; /* per kernel of t->kernels */
	size_t kfrom, kto;
};

static void *prefetch_share(void *p)
{
	struct prefetch *f = p;
	for (size_t i = f->from; i < f->to; i++)
		f->t->out[i].mtime = mtime_under(f->k->dist_fd, f->c->dist, f->t->out[i].path);
	char *dir = f->c->kernel_ids ? xasprintf("%s/%s", f->c->kernel_ids, f->c->distro) : NULL;
	for (size_t i = f->kfrom; i < f->kto && dir; i++) {
		char *rel = xasprintf("%s.id", f->t->kernels[i].id);
		f->kid_t[i] = mtime_under(f->k->ids_fd, dir, rel);
		free(rel);
	}
	free(dir);
	return NULL;
}

void outputs_prefetch(const struct state_ctx *c, struct tables *t)
{
	struct state_cache *k = cache_of(c);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = n < 1 ? 1 : n > 8 ? 8 : (size_t)n;
	long long *kid_t = xmalloc((t->nkernels + 1) * sizeof *kid_t);
	struct prefetch *f = xcalloc(nthreads, sizeof *f);
	pthread_t *th = xcalloc(nthreads, sizeof *th);
	for (size_t i = 0; i < nthreads; i++) {
		f[i] = (struct prefetch){ c, k, t, t->nout * i / nthreads, t->nout * (i + 1) / nthreads, kid_t,
					  t->nkernels * i / nthreads, t->nkernels * (i + 1) / nthreads };
		/* One share here, the others beside it; where a thread cannot start, here too. */
		if (i == 0 || pthread_create(&th[i], NULL, prefetch_share, &f[i]) != 0) {
			th[i] = 0;
			if (i)
				prefetch_share(&f[i]);
		}
	}
	prefetch_share(&f[0]);
	for (size_t i = 1; i < nthreads; i++)
		if (th[i])
			pthread_join(th[i], NULL);
	if (c->kernel_ids)
		for (size_t i = 0; i < t->nkernels; i++)
			(void)kernel_id_time_set(k, t->kernels[i].id, kid_t[i]);
	free(kid_t);
	free(f);
	free(th);
}

long long outputs_mtime(const struct state_ctx *c, const struct output *o)
{
	struct output *w = (struct output *)o;
	if (w->mtime == OUTPUT_MTIME_UNKNOWN)
		w->mtime = mtime_under(cache_of(c)->dist_fd, c->dist, o->path);
	return w->mtime;
}

char *outputs_verdict(const struct state_ctx *c, const struct output *o)
{
	if (o->role != ROLE_BUILD || !c->verdicts)
		return NULL;
	if (outputs_mtime(c, o) >= 0)
		return NULL; /* there: make decides whether it is up to date */
	char *path = xasprintf("%s/%s", c->verdicts, o->path);
	long long when = mtime_ns(path);
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
			current = c->verdict_format && !strcmp(line + 7, c->verdict_format);
		else if (!why && !strncmp(line, "reason=", 7))
			why = xstrdup(line + 7);
	}
	free(line);
	fclose(f);
	/* It holds while every input is older than it. */
	long long inputs = newest_input(c, o);
	if (!why || !current || inputs == MISSING || inputs >= when) {
		free(why);
		return NULL;
	}
	return why;
}

bool outputs_build_stale(const struct state_ctx *c, const struct output *o)
{
	long long out = outputs_mtime(c, o);
	if (out < 0)
		return true;
	long long inputs = newest_input(c, o);
	return inputs == MISSING || inputs > out;
}

/* ---- the runs' failures ---- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct fault_ctx {
	struct state_ctx *c;
	const char *file;
	/* every failure read, in order: path, why, verdict */
	char **paths, **whys;
	bool *verdict;
	size_t n;
};

static void read_failure(char *line, long lineno, void *p)
{
	struct fault_ctx *f = p;
	char *field[3];
	if (split_fields(line, '\t', field, 3) != 3)
		die_line(f->file, lineno, "expected 3 tab-separated fields");
	size_t dl = strlen(f->c->dist);
	const char *path = field[0];
	if (!strncmp(path, f->c->dist, dl) && path[dl] == '/')
		path += dl + 1;
	f->paths = xrealloc(f->paths, (f->n + 1) * sizeof *f->paths);
	f->whys = xrealloc(f->whys, (f->n + 1) * sizeof *f->whys);
	f->verdict = xrealloc(f->verdict, (f->n + 1) * sizeof *f->verdict);
	f->paths[f->n] = xstrdup(path);
	f->whys[f->n] = xstrdup(field[1]);
	f->verdict[f->n] = !strcmp(field[2], "1");
	f->n++;
}

struct indexed {
	size_t i;
	const char *path;
};

static int cmp_indexed(const void *a, const void *b)
{
	const struct indexed *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

void outputs_read_faults(struct state_ctx *c)
{
	if (!c->runs)
		return;
	DIR *d = opendir(c->runs);
	if (!d)
		return; /* no run yet */
	char **ids = NULL;
	size_t nids = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.') {
			ids = xrealloc(ids, (nids + 1) * sizeof *ids);
			ids[nids++] = xstrdup(e->d_name);
		}
	closedir(d);
	/* Run ids begin with their start time: their order is the runs'. */
	if (nids)
		qsort(ids, nids, sizeof *ids, cmp_name);
	struct fault_ctx f = { .c = c };
	for (size_t i = 0; i < nids; i++) {
		char *file = xasprintf("%s/%s/%s.failed", c->runs, ids[i], c->distro);
		struct stat st;
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			f.file = file;
			each_line(file, read_failure, &f);
		}
		free(file);
		free(ids[i]);
	}
	free(ids);
	/* The last failure of each path, kept only when it was no verdict. */
	struct indexed *ix = xmalloc((f.n + 1) * sizeof *ix);
	for (size_t i = 0; i < f.n; i++)
		ix[i] = (struct indexed){ i, f.paths[i] };
	if (f.n)
		qsort(ix, f.n, sizeof *ix, cmp_indexed);
	for (size_t k = 0; k < f.n; k++) {
		if (k + 1 < f.n && !strcmp(ix[k].path, ix[k + 1].path))
			continue;
		size_t i = ix[k].i;
		if (f.verdict[i])
			continue;
		c->fault_paths = xrealloc(c->fault_paths, (c->nfaults + 1) * sizeof *c->fault_paths);
		c->fault_why = xrealloc(c->fault_why, (c->nfaults + 1) * sizeof *c->fault_why);
		c->fault_paths[c->nfaults] = xstrdup(f.paths[i]);
		c->fault_why[c->nfaults] = xstrdup(f.whys[i]);
		c->nfaults++;
	}
	free(ix);
	for (size_t i = 0; i < f.n; i++)
		free(f.paths[i]), free(f.whys[i]);
	free(f.paths), free(f.whys), free(f.verdict);
}

const char *outputs_fault(const struct state_ctx *c, const struct output *o)
{
	/* The paths are sorted, as they were read from a sorted index. */
	size_t lo = 0, hi = c->nfaults;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->fault_paths[mid], o->path);
		if (!cmp)
			return c->fault_why[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

char *outputs_verified(const struct state_ctx *c, const struct output *o)
{
	char *path = xasprintf("%s/%s.verified", c->dist, o->path);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	char *line = NULL, *result = NULL;
	size_t cap = 0;
	while (!result && getline(&line, &cap, f) >= 0)
		if (!strncmp(line, "result=", 7)) {
			line[strcspn(line, "\n")] = 0;
			result = xstrdup(line + 7);
		}
	free(line);
	fclose(f);
	return result;
}

void outputs_free_ctx(struct state_ctx *c)
{
	struct state_cache *k = c->cache;
	if (k) {
		if (k->dist_fd != AT_FDCWD)
			close(k->dist_fd);
		if (k->ids_fd != AT_FDCWD)
			close(k->ids_fd);
		for (size_t i = 0; i < k->capkids; i++)
			free(k->kids[i].kid);
		free(k->kids);
		free(k->stamp_t), free(k->dep_t), free(k->kind_dep_t);
		free(k);
		c->cache = NULL;
	}
	for (size_t i = 0; i < c->nfaults; i++)
		free(c->fault_paths[i]), free(c->fault_why[i]);
	free(c->fault_paths), free(c->fault_why);
	c->fault_paths = c->fault_why = NULL;
	c->nfaults = 0;
}
