/* The probe repository's index: records, index.json, SHA256SUMS (see repo.h). */
#include "repo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"



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

/* ---- JSON reading: a small strict parser into a tree, then the tree into entries. ---- */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	char *str; /* J_STR: the decoded text; J_NUM: the literal */
	size_t n;
	struct jval *items;
	char **keys; /* J_OBJ */
	long line;
};

struct jparser {
	const char *s, *end, *file;
	long line;
	char *err;
	size_t errlen;
	int depth;
};

static int jfail(struct jparser *p, const char *what)
{
	return fail(p->err, p->errlen, "%s:%ld: %s", p->file, p->line, what);
}

static void jskip(struct jparser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\r' || *p->s == '\n')) {
		if (*p->s == '\n')
			p->line++;
		p->s++;
	}
}

static void jfree(struct jval *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		jfree(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void room(char **buf, size_t *len, size_t *cap, size_t more)
{
	if (*len + more > *cap) {
		*cap = (*cap + more) * 2;
		*buf = xrealloc(*buf, *cap);
	}
}

static void put_utf8(char **buf, size_t *len, size_t *cap, unsigned cp)
{
	room(buf, len, cap, 5);
	char *o = *buf + *len;
	if (cp < 0x80) {
		o[0] = (char)cp;
		*len += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		*len += 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		*len += 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		*len += 4;
	}
}

static int jstring(struct jparser *p, char **out)
{
	p->s++; /* the opening quote */
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (p->s >= p->end) {
			free(buf);
			return jfail(p, "unterminated string");
		}
		unsigned char c = (unsigned char)*p->s;
		if (c == '"') {
			p->s++;
			break;
		}
		if (c < 0x20) {
			free(buf);
			return jfail(p, "a control character in a string");
		}
		if (c != '\\') {
			room(&buf, &len, &cap, 1);
			buf[len++] = (char)c;
			p->s++;
			continue;
		}
		if (p->end - p->s < 2) {
			free(buf);
			return jfail(p, "unterminated escape");
		}
		char e = p->s[1];
		p->s += 2;
		unsigned cp;
		switch (e) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (p->end - p->s < 4 || hex4(p->s, &cp) != 0) {
				free(buf);
				return jfail(p, "a bad \\u escape");
			}
			p->s += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u' ||
				    hex4(p->s + 2, &lo) != 0 || lo < 0xdc00 || lo >= 0xe000) {
					free(buf);
					return jfail(p, "an unpaired surrogate in a \\u escape");
				}
				p->s += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				free(buf);
				return jfail(p, "an unpaired surrogate in a \\u escape");
			}
			if (cp == 0) {
				free(buf);
				return jfail(p, "a NUL character in a string");
			}
			break;
		default:
			free(buf);
			return jfail(p, "an unknown escape");
		}
		put_utf8(&buf, &len, &cap, cp);
	}
	buf = xrealloc(buf, len + 1);
	buf[len] = 0;
	*out = buf;
	return 0;
}

static int jvalue(struct jparser *p, struct jval *v);

static int jcontainer(struct jparser *p, struct jval *v, bool object)
{
	char close = object ? '}' : ']';
	p->s++;
	if (++p->depth > 32)
		return jfail(p, "nested too deeply");
	jskip(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return 0;
	}
	size_t cap = 0;
	for (;;) {
		if (v->n == cap) {
			cap = cap ? cap * 2 : 8;
			v->items = xrealloc(v->items, cap * sizeof *v->items);
			if (object)
				v->keys = xrealloc(v->keys, cap * sizeof *v->keys);
		}
		jskip(p);
		if (object) {
			if (p->s >= p->end || *p->s != '"')
				return jfail(p, "expected a key");
			char *key;
			if (jstring(p, &key) != 0)
				return -1;
			for (size_t i = 0; i < v->n; i++)
				if (!strcmp(v->keys[i], key)) {
					free(key);
					return jfail(p, "a key given twice");
				}
			v->keys[v->n] = key;
			jskip(p);
			if (p->s >= p->end || *p->s != ':') {
				free(v->keys[v->n]);
				return jfail(p, "expected ':'");
			}
			p->s++;
		}
		memset(&v->items[v->n], 0, sizeof *v->items);
		v->n++;
		if (jvalue(p, &v->items[v->n - 1]) != 0)
			return -1;
		jskip(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			p->depth--;
			return 0;
		}
		return jfail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int jvalue(struct jparser *p, struct jval *v)
{
	jskip(p);
	v->line = p->line;
	if (p->s >= p->end)
		return jfail(p, "unexpected end of file");
	char c = *p->s;
	if (c == '{') {
		v->type = J_OBJ;
		return jcontainer(p, v, true);
	}
	if (c == '[') {
		v->type = J_ARR;
		return jcontainer(p, v, false);
	}
	if (c == '"') {
		v->type = J_STR;
		return jstring(p, &v->str);
	}
	static const struct {
		const char *word;
		enum jtype type;
	} words[] = { { "null", J_NULL }, { "true", J_TRUE }, { "false", J_FALSE } };
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);
		if ((size_t)(p->end - p->s) >= n && !memcmp(p->s, words[i].word, n)) {
			v->type = words[i].type;
			p->s += n;
			return 0;
		}
	}
	/* A number: JSON's grammar exactly (no leading zeros, no '+', no bare '.'). */
	const char *start = p->s;
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s < p->end && *p->s == '0')
		p->s++;
	else if (p->s < p->end && *p->s >= '1' && *p->s <= '9')
		while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
			p->s++;
	else
		return jfail(p, "unexpected character");
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (p->s >= p->end || *p->s < '0' || *p->s > '9')
			return jfail(p, "a bad number");
		while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (p->s >= p->end || *p->s < '0' || *p->s > '9')
			return jfail(p, "a bad number");
		while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	v->type = J_NUM;
	v->str = xrealloc(NULL, (size_t)(p->s - start) + 1);
	memcpy(v->str, start, (size_t)(p->s - start));
	v->str[p->s - start] = 0;
	return 0;
}

static const struct jval *jget(const struct jval *obj, const char *key)
{
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

/* A string member: missing or not a string is an error. */
static int jstr(const struct jval *obj, const char *key, char **out, const char *file, char *err, size_t errlen)
{
	const struct jval *v = jget(obj, key);
	if (!v || v->type != J_STR)
		return fail(err, errlen, "%s:%ld: \"%s\" must be a string", file, obj->line, key);
	*out = xstrdup(v->str);
	return 0;
}

static int entry_from_json(const struct jval *o, struct repo_entry *e, const char *file, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->origin = xstrdup(file);
	if (o->type != J_OBJ)
		return fail(err, errlen, "%s:%ld: a probe must be an object", file, o->line);
	if (jstr(o, "path", &e->path, file, err, errlen) != 0)
		return -1;
#define GET(f)                                                                                     \
	if (jstr(o, #f, &e->f, file, err, errlen) != 0)                                            \
		return -1;
	ENTRY_STRINGS(GET)
#undef GET
	if (jstr(o, "sha256", &e->sha256, file, err, errlen) != 0)
		return -1;
	const struct jval *size = jget(o, "size");
	if (!size || size->type != J_NUM || parse_size(size->str, &e->size) != 0)
		return fail(err, errlen, "%s:%ld: %s: \"size\" must be a whole number", file, o->line, e->path);
	const struct jval *in = jget(o, "inputs");
	if (!in || in->type != J_OBJ)
		return fail(err, errlen, "%s:%ld: %s: \"inputs\" must be an object", file, o->line, e->path);
	const struct jval *pk = jget(in, "packages");
	if (!pk || pk->type != J_ARR)
		return fail(err, errlen, "%s:%ld: %s: \"packages\" must be an array", file, in->line, e->path);
	for (size_t i = 0; i < pk->n; i++) {
		if (pk->items[i].type != J_STR)
			return fail(err, errlen, "%s:%ld: %s: a package must be a string", file, pk->line, e->path);
		e->packages = xrealloc(e->packages, (e->npackages + 1) * sizeof *e->packages);
		e->packages[e->npackages++] = xstrdup(pk->items[i].str);
	}
	if (jstr(in, "driver_tree_sha256", &e->driver_tree_sha256, file, err, errlen) != 0 ||
	    jstr(in, "driver_source_sha256", &e->driver_source_sha256, file, err, errlen) != 0 ||
	    jstr(in, "toolchain_sha256", &e->toolchain_sha256, file, err, errlen) != 0)
		return -1;
	/* A distribution's fixup is an input only where it has one. */
	if ((jget(in, "fixup") && jstr(in, "fixup", &e->fixup, file, err, errlen) != 0) ||
	    (jget(in, "fixup_args") && jstr(in, "fixup_args", &e->fixup_args, file, err, errlen) != 0))
		return -1;
	const struct jval *ver = jget(o, "verified");
	if (ver) {
		if (ver->type != J_OBJ)
			return fail(err, errlen, "%s:%ld: %s: \"verified\" must be an object", file, ver->line, e->path);
		for (size_t i = 0; i < ver->n; i++) {
			if (ver->items[i].type != J_STR)
				return fail(err, errlen, "%s:%ld: %s: verification values are strings", file,
					    ver->line, e->path);
			e->verified = xrealloc(e->verified, (e->nverified + 1) * sizeof *e->verified);
			e->verified[e->nverified].key = xstrdup(ver->keys[i]);
			e->verified[e->nverified++].value = xstrdup(ver->items[i].str);
		}
		if (e->nverified)
			qsort(e->verified, e->nverified, sizeof *e->verified, kv_cmp);
	}
	char where[1024];
	snprintf(where, sizeof where, "%s:%ld", file, o->line);
	return check_entry(e, where, err, errlen);
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
	if (rerr) {
		free(buf);
		return fail(err, errlen, "%s: read error", file);
	}
	if (memchr(buf, 0, len)) {
		free(buf);
		return fail(err, errlen, "%s: a NUL byte: not a JSON text", file);
	}
	struct jparser p = { .s = buf, .end = buf + len, .file = file, .line = 1, .err = err, .errlen = errlen };
	struct jval root = { 0 };
	int rc = jvalue(&p, &root);
	if (rc == 0) {
		jskip(&p);
		if (p.s != p.end)
			rc = jfail(&p, "text after the end of the index");
	}
	free(buf);
	const struct jval *format = NULL, *probes = NULL, *tcs = NULL;
	if (rc == 0 && root.type != J_OBJ)
		rc = fail(err, errlen, "%s: the index must be an object", file);
	if (rc == 0) {
		format = jget(&root, "format");
		probes = jget(&root, "probes");
		tcs = jget(&root, "toolchains");
		if (!format || format->type != J_STR || strcmp(format->str, REPO_INDEX_FORMAT))
			rc = fail(err, errlen, "%s: \"format\" is not \"%s\"", file, REPO_INDEX_FORMAT);
		else if (!probes || probes->type != J_ARR)
			rc = fail(err, errlen, "%s: \"probes\" must be an array", file);
		else if (tcs && tcs->type != J_OBJ)
			rc = fail(err, errlen, "%s: \"toolchains\" must be an object", file);
	}
	for (size_t i = 0; rc == 0 && i < probes->n; i++) {
		struct repo_entry e;
		rc = entry_from_json(&probes->items[i], &e, file, err, errlen);
		if (rc == 0)
			repo_add(idx, &e);
		else
			repo_free_entry(&e);
	}
	for (size_t i = 0; rc == 0 && tcs && i < tcs->n; i++) {
		if (!repo_valid_sha256(tcs->keys[i]) || tcs->items[i].type != J_STR)
			rc = fail(err, errlen, "%s:%ld: a toolchain is \"<sha256>\": \"<text>\"", file,
				  tcs->items[i].line);
		else
			repo_add_toolchain(idx, tcs->keys[i], tcs->items[i].str);
	}
	jfree(&root);
	return rc;
}

/* ---- Output ---- */

static void json_string(FILE *f, const char *s)
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

static void json_member(FILE *f, const char *indent, const char *key, const char *value, bool last)
{
	fprintf(f, "%s\"%s\": ", indent, key);
	json_string(f, value);
	fputs(last ? "\n" : ",\n", f);
}

int repo_write_json(FILE *f, const struct repo_index *idx)
{
	fprintf(f, "{\n  \"format\": \"%s\",\n  \"probes\": [", REPO_INDEX_FORMAT);
	for (size_t i = 0; i < idx->n; i++) {
		const struct repo_entry *e = &idx->entries[i];
		const char *in = "      ";
		fputs(i ? ",\n    {\n" : "\n    {\n", f);
		json_member(f, in, "path", e->path, false);
#define MEMBER(x) json_member(f, in, #x, e->x, false);
		ENTRY_STRINGS(MEMBER)
#undef MEMBER
		fprintf(f, "%s\"size\": %llu,\n", in, e->size);
		json_member(f, in, "sha256", e->sha256, false);
		fprintf(f, "%s\"inputs\": {\n%s  \"packages\": [", in, in);
		for (size_t k = 0; k < e->npackages; k++) {
			fputs(k ? ", " : "", f);
			json_string(f, e->packages[k]);
		}
		fputs("],\n", f);
		json_member(f, "        ", "driver_tree_sha256", e->driver_tree_sha256, false);
		json_member(f, "        ", "driver_source_sha256", e->driver_source_sha256, false);
		json_member(f, "        ", "toolchain_sha256", e->toolchain_sha256, !(e->fixup && *e->fixup));
		if (e->fixup && *e->fixup) {
			json_member(f, "        ", "fixup", e->fixup, false);
			json_member(f, "        ", "fixup_args", e->fixup_args ? e->fixup_args : "", true);
		}
		fprintf(f, "%s}%s\n", in, e->nverified ? "," : "");
		if (e->nverified) {
			fprintf(f, "%s\"verified\": {\n", in);
			for (size_t k = 0; k < e->nverified; k++) {
				fprintf(f, "%s  ", in);
				json_string(f, e->verified[k].key);
				fputs(": ", f);
				json_string(f, e->verified[k].value);
				fputs(k + 1 < e->nverified ? ",\n" : "\n", f);
			}
			fprintf(f, "%s}\n", in);
		}
		fputs("    }", f);
	}
	fputs(idx->n ? "\n  ],\n  \"toolchains\": {" : "],\n  \"toolchains\": {", f);
	for (size_t i = 0; i < idx->ntoolchains; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_string(f, idx->toolchains[i].sha256);
		fputs(": ", f);
		json_string(f, idx->toolchains[i].text);
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
