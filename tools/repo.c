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
#define ENTRY_STRINGS(X)                                                                           \
	X(distro) X(target) X(kernel_release) X(kernel_version) X(uname_r) X(arch) X(driver_version)

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

static int output_from_json(const json_t *v, struct repo_output *o, const char *file, size_t i, char *err,
			    size_t errlen)
{
	char where[1024];
	snprintf(where, sizeof where, "%s: coverage[%zu]", file, i);
	o->origin = xstrdup(file);
	if (!json_is_object(v))
		return fail(err, errlen, "%s: an output must be an object", where);
	const json_t *rel = json_object_get(v, "releases");
	if (!json_is_array(rel))
		return fail(err, errlen, "%s: \"releases\" must be an array", where);
	char *buf = NULL;
	size_t len = 0, k;
	FILE *m = open_memstream(&buf, &len);
	const json_t *r;
	json_array_foreach(rel, k, r) {
		if (!json_is_string(r) || strchr(json_string_value(r), ',')) {
			fclose(m);
			free(buf);
			return fail(err, errlen, "%s: a release must be a string without a comma", where);
		}
		fprintf(m, "%s%s", k ? "," : "", json_string_value(r));
	}
	fclose(m);
	o->releases = buf;
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

static int read_index(const char *file, const json_t *root, struct repo_index *idx, char *err, size_t errlen)
{
	if (!json_is_object(root))
		return fail(err, errlen, "%s: the index must be an object", file);
	const char *format = json_string_value(json_object_get(root, "format"));
	const json_t *probes = json_object_get(root, "probes"), *tcs = json_object_get(root, "toolchains");
	if (!format || strcmp(format, REPO_INDEX_FORMAT))
		return fail(err, errlen, "%s: \"format\" is not \"%s\"", file, REPO_INDEX_FORMAT);
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
	if (idx->nout) {
		fputs(",\n  \"coverage\": [", f);
		for (size_t i = 0; i < idx->nout; i++) {
			const struct repo_output *o = &idx->outputs[i];
			fputs(i ? ",\n    {" : "\n    {", f);
			bool first = true;
#define MEMBER(x)                                                                                  \
	fputs(first ? "\"" #x "\": " : ", \"" #x "\": ", f);                                          \
	first = false;                                                                             \
	if (strcmp(#x, "releases"))                                                                \
		put_string(f, o->x);                                                               \
	else                                                                                       \
		put_list(f, o->x);
			COVERAGE_FIELDS(MEMBER)
#undef MEMBER
			fputs("}", f);
		}
		fputs("\n  ]", f);
	}
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
	ENTRY_STRINGS(LINE)
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

/* The time to driver, after the matrix. */
static void write_waiting(FILE *f, const struct repo_index *idx, bool markdown, unsigned long long now)
{
	size_t n;
	struct repo_waiting *w = repo_waiting(idx, &n);
	fputs(markdown ? "\n| distribution | newest kernel without its drivers | first seen | waiting | lacks |\n|---|---|---|---|---|\n"
		       : "\nTime to driver: the newest listed kernel that still lacks a driver, per distribution\n", f);
	for (size_t i = 0; i < n; i++) {
		char date[32] = "not recorded", age[64] = "";
		if (w[i].first_seen) {
			time_t t = (time_t)w[i].first_seen;
			struct tm tm;
			if (gmtime_r(&t, &tm))
				strftime(date, sizeof date, "%Y-%m-%d", &tm);
			unsigned long long s = now > w[i].first_seen ? now - w[i].first_seen : 0;
			snprintf(age, sizeof age, "%llu d %llu h", s / 86400, s % 86400 / 3600);
		}
		char lacks[128] = "";
		if (w[i].kernel)
			snprintf(lacks, sizeof lacks, "%zu pending, %zu failed, %zu fault (%zu kernel%s waiting)", w[i].pending,
				 w[i].failed, w[i].fault, w[i].kernels_waiting, w[i].kernels_waiting == 1 ? "" : "s");
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
