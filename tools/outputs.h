/* The outputs of a distribution and what became of each: one reader for every tool that asks
 * (tools/plan: what a run builds; tools/output-state: the coverage, the index's states, the
 * summary and lookup's reasons).
 *
 * The tables are tools/kernels-mk's: kernels/<D>.kernels (a kernel a line: its id and its
 * listing's fields) and kernels/<DV>/<D>.outputs (an output a line: path, kernel id, kind, the
 * releases asking for it, role). What became of an output is read from the disk:
 *   built       DIST/<path> is there (verified: DIST/<path>.verified says PASS or FAIL)
 *   failed      a verdict (VERDICTS/<path>, mk/build-output.sh) of the current form that is
 *               newer than every input the output has now: the reason it gives
 *   fault       the last run that tried it failed without a verdict (RUNS/<id>/<D>.failed): the
 *               reason it gave; tried again by the next run
 *   unservable  no name a release's loader asks for can serve it (the table's reason)
 *   pending     none of these: not tried yet, or an input changed since its verdict
 * An output's inputs are its kernel's identity (KERNEL_IDS/<D>/<kid>.id), the stamps of its
 * driver version and of its kind, and the scripts that make it (deps, and its kind's). */
#ifndef OUTPUTS_H
#define OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

enum output_role { ROLE_BUILD, ROLE_COPY, ROLE_UNSERVABLE };

struct output {
	const char *dv;                  /* the driver version of its table */
	char *path, *kid, *kind, *releases;
	enum output_role role;
	char *source;                    /* the path compiled (itself for a build, "-" if unservable) */
	char *why;                       /* an unservable output's reason */
	int stale;                       /* -1 not known yet, else a bool (outputs_stale) */
	long long mtime;                 /* its file's (outputs_mtime), once read */
};
#define OUTPUT_MTIME_UNKNOWN (-2)

struct table_package {
	char *url, *sha256, *size;
};

struct table_kernel {
	char *id, *os_release, *uname_m, *uname_r, *uname_v, *kdir;
	struct table_package *pkgs;
	size_t npkgs;
	struct table_package image;            /* image.sha256 NULL: none */
	char *line;                      /* the line, which the fields point into */
};

struct tables {
	const char *distro;
	struct output *out;
	size_t nout;
	struct table_kernel *kernels;    /* sorted by id once read */
	size_t nkernels;
};

/* Reads a driver version's output table, keeping the outputs one of the (sorted) releases
 * asks for (all of them without any). Dies naming the file and line on a malformed one. */
void outputs_read(struct tables *t, const char *dv, const char *file, char **releases, size_t nreleases);
/* Reads the kernel table. Dies naming the file and line on a malformed one. */
void outputs_read_kernels(struct tables *t, const char *file);
const struct table_kernel *outputs_kernel(const struct tables *t, const char *kid);
void outputs_free(struct tables *t);

/* Whether one of LIST's comma-separated names is in the sorted SET of n. */
bool outputs_any_in(char **set, size_t n, const char *list);

/* Where the state is, and what an output's inputs are. */
struct state_ctx {
	const char *distro, *dist, *verdicts, *verdict_format, *kernel_ids, *runs;
	const char **stamps, **deps, **kind_deps; /* KEY=FILE, FILE, KIND=FILE */
	size_t nstamps, ndeps, nkind_deps;
	/* The last run's failures that were no verdict: paths (under dist) and reasons, sorted;
	 * read by outputs_read_faults. */
	char **fault_paths, **fault_why;
	size_t nfaults;
	struct state_cache *cache; /* the inputs' times, once read */
};

/* The reason of o's verdict when it holds (of the current form, newer than every input o has
 * now, and o not built), malloc'd; else NULL. */
char *outputs_verdict(const struct state_ctx *c, const struct output *o);
/* Whether make would remake o's output: it is missing, or an input is newer or not there. */
bool outputs_build_stale(const struct state_ctx *c, const struct output *o);
/* The modification time of o's file under dist in nanoseconds, -1 when it is not there. */
long long outputs_mtime(const struct state_ctx *c, const struct output *o);
/* Reads the times of every output of t and of every kernel's identity at once, on as many
 * threads as there are processors: a no-op run of 200,000 outputs is mostly these stats. */
void outputs_prefetch(const struct state_ctx *c, struct tables *t);
/* Reads every run's failure list of the distribution (RUNS/<id>/<D>.failed, oldest first), so
 * that an output's last failure is known; a later success makes it none. */
void outputs_read_faults(struct state_ctx *c);
/* The last run's failure of o when it was no verdict, or NULL. */
const char *outputs_fault(const struct state_ctx *c, const struct output *o);
/* The result= of o's boot verification (DIST/<path>.verified), malloc'd, or NULL. */
char *outputs_verified(const struct state_ctx *c, const struct output *o);
void outputs_free_ctx(struct state_ctx *c);

#endif
