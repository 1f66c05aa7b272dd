/* The probe repository's index: records, index.json, SHA256SUMS (see repo.h). */
#include "repo.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"



static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool repo_valid_sha256(const char *s)
{
	return is_sha256_hex(s);
}

bool repo_valid_path(const char *p)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-/";
	if (!p || !*p || *p == '/' || strspn(p, ok) != strlen(p) || p[strlen(p) - 1] == '/')
		return false;
	/* Every part must be a name: no empty, "." or ".." part could escape or alias a directory. */
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

char *repo_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup("");
	char *d = xstrdup(path);
	d[slash - path] = 0;
	return d;
}

/* The text fields of an entry and the record keys that name them, in the record's order. */
#define ENTRY_KERNEL(X) X(distro) X(target) X(kernel_release) X(kernel_version) X(uname_r) X(arch)
#define ENTRY_STRINGS(X) ENTRY_KERNEL(X) X(driver_version)
/* Kept where a record has them; a record's order puts them between arch and driver_version. */
#define ENTRY_OPTIONAL(X) X(build_host_arch) X(compiler) X(signing_cert_sha256) X(signature_hash)

static bool valid_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The checks every entry passes, whatever it was read from. */
static int check_entry(const struct repo_entry *e, const char *where, char *err, size_t errlen)
{
	if (!e->path)
		return fail(err, errlen, "%s: no probe path", where);
	if (!repo_valid_path(e->path))
		return fail(err, errlen, "%s: '%s' is not a repository path", where, e->path);
#define REQUIRE(f)                                                                                 \
	if (!e->f || !*e->f || !valid_text(e->f))                                                  \
		return fail(err, errlen, "%s: %s: no valid " #f, where, e->path);
	ENTRY_STRINGS(REQUIRE)
#undef REQUIRE
	if (!repo_valid_sha256(e->sha256))
		return fail(err, errlen, "%s: %s: sha256 '%s' is not a SHA-256", where, e->path,
			    e->sha256 ? e->sha256 : "");
	for (size_t i = 0; i < e->npackages; i++)
		if (!repo_valid_sha256(e->packages[i]))
			return fail(err, errlen, "%s: %s: package '%s' is not a SHA-256", where, e->path,
				    e->packages[i]);
	const char *hashes[] = { e->driver_tree_sha256, e->driver_source_sha256, e->toolchain_sha256 };
	const char *names[] = { "driver_tree_sha256", "driver_source_sha256", "toolchain_sha256" };
	for (int i = 0; i < 3; i++)
		if (!hashes[i] || (*hashes[i] && !repo_valid_sha256(hashes[i])))
			return fail(err, errlen, "%s: %s: %s '%s' is neither empty nor a SHA-256", where,
				    e->path, names[i], hashes[i] ? hashes[i] : "(missing)");
	if ((e->fixup && !valid_text(e->fixup)) || (e->fixup_args && !valid_text(e->fixup_args)))
		return fail(err, errlen, "%s: %s: a control character in its fixup", where, e->path);
#define CHECK_OPTIONAL(f)                                                                          \
	if (e->f && !valid_text(e->f))                                                             \
		return fail(err, errlen, "%s: %s: a control character in its " #f, where, e->path);
	ENTRY_OPTIONAL(CHECK_OPTIONAL)
#undef CHECK_OPTIONAL
	for (size_t i = 0; i < e->nverified; i++)
		if (!valid_text(e->verified[i].key) || !valid_text(e->verified[i].value))
			return fail(err, errlen, "%s: %s: a control character in its verification", where,
				    e->path);
	return 0;
}

static int parse_size(const char *s, unsigned long long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return -1;
	*out = strtoull(s, NULL, 10);
	return 0;
}

static void split_packages(struct repo_entry *e, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		e->packages = xrealloc(e->packages, (e->npackages + 1) * sizeof *e->packages);
		e->packages[e->npackages++] = xstrdup(p);
	}
	free(copy);
}

int repo_read_record(const char *file, struct repo_entry *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->origin = xstrdup(file);
	FILE *f = fopen(file, "r");
	if (!f)
		return fail(err, errlen, "%s: %s", file, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;
	bool have_size = false;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		char *eq = strchr(line, '=');
		if (!eq) {
			rc = fail(err, errlen, "%s:%ld: not a key=value line", file, lineno);
			break;
		}
		*eq = 0;
		const char *key = line, *value = eq + 1;
		char **slot = NULL;
		if (!strcmp(key, "probe"))
			slot = &e->path;
#define SLOT(f) else if (!strcmp(key, #f)) slot = &e->f;
		ENTRY_STRINGS(SLOT)
		ENTRY_OPTIONAL(SLOT)
#undef SLOT
		else if (!strcmp(key, "sha256")) slot = &e->sha256;
		else if (!strcmp(key, "driver_tree_sha256")) slot = &e->driver_tree_sha256;
		else if (!strcmp(key, "driver_source_sha256")) slot = &e->driver_source_sha256;
		else if (!strcmp(key, "toolchain_sha256")) slot = &e->toolchain_sha256;
		else if (!strcmp(key, "fixup")) slot = &e->fixup;
		else if (!strcmp(key, "fixup_args")) slot = &e->fixup_args;
		else if (!strcmp(key, "size")) {
			if (parse_size(value, &e->size) != 0)
				rc = fail(err, errlen, "%s:%ld: size '%s' is not a number", file, lineno, value);
			have_size = true;
			continue;
		} else if (!strcmp(key, "packages")) {
			split_packages(e, value);
			continue;
		} else
			continue; /* a key a later build adds; the index keeps what it knows */
		if (*slot) {
			rc = fail(err, errlen, "%s:%ld: %s given twice", file, lineno, key);
			break;
		}
		*slot = xstrdup(value);
	}
	free(line);
	if (rc == 0 && ferror(f))
		rc = fail(err, errlen, "%s: read error", file);
	fclose(f);
	if (rc == 0 && !have_size)
		rc = fail(err, errlen, "%s: no size", file);
	if (rc == 0)
		rc = check_entry(e, file, err, errlen);
	return rc;
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct repo_kv *)a)->key, ((const struct repo_kv *)b)->key);
}

int repo_read_kv(const char *file, struct repo_entry *e, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return fail(err, errlen, "%s: %s", file, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		char *eq = strchr(line, '=');
		if (!eq || eq == line || !valid_text(line)) {
			rc = fail(err, errlen, "%s:%ld: not a key=value line", file, lineno);
			break;
		}
		*eq = 0;
		e->verified = xrealloc(e->verified, (e->nverified + 1) * sizeof *e->verified);
		e->verified[e->nverified].key = xstrdup(line);
		e->verified[e->nverified++].value = xstrdup(eq + 1);
	}
	free(line);
	fclose(f);
	if (rc == 0 && e->nverified)
		qsort(e->verified, e->nverified, sizeof *e->verified, kv_cmp);
	return rc;
}

void repo_add(struct repo_index *idx, const struct repo_entry *e)
{
	if (idx->n == idx->cap) {
		idx->cap = idx->cap ? idx->cap * 2 : 256;
		idx->entries = xrealloc(idx->entries, idx->cap * sizeof *idx->entries);
	}
	idx->entries[idx->n] = *e;
	idx->entries[idx->n].seq = idx->n;
	idx->n++;
}

void repo_add_toolchain(struct repo_index *idx, const char *sha256, const char *text)
{
	if (repo_find_toolchain(idx, sha256))
		return;
	if (idx->ntoolchains == idx->tcap) {
		idx->tcap = idx->tcap ? idx->tcap * 2 : 8;
		idx->toolchains = xrealloc(idx->toolchains, idx->tcap * sizeof *idx->toolchains);
	}
	idx->toolchains[idx->ntoolchains].sha256 = xstrdup(sha256);
	idx->toolchains[idx->ntoolchains++].text = xstrdup(text);
}

const struct repo_toolchain *repo_find_toolchain(const struct repo_index *idx, const char *sha256)
{
	for (size_t i = 0; i < idx->ntoolchains; i++)
		if (!strcmp(idx->toolchains[i].sha256, sha256))
			return &idx->toolchains[i];
	return NULL;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct repo_entry *)a)->path, ((const struct repo_entry *)b)->path);
}

static int toolchain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct repo_toolchain *)a)->sha256, ((const struct repo_toolchain *)b)->sha256);
}

/* Of two entries for one path, the one added first stays first (the caller keeps it and
 * reports the other): ties are broken by the order of addition. */
static int entry_order(const void *a, const void *b)
{
	const struct repo_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void repo_sort(struct repo_index *idx)
{
	if (idx->n)
		qsort(idx->entries, idx->n, sizeof *idx->entries, entry_order);
	if (idx->ntoolchains)
		qsort(idx->toolchains, idx->ntoolchains, sizeof *idx->toolchains, toolchain_cmp);
}

struct repo_entry *repo_find(const struct repo_index *idx, const char *path)
{
	struct repo_entry key = { .path = (char *)path };
	if (!idx->n)
		return NULL;
	return bsearch(&key, idx->entries, idx->n, sizeof key, entry_cmp);
}

void repo_free_entry(struct repo_entry *e)
{
	free(e->path);
#define FREE(f) free(e->f);
	ENTRY_STRINGS(FREE)
	ENTRY_OPTIONAL(FREE)
#undef FREE
	free(e->sha256);
	for (size_t i = 0; i < e->npackages; i++)
		free(e->packages[i]);
	free(e->packages);
	free(e->driver_tree_sha256);
	free(e->driver_source_sha256);
	free(e->toolchain_sha256);
	free(e->fixup);
	free(e->fixup_args);
	for (size_t i = 0; i < e->nverified; i++) {
		free(e->verified[i].key);
		free(e->verified[i].value);
	}
	free(e->verified);
	free(e->origin);
	memset(e, 0, sizeof *e);
}

static void free_output(struct repo_output *o)
{
#define FREE(f) free(o->f);
	COVERAGE_FIELDS(FREE)
#undef FREE
	free(o->origin);
	memset(o, 0, sizeof *o);
}

void repo_free(struct repo_index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		repo_free_entry(&idx->entries[i]);
	free(idx->entries);
	for (size_t i = 0; i < idx->ntoolchains; i++) {
		free(idx->toolchains[i].sha256);
		free(idx->toolchains[i].text);
	}
	free(idx->toolchains);
	for (size_t i = 0; i < idx->nout; i++)
		free_output(&idx->outputs[i]);
	free(idx->outputs);
	memset(idx, 0, sizeof *idx);
}

/* ---- JSON reading: jansson parses (strictly: a key given twice is an error), we check ---- */

/* A member that must be a string. */
static int jstr(const json_t *obj, const char *key, char **out, const char *where, char *err, size_t errlen)
{
	const char *v = json_string_value(json_object_get(obj, key));
	if (!v)
		return fail(err, errlen, "%s: \"%s\" must be a string", where, key);
	*out = xstrdup(v);
	return 0;
}

/* where names the entry: "index.json: probes[3]" (jansson keeps no line numbers past parsing). */
static int entry_from_json(const json_t *o, struct repo_entry *e, const char *file, const char *where,
			   char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->origin = xstrdup(file);
	if (!json_is_object(o))
		return fail(err, errlen, "%s: a probe must be an object", where);
	if (jstr(o, "path", &e->path, where, err, errlen) != 0)
		return -1;
#define GET(f)                                                                                     \
	if (jstr(o, #f, &e->f, where, err, errlen) != 0)                                           \
		return -1;
	ENTRY_STRINGS(GET)
#undef GET
#define GET_OPTIONAL(f)                                                                            \
	if (json_object_get(o, #f) && jstr(o, #f, &e->f, where, err, errlen) != 0)                   \
		return -1;
	ENTRY_OPTIONAL(GET_OPTIONAL)
#undef GET_OPTIONAL
	if (jstr(o, "sha256", &e->sha256, where, err, errlen) != 0)
		return -1;
	const json_t *size = json_object_get(o, "size");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return fail(err, errlen, "%s: %s: \"size\" must be a whole number", where, e->path);
	e->size = (unsigned long long)json_integer_value(size);
	const json_t *in = json_object_get(o, "inputs");
	if (!json_is_object(in))
		return fail(err, errlen, "%s: %s: \"inputs\" must be an object", where, e->path);
	const json_t *pk = json_object_get(in, "packages");
	if (!json_is_array(pk))
		return fail(err, errlen, "%s: %s: \"packages\" must be an array", where, e->path);
	size_t i;
	const json_t *v;
	json_array_foreach(pk, i, v) {
		if (!json_is_string(v))
			return fail(err, errlen, "%s: %s: a package must be a string", where, e->path);
		e->packages = xrealloc(e->packages, (e->npackages + 1) * sizeof *e->packages);
		e->packages[e->npackages++] = xstrdup(json_string_value(v));
	}
	if (jstr(in, "driver_tree_sha256", &e->driver_tree_sha256, where, err, errlen) != 0 ||
	    jstr(in, "driver_source_sha256", &e->driver_source_sha256, where, err, errlen) != 0 ||
	    jstr(in, "toolchain_sha256", &e->toolchain_sha256, where, err, errlen) != 0)
		return -1;
	/* A distribution's fixup is an input only where it has one. */
	if ((json_object_get(in, "fixup") && jstr(in, "fixup", &e->fixup, where, err, errlen) != 0) ||
	    (json_object_get(in, "fixup_args") && jstr(in, "fixup_args", &e->fixup_args, where, err, errlen) != 0))
		return -1;
	const json_t *ver = json_object_get(o, "verified");
	if (ver) {
		if (!json_is_object(ver))
			return fail(err, errlen, "%s: %s: \"verified\" must be an object", where, e->path);
		const char *key;
		json_object_foreach((json_t *)ver, key, v) {
			if (!json_is_string(v))
				return fail(err, errlen, "%s: %s: verification values are strings", where, e->path);
			e->verified = xrealloc(e->verified, (e->nverified + 1) * sizeof *e->verified);
			e->verified[e->nverified].key = xstrdup(key);
			e->verified[e->nverified++].value = xstrdup(json_string_value(v));
		}
		if (e->nverified)
			qsort(e->verified, e->nverified, sizeof *e->verified, kv_cmp);
	}
	return check_entry(e, where, err, errlen);
}

static void add_output(struct repo_index *idx, const struct repo_output *o)
{
	if (idx->nout == idx->ocap) {
		idx->ocap = idx->ocap ? idx->ocap * 2 : 256;
		idx->outputs = xrealloc(idx->outputs, idx->ocap * sizeof *idx->outputs);
	}
	idx->outputs[idx->nout] = *o;
	idx->outputs[idx->nout].seq = idx->nout;
	idx->nout++;
}

static bool valid_state(const char *s)
{
	return !strcmp(s, "built") || !strcmp(s, "failed") || !strcmp(s, "fault") || !strcmp(s, "unservable") ||
	       !strcmp(s, "pending");
}

/* Mirror data (kernel releases, reasons) reaches HTML and markdown: checked as text here. */
static int check_output(const struct repo_output *o, const char *where, char *err, size_t errlen)
{
#define CHECK(f)                                                                                   \
	if (!o->f || !valid_text(o->f) || (!*o->f && strcmp(#f, "reason") && strcmp(#f, "first_seen"))) \
		return fail(err, errlen, "%s: no valid " #f, where);
	COVERAGE_FIELDS(CHECK)
#undef CHECK
	if (strspn(o->first_seen, "0123456789") != strlen(o->first_seen) || strlen(o->first_seen) > 18)
		return fail(err, errlen, "%s: first_seen '%s' is not a number of seconds", where, o->first_seen);
	if (!valid_state(o->state))
		return fail(err, errlen, "%s: state '%s' is none of built, failed, fault, unservable, pending", where, o->state);
	if (strcmp(o->path, "-") && !repo_valid_path(o->path))
		return fail(err, errlen, "%s: '%s' is not a repository path", where, o->path);
	return 0;
}

/* The releases of an output, a JSON array of strings, as the comma-separated list it is kept as. */
static int releases_from_json(const json_t *rel, char **out, const char *where, char *err, size_t errlen)
{
	if (!json_is_array(rel))
		return fail(err, errlen, "%s: \"releases\" must be an array", where);
	char *buf = NULL;
	size_t len = 0, k;
	FILE *m = open_memstream(&buf, &len);
	const json_t *r;
	json_array_foreach(rel, k, r) {
		/* Kept comma-separated: an empty name or a comma would come back as other releases. */
		if (!json_is_string(r) || !*json_string_value(r) || strchr(json_string_value(r), ',')) {
			fclose(m);
			free(buf);
			return fail(err, errlen, "%s: a release must be a name without a comma", where);
		}
		fprintf(m, "%s%s", k ? "," : "", json_string_value(r));
	}
	fclose(m);
	*out = buf;
	return 0;
}

static int output_from_json(const json_t *v, struct repo_output *o, const char *file, size_t i, char *err,
			    size_t errlen)
{
	char where[1024];
	snprintf(where, sizeof where, "%s: coverage[%zu]", file, i);
	o->origin = xstrdup(file);
	if (!json_is_object(v))
		return fail(err, errlen, "%s: an output must be an object", where);
	if (releases_from_json(json_object_get(v, "releases"), &o->releases, where, err, errlen) != 0)
		return -1;
	/* Indexes written before it have no first_seen. */
	if (!json_object_get(v, "first_seen"))
		o->first_seen = xstrdup("");
#define GET(f)                                                                                     \
	if (strcmp(#f, "releases") && !(!strcmp(#f, "first_seen") && o->first_seen) &&             \
	    jstr(v, #f, &o->f, where, err, errlen) != 0)                                               \
		return -1;
	COVERAGE_FIELDS(GET)
#undef GET
	return check_output(o, where, err, errlen);
}

/* ---- falco-probes-index/2's coverage: a kernel once, a request once, an output per row ---- */

/* The columns of the tables, in their order. A reader that meets others is reading a layout it
 * does not know: a later one has another format. */
static const char *const kernel_fields[] = { "distro", "os_release", "kernel", "uname_r", "arch", "first_seen" };
static const char *const request_fields[] = { "driver_version", "kind", "releases" };
static const char *const output_fields[] = { "kernel", "request", "path", "state", "reason" };
#define NKERNEL_FIELDS (sizeof kernel_fields / sizeof *kernel_fields)
#define NREQUEST_FIELDS (sizeof request_fields / sizeof *request_fields)
#define NOUTPUT_FIELDS (sizeof output_fields / sizeof *output_fields)
#define NTABLE_FIELDS NKERNEL_FIELDS /* the widest of kernels and requests */

/* The most seconds a first_seen may say: check_output's 18 digits. */
#define MAX_FIRST_SEEN 999999999999999999LL

static int check_fields(const json_t *cov, const char *key, const char *const *want, size_t n, const char *file,
			char *err, size_t errlen)
{
	const json_t *a = json_object_get(cov, key);
	bool ok = json_is_array(a) && json_array_size(a) == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = json_string_value(json_array_get(a, i)) && !strcmp(json_string_value(json_array_get(a, i)), want[i]);
	if (ok)
		return 0;
	char list[256] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "", want[i]);
	return fail(err, errlen, "%s: coverage: \"%s\" must be [%s]", file, key, list);
}

/* A row of coverage.kernels or coverage.requests, as text (first_seen "" for null; releases
 * comma-separated). */
struct table_row {
	char *f[NTABLE_FIELDS];
};

struct table {
	const char *name; /* "kernels", "requests" */
	const char *const *fields;
	size_t nfields, n;
	struct table_row *rows;
	bool *named;
};

static const struct table *sort_table;
static int table_row_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	for (size_t k = 0; k < sort_table->nfields; k++) {
		int c = strcmp(sort_table->rows[i].f[k], sort_table->rows[j].f[k]);
		if (c)
			return c;
	}
	return (i > j) - (i < j);
}

/* One field of a row: a string; first_seen null or a number; releases an array of strings. */
static int table_field(const json_t *x, const char *name, char **out, const char *where, char *err, size_t errlen)
{
	if (!strcmp(name, "first_seen")) {
		if (json_is_null(x))
			*out = xstrdup("");
		else if (json_is_integer(x) && json_integer_value(x) >= 0 && json_integer_value(x) <= MAX_FIRST_SEEN)
			*out = xasprintf("%lld", (long long)json_integer_value(x));
		else
			return fail(err, errlen, "%s: first_seen must be null or a whole number of seconds (at most 18 digits)",
				    where);
		return 0;
	}
	if (!strcmp(name, "releases"))
		return releases_from_json(x, out, where, err, errlen);
	if (!json_is_string(x))
		return fail(err, errlen, "%s: %s must be a string", where, name);
	*out = xstrdup(json_string_value(x));
	return 0;
}

static int read_table(const json_t *cov, struct table *t, const char *file, char *err, size_t errlen)
{
	const json_t *a = json_object_get(cov, t->name);
	if (!json_is_array(a))
		return fail(err, errlen, "%s: coverage: \"%s\" must be an array", file, t->name);
	t->n = json_array_size(a);
	t->rows = xcalloc(t->n + 1, sizeof *t->rows);
	t->named = xcalloc(t->n + 1, sizeof *t->named);
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v) {
		char where[1024];
		snprintf(where, sizeof where, "%s: coverage.%s[%zu]", file, t->name, i);
		if (!json_is_array(v) || json_array_size(v) != t->nfields)
			return fail(err, errlen, "%s: a row is an array of %zu fields", where, t->nfields);
		for (size_t k = 0; k < t->nfields; k++)
			if (table_field(json_array_get(v, k), t->fields[k], &t->rows[i].f[k], where, err, errlen) != 0)
				return -1;
	}
	/* Two rows of one value would give its outputs two identities: which one is meant is
	 * anybody's guess, as with a key given twice. */
	if (t->n < 2)
		return 0;
	size_t *order = xcalloc(t->n, sizeof *order);
	for (size_t k = 0; k < t->n; k++)
		order[k] = k;
	sort_table = t;
	qsort(order, t->n, sizeof *order, table_row_order);
	int rc = 0;
	for (size_t k = 1; rc == 0 && k < t->n; k++) {
		bool same = true;
		for (size_t f = 0; same && f < t->nfields; f++)
			same = !strcmp(t->rows[order[k]].f[f], t->rows[order[k - 1]].f[f]);
		if (same)
			rc = fail(err, errlen, "%s: coverage.%s[%zu] repeats coverage.%s[%zu]", file, t->name, order[k], t->name,
				  order[k - 1]);
	}
	free(order);
	return rc;
}

static void free_table(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->nfields; k++)
			free(t->rows[i].f[k]);
	free(t->rows);
	free(t->named);
}

/* An output's reference to a row of t: its index there. */
static int table_ref(const json_t *x, struct table *t, size_t *out, const char *where, char *err, size_t errlen)
{
	if (!json_is_integer(x) || json_integer_value(x) < 0 || (unsigned long long)json_integer_value(x) >= t->n)
		return fail(err, errlen, "%s: %.*s must be the index of a row of coverage.%s (%zu rows)", where,
			    (int)strlen(t->name) - 1, t->name, t->name, t->n);
	*out = (size_t)json_integer_value(x);
	t->named[*out] = true;
	return 0;
}

static int coverage_from_json(const json_t *cov, const char *file, struct repo_index *idx, char *err, size_t errlen)
{
	if (!json_is_object(cov))
		return fail(err, errlen, "%s: \"coverage\" must be an object (%s)", file, REPO_INDEX_FORMAT);
	const char *key;
	const json_t *v;
	static const char *const members[] = { "kernel_fields", "request_fields", "output_fields", "kernels", "requests",
					       "outputs" };
	json_object_foreach((json_t *)cov, key, v) {
		bool known = false;
		for (size_t k = 0; k < sizeof members / sizeof *members; k++)
			known |= !strcmp(key, members[k]);
		if (!known)
			return fail(err, errlen, "%s: coverage: \"%s\" is no member of %s's coverage", file, key,
				    REPO_INDEX_FORMAT);
	}
	if (check_fields(cov, "kernel_fields", kernel_fields, NKERNEL_FIELDS, file, err, errlen) != 0 ||
	    check_fields(cov, "request_fields", request_fields, NREQUEST_FIELDS, file, err, errlen) != 0 ||
	    check_fields(cov, "output_fields", output_fields, NOUTPUT_FIELDS, file, err, errlen) != 0)
		return -1;
	struct table kernels = { .name = "kernels", .fields = kernel_fields, .nfields = NKERNEL_FIELDS };
	struct table requests = { .name = "requests", .fields = request_fields, .nfields = NREQUEST_FIELDS };
	const json_t *outputs = json_object_get(cov, "outputs");
	int rc = read_table(cov, &kernels, file, err, errlen);
	if (rc == 0)
		rc = read_table(cov, &requests, file, err, errlen);
	if (rc == 0 && !json_is_array(outputs))
		rc = fail(err, errlen, "%s: coverage: \"outputs\" must be an array", file);
	size_t i;
	json_array_foreach(outputs, i, v) {
		if (rc != 0)
			break;
		char where[1024];
		snprintf(where, sizeof where, "%s: coverage.outputs[%zu]", file, i);
		size_t k, r;
		if (!json_is_array(v) || json_array_size(v) != NOUTPUT_FIELDS) {
			rc = fail(err, errlen, "%s: an output is an array of %zu fields", where, NOUTPUT_FIELDS);
			break;
		}
		if (table_ref(json_array_get(v, 0), &kernels, &k, where, err, errlen) != 0 ||
		    table_ref(json_array_get(v, 1), &requests, &r, where, err, errlen) != 0) {
			rc = -1;
			break;
		}
		struct repo_output o = { .origin = xstrdup(file) };
		char **kf[] = { &o.distro, &o.os_release, &o.kernel, &o.uname_r, &o.arch, &o.first_seen };
		for (size_t f = 0; f < NKERNEL_FIELDS; f++)
			*kf[f] = xstrdup(kernels.rows[k].f[f]);
		char **rf[] = { &o.driver_version, &o.kind, &o.releases };
		for (size_t f = 0; f < NREQUEST_FIELDS; f++)
			*rf[f] = xstrdup(requests.rows[r].f[f]);
		char **of[] = { &o.path, &o.state, &o.reason };
		for (size_t f = 2; rc == 0 && f < NOUTPUT_FIELDS; f++)
			rc = table_field(json_array_get(v, f), output_fields[f], of[f - 2], where, err, errlen);
		if (rc == 0)
			rc = check_output(&o, where, err, errlen);
		if (rc == 0)
			add_output(idx, &o);
		else
			free_output(&o);
	}
	struct table *tables[] = { &kernels, &requests };
	for (size_t t = 0; t < 2; t++)
		for (size_t k = 0; rc == 0 && k < tables[t]->n; k++)
			if (!tables[t]->named[k])
				rc = fail(err, errlen, "%s: coverage.%s[%zu]: no output names it", file, tables[t]->name, k);
	free_table(&kernels);
	free_table(&requests);
	return rc;
}

static int read_index(const char *file, const json_t *root, struct repo_index *idx, char *err, size_t errlen)
{
	if (!json_is_object(root))
		return fail(err, errlen, "%s: the index must be an object", file);
	const char *format = json_string_value(json_object_get(root, "format"));
	const json_t *probes = json_object_get(root, "probes"), *tcs = json_object_get(root, "toolchains");
	bool v1 = format && !strcmp(format, REPO_INDEX_FORMAT_1);
	if (!format || (!v1 && strcmp(format, REPO_INDEX_FORMAT)))
		return fail(err, errlen, "%s: \"format\" is neither \"%s\" nor \"%s\"", file, REPO_INDEX_FORMAT,
			    REPO_INDEX_FORMAT_1);
	if (!json_is_array(probes))
		return fail(err, errlen, "%s: \"probes\" must be an array", file);
	if (tcs && !json_is_object(tcs))
		return fail(err, errlen, "%s: \"toolchains\" must be an object", file);
	size_t i;
	const json_t *v;
	json_array_foreach(probes, i, v) {
		char where[1024];
		snprintf(where, sizeof where, "%s: probes[%zu]", file, i);
		struct repo_entry e;
		int rc = entry_from_json(v, &e, file, where, err, errlen);
		if (rc != 0) {
			repo_free_entry(&e);
			return rc;
		}
		repo_add(idx, &e);
	}
	const json_t *cov = json_object_get(root, "coverage");
	if (cov && !v1) {
		int rc = coverage_from_json(cov, file, idx, err, errlen);
		if (rc != 0)
			return rc;
		cov = NULL;
	}
	if (cov && !json_is_array(cov))
		return fail(err, errlen, "%s: \"coverage\" must be an array", file);
	json_array_foreach(cov, i, v) {
		struct repo_output o = { 0 };
		int rc = output_from_json(v, &o, file, i, err, errlen);
		if (rc != 0) {
			free_output(&o);
			return rc;
		}
		add_output(idx, &o);
	}
	const char *key;
	json_object_foreach((json_t *)tcs, key, v) {
		if (!repo_valid_sha256(key) || !json_is_string(v))
			return fail(err, errlen, "%s: toolchains: a toolchain is \"<sha256>\": \"<text>\"", file);
		repo_add_toolchain(idx, key, json_string_value(v));
	}
	return 0;
}

int repo_read_index(const char *file, struct repo_index *idx, char *err, size_t errlen)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return fail(err, errlen, "%s: %s", file, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	int rerr = ferror(f);
	fclose(f);
	/* jansson would stop at a NUL byte and call it the end of the file. */
	int rc = 0;
	if (rerr)
		rc = fail(err, errlen, "%s: read error", file);
	else if (memchr(buf, 0, len))
		rc = fail(err, errlen, "%s: a NUL byte: not a JSON text", file);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!root)
		return fail(err, errlen, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
	rc = read_index(file, root, idx, err, errlen);
	json_decref(root);
	return rc;
}

/* ---- Output ---- */

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_member(FILE *f, const char *indent, const char *key, const char *value, bool last)
{
	fprintf(f, "%s\"%s\": ", indent, key);
	put_string(f, value);
	fputs(last ? "\n" : ",\n", f);
}

static void put_list(FILE *f, const char *commas)
{
	fputc('[', f);
	for (const char *s = commas; *s;) {
		size_t n = strcspn(s, ",");
		char *one = xstrndup(s, n);
		if (s != commas)
			fputs(", ", f);
		put_string(f, one);
		free(one);
		s += n;
		if (*s)
			s++;
	}
	fputc(']', f);
}

/* A first_seen as the number it is ("" is none; "007" and "7" are one time). */
static int seen_cmp(const char *a, const char *b)
{
	if (!*a || !*b)
		return (*a != 0) - (*b != 0);
	unsigned long long x = strtoull(a, NULL, 10), y = strtoull(b, NULL, 10);
	return (x > y) - (x < y);
}

/* The kernel an output belongs to, as coverage.kernels has it. */
static int kernel_of_cmp(const struct repo_output *x, const struct repo_output *y)
{
	int c = strcmp(x->distro, y->distro);
	if (!c)
		c = strcmp(x->os_release, y->os_release);
	if (!c)
		c = strcmp(x->kernel, y->kernel);
	if (!c)
		c = strcmp(x->uname_r, y->uname_r);
	if (!c)
		c = strcmp(x->arch, y->arch);
	return c ? c : seen_cmp(x->first_seen, y->first_seen);
}

/* What asked for an output, as coverage.requests has it. */
static int request_of_cmp(const struct repo_output *x, const struct repo_output *y)
{
	int c = strcmp(x->driver_version, y->driver_version);
	if (!c)
		c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->releases, y->releases);
}

static const struct repo_output *sort_outputs;
static int (*sort_cmp)(const struct repo_output *, const struct repo_output *);
static int group_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = sort_cmp(&sort_outputs[i], &sort_outputs[j]);
	return c ? c : (i > j) - (i < j);
}

/* Numbers the distinct values cmp sees among the outputs in the order the outputs first name
 * them: number[i] is output i's, first[k] the first output of value k; returns how many. */
static size_t number_groups(const struct repo_index *idx, int (*cmp)(const struct repo_output *, const struct repo_output *),
			    size_t *number, size_t *first)
{
	size_t n = idx->nout, *order = xcalloc(n, sizeof *order), *group = xcalloc(n, sizeof *group), ng = 0;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_outputs = idx->outputs;
	sort_cmp = cmp;
	qsort(order, n, sizeof *order, group_order);
	for (size_t i = 0; i < n; i++) {
		if (!i || cmp(&idx->outputs[order[i]], &idx->outputs[order[i - 1]]))
			ng++;
		group[order[i]] = ng - 1;
	}
	size_t *renumber = xcalloc(ng + 1, sizeof *renumber), next = 0;
	for (size_t g = 0; g < ng; g++)
		renumber[g] = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (renumber[group[i]] == (size_t)-1) {
			renumber[group[i]] = next;
			first[next++] = i;
		}
		number[i] = renumber[group[i]];
	}
	free(order);
	free(group);
	free(renumber);
	return ng;
}

static void put_fields(FILE *f, const char *name, const char *const *fields, size_t n)
{
	fprintf(f, "    \"%s\": [", name);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s\"%s\"", k ? ", " : "", fields[k]);
	fputs("],\n", f);
}

/* falco-probes-index/2's coverage: each kernel once, each request (driver version, kind and the
 * releases asking) once, then one row per output naming both by index (see README). */
static void write_coverage(FILE *f, const struct repo_index *idx)
{
	size_t n = idx->nout;
	size_t *kernel = xcalloc(n, sizeof *kernel), *kfirst = xcalloc(n, sizeof *kfirst);
	size_t *request = xcalloc(n, sizeof *request), *rfirst = xcalloc(n, sizeof *rfirst);
	size_t nk = number_groups(idx, kernel_of_cmp, kernel, kfirst);
	size_t nr = number_groups(idx, request_of_cmp, request, rfirst);
	fputs(",\n  \"coverage\": {\n", f);
	put_fields(f, "kernel_fields", kernel_fields, NKERNEL_FIELDS);
	put_fields(f, "request_fields", request_fields, NREQUEST_FIELDS);
	put_fields(f, "output_fields", output_fields, NOUTPUT_FIELDS);
	fputs("    \"kernels\": [", f);
	for (size_t k = 0; k < nk; k++) {
		const struct repo_output *o = &idx->outputs[kfirst[k]];
		fputs(k ? ",\n      [" : "\n      [", f);
		const char *text[] = { o->distro, o->os_release, o->kernel, o->uname_r, o->arch };
		for (size_t t = 0; t < 5; t++) {
			put_string(f, text[t]);
			fputs(", ", f);
		}
		if (*o->first_seen)
			fprintf(f, "%llu]", strtoull(o->first_seen, NULL, 10));
		else
			fputs("null]", f);
	}
	fputs("\n    ],\n    \"requests\": [", f);
	for (size_t r = 0; r < nr; r++) {
		const struct repo_output *o = &idx->outputs[rfirst[r]];
		fputs(r ? ",\n      [" : "\n      [", f);
		put_string(f, o->driver_version);
		fputs(", ", f);
		put_string(f, o->kind);
		fputs(", ", f);
		put_list(f, o->releases);
		fputc(']', f);
	}
	fputs("\n    ],\n    \"outputs\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct repo_output *o = &idx->outputs[i];
		fprintf(f, "%s[%zu, %zu, ", i ? ",\n      " : "\n      ", kernel[i], request[i]);
		put_string(f, o->path);
		fputs(", ", f);
		put_string(f, o->state);
		fputs(", ", f);
		put_string(f, o->reason);
		fputc(']', f);
	}
	fputs("\n    ]\n  }", f);
	free(kernel);
	free(kfirst);
	free(request);
	free(rfirst);
}

int repo_write_json(FILE *f, const struct repo_index *idx)
{
	fprintf(f, "{\n  \"format\": \"%s\",\n  \"probes\": [", REPO_INDEX_FORMAT);
	for (size_t i = 0; i < idx->n; i++) {
		const struct repo_entry *e = &idx->entries[i];
		const char *in = "      ";
		fputs(i ? ",\n    {\n" : "\n    {\n", f);
		put_member(f, in, "path", e->path, false);
#define MEMBER(x) put_member(f, in, #x, e->x, false);
		ENTRY_STRINGS(MEMBER)
#undef MEMBER
#define MEMBER_OPTIONAL(x)                                                                         \
	if (e->x && *e->x)                                                                         \
		put_member(f, in, #x, e->x, false);
		ENTRY_OPTIONAL(MEMBER_OPTIONAL)
#undef MEMBER_OPTIONAL
		fprintf(f, "%s\"size\": %llu,\n", in, e->size);
		put_member(f, in, "sha256", e->sha256, false);
		fprintf(f, "%s\"inputs\": {\n%s  \"packages\": [", in, in);
		for (size_t k = 0; k < e->npackages; k++) {
			fputs(k ? ", " : "", f);
			put_string(f, e->packages[k]);
		}
		fputs("],\n", f);
		put_member(f, "        ", "driver_tree_sha256", e->driver_tree_sha256, false);
		put_member(f, "        ", "driver_source_sha256", e->driver_source_sha256, false);
		put_member(f, "        ", "toolchain_sha256", e->toolchain_sha256, !(e->fixup && *e->fixup));
		if (e->fixup && *e->fixup) {
			put_member(f, "        ", "fixup", e->fixup, false);
			put_member(f, "        ", "fixup_args", e->fixup_args ? e->fixup_args : "", true);
		}
		fprintf(f, "%s}%s\n", in, e->nverified ? "," : "");
		if (e->nverified) {
			fprintf(f, "%s\"verified\": {\n", in);
			for (size_t k = 0; k < e->nverified; k++) {
				fprintf(f, "%s  ", in);
				put_string(f, e->verified[k].key);
				fputs(": ", f);
				put_string(f, e->verified[k].value);
				fputs(k + 1 < e->nverified ? ",\n" : "\n", f);
			}
			fprintf(f, "%s}\n", in);
		}
		fputs("    }", f);
	}
	fputs(idx->n ? "\n  ],\n  \"toolchains\": {" : "],\n  \"toolchains\": {", f);
	for (size_t i = 0; i < idx->ntoolchains; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		put_string(f, idx->toolchains[i].sha256);
		fputs(": ", f);
		put_string(f, idx->toolchains[i].text);
	}
	fputs(idx->ntoolchains ? "\n  }" : "}", f);
	/* Only where there is coverage, so that an index of probes alone keeps its bytes. */
	if (idx->nout)
		write_coverage(f, idx);
	fputs("\n}\n", f);
	return ferror(f) ? -1 : 0;
}

int repo_write_sums(FILE *f, const struct repo_index *idx, const char *dir)
{
	size_t dlen = strlen(dir);
	for (size_t i = 0; i < idx->n; i++) {
		const char *p = idx->entries[i].path;
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		/* Only this directory's own files, not its subdirectories'. */
		if ((size_t)(base - p) != (dlen ? dlen + 1 : 0) || strncmp(p, dir, dlen))
			continue;
		fprintf(f, "%s  %s\n", idx->entries[i].sha256, base);
	}
	return ferror(f) ? -1 : 0;
}

int repo_write_record(FILE *f, const struct repo_entry *e)
{
	fprintf(f, "probe=%s\n", e->path);
#define LINE(x) fprintf(f, #x "=%s\n", e->x);
#define LINE_OPTIONAL(x)                                                                           \
	if (e->x && *e->x)                                                                         \
		LINE(x)
	ENTRY_KERNEL(LINE)
	ENTRY_OPTIONAL(LINE_OPTIONAL)
	LINE(driver_version)
#undef LINE_OPTIONAL
#undef LINE
	fprintf(f, "sha256=%s\nsize=%llu\npackages=", e->sha256, e->size);
	for (size_t k = 0; k < e->npackages; k++)
		fprintf(f, "%s%s", k ? " " : "", e->packages[k]);
	fprintf(f, "\ndriver_tree_sha256=%s\ndriver_source_sha256=%s\ntoolchain_sha256=%s\n",
		e->driver_tree_sha256, e->driver_source_sha256, e->toolchain_sha256);
	if (e->fixup && *e->fixup)
		fprintf(f, "fixup=%s\nfixup_args=%s\n", e->fixup, e->fixup_args ? e->fixup_args : "");
	return ferror(f) ? -1 : 0;
}

/* ---- Coverage ---- */

int repo_read_coverage(const char *file, struct repo_index *idx, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return fail(err, errlen, "%s: %s", file, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (!len)
			continue;
		char *part[COVERAGE_NFIELDS + 1];
		char where[1024];
		snprintf(where, sizeof where, "%s:%ld", file, lineno);
		if (split_fields(line, '\t', part, COVERAGE_NFIELDS + 1) != COVERAGE_NFIELDS) {
			rc = fail(err, errlen, "%s: expected %d tab-separated fields", where, COVERAGE_NFIELDS);
			break;
		}
		struct repo_output o = { .origin = xstrdup(file) };
		int n = 0;
#define SET(x) o.x = xstrdup(part[n++]);
		COVERAGE_FIELDS(SET)
#undef SET
		rc = check_output(&o, where, err, errlen);
		if (rc == 0)
			add_output(idx, &o);
		else
			free_output(&o);
	}
	if (rc == 0 && ferror(f))
		rc = fail(err, errlen, "%s: read error", file);
	free(line);
	fclose(f);
	return rc;
}

/* The identity of an output: an unservable request without a path is one per release. */
static int output_key_cmp(const struct repo_output *x, const struct repo_output *y)
{
	int c = strcmp(x->distro, y->distro);
	if (!c)
		c = strverscmp(x->os_release, y->os_release);
	if (!c)
		c = strverscmp(x->kernel, y->kernel);
	if (!c)
		c = strcmp(x->kind, y->kind);
	if (!c)
		c = strcmp(x->driver_version, y->driver_version);
	if (!c)
		c = strcmp(x->path, y->path);
	if (!c && !strcmp(x->path, "-"))
		c = strcmp(x->releases, y->releases);
	return c;
}

static int output_order(const void *a, const void *b)
{
	const struct repo_output *x = a, *y = b;
	int c = output_key_cmp(x, y);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void repo_settle_coverage(struct repo_index *idx)
{
	if (!idx->nout)
		return;
	qsort(idx->outputs, idx->nout, sizeof *idx->outputs, output_order);
	size_t kept = 0;
	for (size_t i = 0; i < idx->nout; i++) {
		struct repo_output *o = &idx->outputs[i];
		if (kept && !output_key_cmp(&idx->outputs[kept - 1], o)) {
			struct repo_output *first = &idx->outputs[kept - 1];
			/* The kernel was first seen by the earliest run that saw it: the published
			 * index's, or a shard's. */
			char *seen = NULL;
			if (*o->first_seen && (!*first->first_seen || strtoull(o->first_seen, NULL, 10) <
									 strtoull(first->first_seen, NULL, 10)))
				seen = xstrdup(o->first_seen);
			/* A shard that did not try it says pending; the one that did knows better. */
			if (!strcmp(first->state, "pending") && strcmp(o->state, "pending")) {
				if (!seen && *first->first_seen)
					seen = xstrdup(first->first_seen);
				free_output(first);
				*first = *o;
			} else
				free_output(o);
			if (seen) {
				free(first->first_seen);
				first->first_seen = seen;
			}
			continue;
		}
		if (kept != i)
			idx->outputs[kept] = *o;
		kept++;
	}
	idx->nout = kept;
	/* A kernel was first listed when the earliest run listed it: its outputs, made by runs of
	 * other releases or shards, may each know another of those runs. */
	for (size_t i = 0, j; i < idx->nout; i = j) {
		const struct repo_output *o = &idx->outputs[i];
		const char *seen = "";
		for (j = i; j < idx->nout && !strcmp(idx->outputs[j].distro, o->distro) &&
			    !strcmp(idx->outputs[j].os_release, o->os_release) && !strcmp(idx->outputs[j].kernel, o->kernel);
		     j++)
			if (*idx->outputs[j].first_seen &&
			    (!*seen || strtoull(idx->outputs[j].first_seen, NULL, 10) < strtoull(seen, NULL, 10)))
				seen = idx->outputs[j].first_seen;
		char *earliest = xstrdup(seen);
		for (size_t k = i; k < j; k++)
			if (strcmp(idx->outputs[k].first_seen, earliest)) {
				free(idx->outputs[k].first_seen);
				idx->outputs[k].first_seen = xstrdup(earliest);
			}
		free(earliest);
	}
	for (size_t i = 0; i < idx->nout; i++) {
		struct repo_output *o = &idx->outputs[i];
		/* An unservable output's path may be another kernel's built probe: still not this one's. */
		bool have = strcmp(o->path, "-") && strcmp(o->state, "unservable") && repo_find(idx, o->path);
		const char *state = have ? "built" : !strcmp(o->state, "built") ? "pending" : o->state;
		if (strcmp(state, o->state)) {
			free(o->state);
			o->state = xstrdup(state);
		}
		if (have && *o->reason) {
			free(o->reason);
			o->reason = xstrdup("");
		}
	}
}

const char *repo_verified_result(const struct repo_entry *e)
{
	for (size_t k = 0; k < e->nverified; k++)
		if (!strcmp(e->verified[k].key, "result"))
			return e->verified[k].value;
	return "";
}

static size_t find_pair(char **a, char **b, size_t n, const char *x, const char *y)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i], x) && !strcmp(b[i], y))
			return i;
	return n;
}

static const char *const *sort_a, *const *sort_b;
static int pair_cmp(const void *p, const void *q)
{
	size_t i = *(const size_t *)p, j = *(const size_t *)q;
	int c = strverscmp(sort_a[i], sort_a[j]);
	return c ? c : strverscmp(sort_b[i], sort_b[j]);
}

/* Sorts the pairs (a[i], b[i]) in version order, in place. */
static void sort_pairs(char **a, char **b, size_t n)
{
	if (n < 2)
		return;
	size_t *order = xcalloc(n, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_a = (const char *const *)a;
	sort_b = (const char *const *)b;
	qsort(order, n, sizeof *order, pair_cmp);
	char **ca = xcalloc(n, sizeof *ca), **cb = xcalloc(n, sizeof *cb);
	for (size_t i = 0; i < n; i++) {
		ca[i] = a[order[i]];
		cb[i] = b[order[i]];
	}
	memcpy(a, ca, n * sizeof *a);
	memcpy(b, cb, n * sizeof *b);
	free(ca);
	free(cb);
	free(order);
}

/* Calls fn for each release of a comma-separated list. */
static void each_release(const char *list, void (*fn)(const char *release, void *ctx), void *ctx)
{
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		char *one = xstrndup(s, n);
		fn(one, ctx);
		free(one);
		s += n;
		if (*s)
			s++;
	}
}

struct matrix_ctx {
	struct repo_matrix *m;
	const struct repo_output *o;
	const struct repo_index *idx;
	size_t row;
	bool counting;
};

static void add_col(const char *release, void *p)
{
	struct matrix_ctx *c = p;
	struct repo_matrix *m = c->m;
	if (find_pair(m->col_release, m->col_kind, m->ncols, release, c->o->kind) < m->ncols)
		return;
	m->col_release = xrealloc(m->col_release, (m->ncols + 1) * sizeof *m->col_release);
	m->col_kind = xrealloc(m->col_kind, (m->ncols + 1) * sizeof *m->col_kind);
	m->col_release[m->ncols] = xstrdup(release);
	m->col_kind[m->ncols++] = xstrdup(c->o->kind);
}

static void count_cell(const char *release, void *p)
{
	struct matrix_ctx *c = p;
	struct repo_matrix *m = c->m;
	size_t col = find_pair(m->col_release, m->col_kind, m->ncols, release, c->o->kind);
	struct repo_cell *cell = &m->cells[c->row * m->ncols + col];
	const char *st = c->o->state;
	cell->total++;
	if (!strcmp(st, "built")) {
		cell->built++;
		const struct repo_entry *e = repo_find(c->idx, c->o->path);
		if (e && !strcmp(repo_verified_result(e), "PASS"))
			cell->verified++;
	} else if (!strcmp(st, "failed"))
		cell->failed++;
	else if (!strcmp(st, "fault"))
		cell->fault++;
	else if (!strcmp(st, "unservable"))
		cell->unservable++;
	else
		cell->pending++;
}

void repo_matrix(const struct repo_index *idx, struct repo_matrix *m)
{
	memset(m, 0, sizeof *m);
	struct matrix_ctx c = { .m = m, .idx = idx };
	for (size_t i = 0; i < idx->nout; i++) {
		const struct repo_output *o = &idx->outputs[i];
		if (find_pair(m->row_distro, m->row_osrel, m->nrows, o->distro, o->os_release) == m->nrows) {
			m->row_distro = xrealloc(m->row_distro, (m->nrows + 1) * sizeof *m->row_distro);
			m->row_osrel = xrealloc(m->row_osrel, (m->nrows + 1) * sizeof *m->row_osrel);
			m->row_distro[m->nrows] = xstrdup(o->distro);
			m->row_osrel[m->nrows++] = xstrdup(o->os_release);
		}
		c.o = o;
		each_release(o->releases, add_col, &c);
	}
	sort_pairs(m->row_distro, m->row_osrel, m->nrows);
	sort_pairs(m->col_release, m->col_kind, m->ncols);
	m->cells = xcalloc(m->nrows * m->ncols + 1, sizeof *m->cells);
	for (size_t i = 0; i < idx->nout; i++) {
		c.o = &idx->outputs[i];
		c.row = find_pair(m->row_distro, m->row_osrel, m->nrows, c.o->distro, c.o->os_release);
		each_release(c.o->releases, count_cell, &c);
	}
}

void repo_free_matrix(struct repo_matrix *m)
{
	for (size_t i = 0; i < m->nrows; i++) {
		free(m->row_distro[i]);
		free(m->row_osrel[i]);
	}
	for (size_t i = 0; i < m->ncols; i++) {
		free(m->col_release[i]);
		free(m->col_kind[i]);
	}
	free(m->row_distro);
	free(m->row_osrel);
	free(m->col_release);
	free(m->col_kind);
	free(m->cells);
	memset(m, 0, sizeof *m);
}

/* Text in a markdown table cell: a '|' would open a new cell, '<' a tag. */
static void put_md(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
			fprintf(f, "\\%c", *s);
		else if (*s == '<')
			fputs("&lt;", f);
		else
			fputc(*s, f);
}

struct repo_waiting *repo_waiting(const struct repo_index *idx, size_t *n)
{
	struct repo_waiting *w = NULL;
	*n = 0;
	/* The coverage is settled: sorted by distribution, os-release and kernel. */
	for (size_t i = 0; i < idx->nout;) {
		const struct repo_output *o = &idx->outputs[i];
		if (!*n || strcmp(w[*n - 1].distro, o->distro)) {
			w = xrealloc(w, (*n + 1) * sizeof *w);
			w[(*n)++] = (struct repo_waiting){ .distro = o->distro };
		}
		struct repo_waiting *d = &w[*n - 1];
		/* One kernel: its outputs, when it was first seen, what it still lacks. */
		size_t j = i, pending = 0, failed = 0, fault = 0;
		unsigned long long seen = 0;
		for (; j < idx->nout && !strcmp(idx->outputs[j].distro, o->distro) &&
		       !strcmp(idx->outputs[j].kernel, o->kernel);
		     j++) {
			const struct repo_output *x = &idx->outputs[j];
			unsigned long long t = *x->first_seen ? strtoull(x->first_seen, NULL, 10) : 0;
			if (t && (!seen || t < seen))
				seen = t;
			pending += !strcmp(x->state, "pending");
			failed += !strcmp(x->state, "failed");
			fault += !strcmp(x->state, "fault");
		}
		if (pending + failed + fault) {
			d->kernels_waiting++;
			if (!d->kernel || seen > d->first_seen ||
			    (seen == d->first_seen && strverscmp(o->uname_r, d->uname_r) > 0)) {
				d->kernel = o->kernel, d->uname_r = o->uname_r, d->os_release = o->os_release;
				d->first_seen = seen, d->pending = pending, d->failed = failed, d->fault = fault;
			}
		}
		i = j;
	}
	return w;
}

void repo_waiting_describe(const struct repo_waiting *w, unsigned long long now, struct repo_waiting_text *t)
{
	snprintf(t->date, sizeof t->date, "not recorded");
	t->age[0] = t->lacks[0] = 0;
	if (w->first_seen) {
		time_t when = (time_t)w->first_seen;
		struct tm tm;
		if (gmtime_r(&when, &tm))
			strftime(t->date, sizeof t->date, "%Y-%m-%d", &tm);
		unsigned long long s = now > w->first_seen ? now - w->first_seen : 0;
		snprintf(t->age, sizeof t->age, "%llu d %llu h", s / 86400, s % 86400 / 3600);
	}
	if (w->kernel)
		snprintf(t->lacks, sizeof t->lacks, "%zu pending, %zu failed, %zu fault (%zu kernel%s waiting)", w->pending,
			 w->failed, w->fault, w->kernels_waiting, w->kernels_waiting == 1 ? "" : "s");
}

/* The time to driver, after the matrix. */
static void write_waiting(FILE *f, const struct repo_index *idx, bool markdown, unsigned long long now)
{
	size_t n;
	struct repo_waiting *w = repo_waiting(idx, &n);
	fputs(markdown ? "\n| distribution | newest kernel without its drivers | first seen | waiting | lacks |\n|---|---|---|---|---|\n"
		       : "\nTime to driver: the newest listed kernel that still lacks a driver, per distribution\n", f);
	for (size_t i = 0; i < n; i++) {
		struct repo_waiting_text t;
		repo_waiting_describe(&w[i], now, &t);
		const char *date = t.date, *age = t.age, *lacks = t.lacks;
		if (markdown) {
			fputs("| ", f);
			put_md(f, w[i].distro);
			fputs(" | ", f);
			if (w[i].kernel) {
				put_md(f, w[i].uname_r);
				fputs(" (", f);
				put_md(f, w[i].os_release);
				fprintf(f, ") | %s | %s | %s |\n", date, age, lacks);
			} else
				fputs("none: every listed kernel has its drivers | | | |\n", f);
		} else if (w[i].kernel) {
			fprintf(f, "  %s: %s (%s), first seen %s (%s ago): %s\n", w[i].distro, w[i].uname_r, w[i].os_release,
				date, *age ? age : "?", lacks);
		} else {
			fprintf(f, "  %s: none: every listed kernel has its drivers\n", w[i].distro);
		}
	}
	free(w);
}

int repo_write_summary(FILE *f, const struct repo_index *idx, bool markdown, unsigned long long now)
{
	struct repo_matrix m;
	repo_matrix(idx, &m);
	if (!m.nrows) {
		fputs("no coverage: the index names no listed kernel (make repo after a build)\n", f);
		repo_free_matrix(&m);
		return ferror(f) ? -1 : 0;
	}
	/* A cell: built/asked, then verified, failed, fault, unservable, pending where any. */
	char **text = xcalloc(m.nrows * m.ncols + 1, sizeof *text);
	for (size_t i = 0; i < m.nrows * m.ncols; i++) {
		const struct repo_cell *c = &m.cells[i];
		if (!c->total) {
			text[i] = xstrdup("-");
			continue;
		}
		char *t = xasprintf("%zu/%zu", c->built, c->total), *u;
		const size_t n[] = { c->verified, c->failed, c->fault, c->unservable, c->pending };
		const char *what[] = { "verified", "failed", "fault", "unservable", "pending" };
		for (int k = 0; k < 5; k++)
			if (n[k]) {
				u = xasprintf("%s%s%zu %s", t, strchr(t, ' ') ? ", " : " (", n[k], what[k]);
				free(t);
				t = u;
			}
		if (strchr(t, ' ')) {
			u = xasprintf("%s)", t);
			free(t);
			t = u;
		}
		text[i] = t;
	}
	char **head = xcalloc(m.ncols + 1, sizeof *head);
	for (size_t j = 0; j < m.ncols; j++)
		head[j] = xasprintf("%s %s", m.col_release[j], m.col_kind[j]);
	if (markdown) {
		fputs("| distribution | release |", f);
		for (size_t j = 0; j < m.ncols; j++)
			fprintf(f, " Falco %s |", head[j]);
		fputs("\n|---|---|", f);
		for (size_t j = 0; j < m.ncols; j++)
			fputs("---|", f);
		fputc('\n', f);
		for (size_t i = 0; i < m.nrows; i++) {
			fputs("| ", f);
			put_md(f, m.row_distro[i]);
			fputs(" | ", f);
			put_md(f, m.row_osrel[i]);
			fputs(" |", f);
			for (size_t j = 0; j < m.ncols; j++)
				fprintf(f, " %s |", text[i * m.ncols + j]);
			fputc('\n', f);
		}
		fputs("\nEach cell: outputs built of those the release asks for (verified, failed, fault, unservable, pending).\n", f);
	} else {
		size_t w0 = strlen("distribution"), w1 = strlen("release"), *w = xcalloc(m.ncols + 1, sizeof *w);
		for (size_t i = 0; i < m.nrows; i++) {
			w0 = strlen(m.row_distro[i]) > w0 ? strlen(m.row_distro[i]) : w0;
			w1 = strlen(m.row_osrel[i]) > w1 ? strlen(m.row_osrel[i]) : w1;
		}
		for (size_t j = 0; j < m.ncols; j++) {
			w[j] = strlen(head[j]);
			for (size_t i = 0; i < m.nrows; i++)
				if (strlen(text[i * m.ncols + j]) > w[j])
					w[j] = strlen(text[i * m.ncols + j]);
		}
		fprintf(f, "%-*s  %-*s", (int)w0, "distribution", (int)w1, "release");
		for (size_t j = 0; j < m.ncols; j++)
			fprintf(f, "  %-*s", j + 1 < m.ncols ? (int)w[j] : 0, head[j]);
		fputc('\n', f);
		for (size_t i = 0; i < m.nrows; i++) {
			fprintf(f, "%-*s  %-*s", (int)w0, m.row_distro[i], (int)w1, m.row_osrel[i]);
			for (size_t j = 0; j < m.ncols; j++)
				fprintf(f, "  %-*s", j + 1 < m.ncols ? (int)w[j] : 0, text[i * m.ncols + j]);
			fputc('\n', f);
		}
		free(w);
	}
	for (size_t i = 0; i < m.nrows * m.ncols; i++)
		free(text[i]);
	free(text);
	for (size_t j = 0; j < m.ncols; j++)
		free(head[j]);
	free(head);
	repo_free_matrix(&m);
	write_waiting(f, idx, markdown, now);
	return ferror(f) ? -1 : 0;
}
