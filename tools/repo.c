/* The probe repository's index: records, index.json, SHA256SUMS (see repo.h). */
#include "repo.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
	fputs(idx->ntoolchains ? "\n  }\n}\n" : "}\n}\n", f);
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
