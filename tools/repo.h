/* The probe repository's index: what a record (mk/build-probe.sh) and index.json hold about a
 * probe, read and written by tools/repo-index and tools/repo-query. index.json is read with
 * jansson, strictly (a key given twice is an error), and written here, so that the same entries
 * always give the same bytes. Written as falco-probes-index/2 (its coverage as tables: a kernel
 * once, each output a row naming it); /1 (a coverage object per output, 12 keys each) is still
 * read, since published repositories hold it. */
#ifndef REPO_H
#define REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define REPO_INDEX_FORMAT "falco-probes-index/2"
#define REPO_INDEX_FORMAT_1 "falco-probes-index/1"

struct repo_kv {
	char *key, *value;
};

struct repo_entry {
	char *path; /* the repository path Falco requests, e.g. 7.3.0+driver/x86_64/falco_...o */
	char *distro, *target, *kernel_release, *kernel_version, *uname_r, *arch, *driver_version;
	char *sha256;
	unsigned long long size;
	char **packages; /* the SHA-256 of each package the probe was built from, in build order */
	size_t npackages;
	char *driver_tree_sha256, *driver_source_sha256, *toolchain_sha256;
	/* The architecture of the host that built it and the compiler it used, where the record
	 * names them (records made before arm64 do not). */
	char *build_host_arch, *compiler;
	/* A signed module's certificate (its SHA-256) and digest (mk/build-output.sh); absent when
	 * unsigned. */
	char *signing_cert_sha256, *signature_hash;
	char *fixup;      /* the distribution's tree fixup: "<script> <sha256>", or empty */
	char *fixup_args; /* the kbuild arguments it added, or empty */
	struct repo_kv *verified; /* the boot verification's key=value lines, sorted by key */
	size_t nverified;
	char *origin; /* the record or index file it was read from, for messages */
	bool published;
	size_t seq; /* the order of addition */
};

struct repo_toolchain {
	char *sha256, *text;
};

/* What became of one output a Falco release asks of a listed kernel: index.json's "coverage"
 * (tools/output-state status writes them as TSV lines, one per output, in the order of COVERAGE_FIELDS).
 * state: built, failed (reason: the verdict), fault (reason: the last run's failure, which was no
 * verdict: tried again), unservable (reason: why no name can serve it; path "-" where there is
 * none), pending (not tried yet). */
struct repo_output {
	char *distro, *os_release, *kernel, *uname_r, *arch, *driver_version, *kind;
	char *releases; /* the Falco releases asking for it, comma-separated */
	char *path, *state, *reason;
	char *first_seen; /* when a run first listed its kernel (seconds since 1970), or "" */
	char *origin;
	size_t seq;
};
#define COVERAGE_FIELDS(X)                                                                         \
	X(distro) X(os_release) X(kernel) X(uname_r) X(arch) X(driver_version) X(kind) X(releases) \
	X(path) X(state) X(reason) X(first_seen)
#define COVERAGE_NFIELDS 12

struct repo_index {
	struct repo_entry *entries;
	size_t n, cap;
	struct repo_toolchain *toolchains;
	size_t ntoolchains, tcap;
	struct repo_output *outputs;
	size_t nout, ocap;
};

/* The coverage matrix: a row per distribution and os-release, a column per Falco release and
 * kind, each cell the outputs asked for there and what became of them. */
struct repo_cell {
	size_t total, built, verified, failed, fault, unservable, pending;
};
struct repo_matrix {
	char **row_distro, **row_osrel;
	size_t nrows;
	char **col_release, **col_kind;
	size_t ncols;
	struct repo_cell *cells; /* nrows * ncols */
};

/* Each returns 0, or -1 with a message naming the file (and line) in err. */
int repo_read_record(const char *file, struct repo_entry *e, char *err, size_t errlen);
int repo_read_index(const char *file, struct repo_index *idx, char *err, size_t errlen);
/* A key=value file (a .verified verdict) into e->verified, sorted by key. */
int repo_read_kv(const char *file, struct repo_entry *e, char *err, size_t errlen);

/* Coverage lines (COVERAGE_FIELDS, tab-separated) of tools/output-state status into idx->outputs. */
int repo_read_coverage(const char *file, struct repo_index *idx, char *err, size_t errlen);
/* One output per kernel, kind, driver version and path: of two, a pending one gives way, else
 * the first added stays. Then sorted by distro, os-release, kernel (version order), path. A
 * built output whose probe the index lacks is pending again; one the index has is built. Every
 * output of a kernel says when the earliest run first listed it. */
void repo_settle_coverage(struct repo_index *idx);
/* The result= of a probe's boot verification, or "". */
const char *repo_verified_result(const struct repo_entry *e);
void repo_matrix(const struct repo_index *idx, struct repo_matrix *m);
void repo_free_matrix(struct repo_matrix *m);
/* Time to driver: per distribution, the newest listed kernel (by when a run first saw it) that
 * still lacks a driver a release asks for (pending, failed or fault), with those counts; kernel
 * NULL where every listed kernel has its drivers. first_seen 0 where no run recorded it. */
struct repo_waiting {
	const char *distro, *kernel, *uname_r, *os_release;
	unsigned long long first_seen;
	size_t pending, failed, fault, kernels_waiting;
};
/* One per distribution of the coverage, sorted by distribution (malloc'd; pointers into idx). */
struct repo_waiting *repo_waiting(const struct repo_index *idx, size_t *n);
/* How make summary and index.html say it: the day it was first seen ("not recorded" without
 * one), how long ago that is at now ("3 d 0 h", "" without one), and what it lacks ("" for a
 * distribution whose kernels have their drivers). */
struct repo_waiting_text {
	char date[32], age[64], lacks[160];
};
void repo_waiting_describe(const struct repo_waiting *w, unsigned long long now, struct repo_waiting_text *t);
/* The summary of the matrix as plain text, or as a GitHub-flavoured markdown table, then the
 * time to driver, its ages counted to now (seconds since 1970). */
int repo_write_summary(FILE *f, const struct repo_index *idx, bool markdown, unsigned long long now);

/* Adds a copy of e's pointers (ownership moves to idx). */
void repo_add(struct repo_index *idx, const struct repo_entry *e);
void repo_add_toolchain(struct repo_index *idx, const char *sha256, const char *text);
const struct repo_toolchain *repo_find_toolchain(const struct repo_index *idx, const char *sha256);
/* Sorts by path (bytewise); then repo_find works. Duplicate paths are the caller's business. */
void repo_sort(struct repo_index *idx);
struct repo_entry *repo_find(const struct repo_index *idx, const char *path);
void repo_free_entry(struct repo_entry *e);
void repo_free(struct repo_index *idx);

/* A repository path: relative, '/'-separated, no "." or ".." part, only characters that are
 * safe in a URL path, a file name and a make word. */
bool repo_valid_path(const char *p);
bool repo_valid_sha256(const char *s);

/* The directory part of a path ("" for none); malloc'd. */
char *repo_dirname(const char *path);

/* The pages (tools/repo-pages.c): DIST/index.html, the front page, small at any number of
 * kernels, and what grows with them in DIST/coverage/: search.js (every kernel's name and page),
 * per distribution and os-release a page of its kernels and scripts of their outputs, per
 * distribution a page of its probes. run_time is the pages' date and their "now", so that the
 * same inputs give the same bytes; signed_repo: link the signatures make writes next. Each file
 * goes through a temporary name and a rename; a page or script of coverage/ that this run did not
 * write is removed. *written: the files written, relative to DIST, index.html last (malloc'd,
 * also on an error). Returns 0, or -1 with a message naming the file in err. */
int repo_write_pages(const char *dist, const struct repo_index *idx, unsigned long long run_time, bool signed_repo,
		     char ***written, size_t *nwritten, char *err, size_t errlen);

/* Output. Each writes to f and returns 0, or -1 on a write error. */
int repo_write_json(FILE *f, const struct repo_index *idx);
/* The SHA256SUMS of one directory (sha256sum's format, names relative to it). */
int repo_write_sums(FILE *f, const struct repo_index *idx, const char *dir);
/* An entry as key=value lines, the record's keys. */
int repo_write_record(FILE *f, const struct repo_entry *e);

#endif
