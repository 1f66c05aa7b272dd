/* cos-index: read Google COS's artifact bucket (cos-tools) into the facts a kernel listing needs.
 *
 *   cos-index page [--builds] PAGE_XML
 *   cos-index headers ARCHIVE
 *   cos-index source [--defconfig PATH] [--localversion STR] ARCHIVE
 *
 * COS has no package manager: each build id (17162.40.20 is image cos-101-17162-40-20) is a
 * directory of the public bucket, holding kernel-headers.tgz, kernel-src.tar.gz, kernel_commit...
 * The bucket is read through Cloud Storage's XML listing (GET <bucket>?prefix=P&delimiter=/),
 * which answers a ListBucketResult page of at most 1,000 entries; mk/cos-builds.sh and
 * mk/cos-build.sh fetch the pages and this tool reads them.
 *
 * page prints, tab-separated, one line per entry of one page (read with libxml2's xmlTextReader):
 *   with --builds, `build <id>` for each CommonPrefixes entry <Prefix><id>/ whose id is a build id
 *   (three dot-separated numbers, nothing else: an id ends up in URLs, paths and make rules);
 *   anything else is left out with a warning naming it;
 *   without it, `object <name> <etag> <size>` for each object directly under the page's Prefix.
 *   When the page is truncated, a last line `next <marker>` gives the marker of the next page,
 *   already percent-encoded for a query string: NextMarker, or else (as S3 allows) the last key
 *   or prefix of the page.
 *
 * headers reads a kernel-headers.tgz (COS packs ./usr/src/linux-headers-<release>/, builddeb
 * style) with libarchive and prints `<tree>\t<uname -r>\t<uname -v>`: the one directory under
 * usr/src, and UTS_RELEASE and UTS_VERSION from its include/generated/utsrelease.h and
 * utsversion.h (or compile.h before Linux 5.19), exactly as that kernel prints them.
 *
 * source reads a kernel source archive (kernel-src.tar.gz: the tree at the top, or in one top
 * directory) and prints the same three fields for the tree mk/cos-fixup.sh will prepare from it:
 * the release is the kernel's own kernelrelease rule, KERNELVERSION from the Makefile, then the
 * localversion* files, CONFIG_LOCALVERSION of .config (or else of the defconfig PATH, default
 * arch/x86/configs/lakitu_defconfig) and STR (LOCALVERSION, default "+", as COS kernels print);
 * uname -v is only known as far as its build number, which a fresh tree numbers 1 (.version + 1
 * where the tree has one), as init/build-version does.
 *
 * Exit status: 0 done; 1 an error (naming the file and, for XML, the line); 2 usage; 3 the
 * archive is no readable archive or holds no usable kernel tree: a fact about the archive, which
 * the caller (having checked its bytes against the listing) may remember. */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "xmlread.h"

#define EXIT_UNUSABLE 3

static const char *cur_file; /* what messages name */

static _Noreturn void usage(void)
{
	fputs("usage: cos-index page [--builds] PAGE_XML\n"
	      "       cos-index headers ARCHIVE\n"
	      "       cos-index source [--defconfig PATH] [--localversion STR] ARCHIVE\n",
	      stderr);
	exit(2);
}

/* A bucket key is text from a server we do not control: warnings show it escaped. */
static const char *printable(const char *s)
{
	static char buf[256];
	size_t o = 0;
	for (; *s && o + 5 < sizeof buf; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
	}
	buf[o] = 0;
	return buf;
}

/* Three dot-separated decimal numbers, as COS numbers its builds (17162.40.20). */
static bool is_build_id(const char *s, size_t len)
{
	int parts = 0;
	size_t i = 0;
	while (i < len) {
		size_t d = i;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i == d || i - d > 9)
			return false;
		parts++;
		if (i < len && (s[i] != '.' || ++i == len))
			return false;
	}
	return parts == 3;
}

/* An object name as it may appear in a URL path and a listing: plain characters only. */
static bool is_object_name(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-+", *s))
			return false;
	return true;
}

static bool is_token(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

/* ---- page: one ListBucketResult ---- */

/* Cloud Storage answers in its own namespace; S3-compatible copies of the bucket in S3's. */
static bool known_namespace(const char *uri)
{
	return !uri || !strcmp(uri, "http://doc.s3.amazonaws.com/2006-03-01") ||
	       !strcmp(uri, "http://s3.amazonaws.com/doc/2006-03-01/");
}

struct page {
	char *prefix, *marker, *next_marker;
	bool truncated, saw_truncated;
	char *last; /* the greatest key or common prefix seen */
};

static void keep_last(struct page *p, const char *s)
{
	if (!p->last || strcmp(s, p->last) > 0) {
		free(p->last);
		p->last = xstrdup(s);
	}
}

static void print_marker(const char *m)
{
	fputs("next\t", stdout);
	for (const unsigned char *s = (const unsigned char *)m; *s; s++) {
		if (isalnum(*s) || strchr("-._~", *s))
			putchar(*s);
		else
			printf("%%%02X", *s);
	}
	putchar('\n');
}

static int do_page(int argc, char **argv)
{
	bool builds = false;
	int i = 0;
	if (i < argc && !strcmp(argv[i], "--builds")) {
		builds = true;
		i++;
	}
	if (i + 1 != argc)
		usage();
	cur_file = argv[i];
	struct xmlread x;
	xmlread_open(&x, cur_file, "a bucket listing");
	xmlread_root(&x);
	const char *root = (const char *)xmlTextReaderConstLocalName(x.r);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(x.r);
	if (strcmp(root, "ListBucketResult") || !known_namespace(ns))
		die_at(cur_file, "not a bucket listing: the document is <%s>%s%s", root, ns ? " in " : "", ns ? ns : "");

	struct page p = { 0 };
	/* Entries of the page: Contents {Key, ETag, Size} and CommonPrefixes {Prefix}. Their text is
	 * collected first and printed once the page's own Prefix is known (it comes first in
	 * practice, but nothing promises it). */
	char **keys = NULL, **etags = NULL, **sizes = NULL, **prefixes = NULL;
	size_t nkeys = 0, nprefixes = 0;
	/* The entry being read: its fields are the elements at depth 2. */
	struct {
		char *key, *etag, *size, *prefix;
	} e = { 0 };
	bool in_contents = false, in_prefixes = false;
	while (xmlread_step(&x, false)) {
		int type = xmlTextReaderNodeType(x.r), depth = xmlTextReaderDepth(x.r);
		if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 && in_contents) {
			if (!e.key || !e.etag || !e.size)
				die_at(cur_file, "line %d: a Contents entry without Key, ETag or Size", xmlread_line(&x));
			keep_last(&p, e.key);
			keys = xrealloc(keys, (nkeys + 1) * sizeof *keys);
			etags = xrealloc(etags, (nkeys + 1) * sizeof *etags);
			sizes = xrealloc(sizes, (nkeys + 1) * sizeof *sizes);
			keys[nkeys] = e.key;
			etags[nkeys] = e.etag;
			sizes[nkeys++] = e.size;
			e.key = e.etag = e.size = NULL;
			in_contents = false;
		} else if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 && in_prefixes) {
			if (!e.prefix)
				die_at(cur_file, "line %d: a CommonPrefixes entry without Prefix", xmlread_line(&x));
			keep_last(&p, e.prefix);
			prefixes = xrealloc(prefixes, (nprefixes + 1) * sizeof *prefixes);
			prefixes[nprefixes++] = e.prefix;
			e.prefix = NULL;
			in_prefixes = false;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		const char *local = (const char *)xmlTextReaderConstLocalName(x.r);
		char **dst = NULL;
		if (depth == 2 && in_contents && !strcmp(local, "Key"))
			dst = &e.key;
		else if (depth == 2 && in_contents && !strcmp(local, "ETag"))
			dst = &e.etag;
		else if (depth == 2 && in_contents && !strcmp(local, "Size"))
			dst = &e.size;
		else if (depth == 2 && in_prefixes && !strcmp(local, "Prefix"))
			dst = &e.prefix;
		else if (depth != 1)
			continue;
		else if (!strcmp(local, "Prefix"))
			dst = &p.prefix;
		else if (!strcmp(local, "Marker"))
			dst = &p.marker;
		else if (!strcmp(local, "NextMarker"))
			dst = &p.next_marker;
		else if (!strcmp(local, "IsTruncated")) {
			char *t = xmlread_text(&x, false);
			if (strcmp(t, "true") && strcmp(t, "false"))
				die_at(cur_file, "line %d: IsTruncated is '%s', neither true nor false", xmlread_line(&x),
				       printable(t));
			p.truncated = !strcmp(t, "true");
			p.saw_truncated = true;
			free(t);
		} else if (!strcmp(local, "Contents") || !strcmp(local, "CommonPrefixes")) {
			/* An empty entry has no end element: it is one without its fields. */
			bool contents = !strcmp(local, "Contents");
			if (xmlTextReaderIsEmptyElement(x.r))
				die_at(cur_file, "line %d: a %s entry without %s", xmlread_line(&x), local,
				       contents ? "Key, ETag or Size" : "Prefix");
			in_contents = contents;
			in_prefixes = !contents;
		}
		if (dst) {
			free(*dst);
			*dst = xmlread_text(&x, false);
		}
	}
	xmlread_close(&x);
	if (!p.saw_truncated)
		die_at(cur_file, "no IsTruncated: cannot tell whether the listing goes on");
	const char *prefix = p.prefix ? p.prefix : "";
	size_t plen = strlen(prefix);

	if (builds) {
		for (size_t k = 0; k < nprefixes; k++) {
			const char *s = prefixes[k];
			size_t len = strlen(s);
			if (strncmp(s, prefix, plen) || len == 0 || s[len - 1] != '/')
				warn_at(cur_file, "warning: leaving out '%s': not under the prefix '%s'", printable(s),
					printable(prefix));
			else if (!is_build_id(s, len - 1))
				warn_at(cur_file, "warning: leaving out '%s': not a build id (three numbers, like 17162.40.20)",
					printable(s));
			else
				printf("build\t%.*s\n", (int)(len - 1), s);
		}
	} else {
		for (size_t k = 0; k < nkeys; k++) {
			const char *name = keys[k] + plen;
			/* Cloud Storage quotes the ETag; an MD5 (hex) or, for composite objects, another token. */
			char *etag = etags[k];
			size_t el = strlen(etag);
			if (el >= 2 && etag[0] == '"' && etag[el - 1] == '"') {
				memmove(etag, etag + 1, el - 2);
				etag[el - 2] = 0;
			}
			if (strncmp(keys[k], prefix, plen))
				warn_at(cur_file, "warning: leaving out '%s': not under the prefix '%s'", printable(keys[k]),
					printable(prefix));
			else if (!*name && plen && prefix[plen - 1] == '/')
				continue; /* a "directory" placeholder object */
			else if (!is_object_name(name))
				warn_at(cur_file, "warning: leaving out '%s': not a plain object name", printable(keys[k]));
			else if (!is_token(etag, "+/=_-"))
				warn_at(cur_file, "warning: leaving out '%s': its ETag '%s' is not a plain token",
					printable(keys[k]), printable(etag));
			else if (!*sizes[k] || strspn(sizes[k], "0123456789") != strlen(sizes[k]) || strlen(sizes[k]) > 15)
				warn_at(cur_file, "warning: leaving out '%s': its size '%s' is not a number",
					printable(keys[k]), printable(sizes[k]));
			else
				printf("object\t%s\t%s\t%s\n", name, etag, sizes[k]);
		}
	}
	if (p.truncated) {
		const char *next = p.next_marker && *p.next_marker ? p.next_marker : p.last;
		if (!next)
			die_at(cur_file, "the listing is truncated but names nothing to continue after");
		/* Entries come in name order after the marker: a next marker that is not past it would
		 * list the same pages for ever. */
		if (p.marker && *p.marker && strcmp(next, p.marker) <= 0)
			die_at(cur_file, "the listing is truncated but its next marker '%s' is not past its marker",
			       printable(next));
		print_marker(next);
	}

	for (size_t k = 0; k < nkeys; k++) {
		free(keys[k]);
		free(etags[k]);
		free(sizes[k]);
	}
	free(keys);
	free(etags);
	free(sizes);
	for (size_t k = 0; k < nprefixes; k++)
		free(prefixes[k]);
	free(prefixes);
	free(p.prefix);
	free(p.marker);
	free(p.next_marker);
	free(p.last);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* ---- archives ---- */

struct file {
	char *path; /* as in the archive, less any leading "./" */
	char *data;
	size_t len;
	struct file *next;
};

#define MAX_KEPT (8u << 20) /* a Makefile or .config is well under this */

static struct archive *open_archive(const char *path)
{
	struct archive *a = archive_read_new();
	if (!a)
		die("out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	/* A file we cannot open is our problem; one that is not a readable tar archive is the
	 * archive's (the caller checked its bytes against the bucket's listing). */
	FILE *f = fopen(path, "rb");
	if (!f)
		die_at(cur_file, "cannot open: %s", strerror(errno));
	fclose(f);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
		die_with(EXIT_UNUSABLE, cur_file, "not a readable archive: %s", archive_error_string(a));
	return a;
}

static const char *normalize(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++; /* never used to write anything: only to name what is inside */
	return p;
}

/* Reads every entry of ARCHIVE; keep(path) says which regular files to keep whole. Every
 * entry's path, kept or not, is offered to seen(). */
static struct file *read_archive(const char *path, bool (*keep)(const char *, void *), void (*seen)(const char *, void *),
				 void *ctx)
{
	struct archive *a = open_archive(path);
	struct archive_entry *e;
	struct file *files = NULL;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		char *p = xstrdup(normalize(name));
		size_t pl = strlen(p);
		while (pl && p[pl - 1] == '/')
			p[--pl] = 0;
		if (seen)
			seen(p, ctx);
		if (archive_entry_filetype(e) == AE_IFREG && keep(p, ctx)) {
			la_int64_t size = archive_entry_size(e);
			if (size < 0 || (uint64_t)size > MAX_KEPT)
				die_at(cur_file, "%s is %lld bytes, more than a kernel build file can be", p, (long long)size);
			struct file *f = xcalloc(1, sizeof *f);
			f->path = p;
			f->data = xmalloc((size_t)size + 1);
			la_ssize_t n = archive_read_data(a, f->data, (size_t)size);
			if (n != (la_ssize_t)size)
				die_with(EXIT_UNUSABLE, cur_file, "cannot read %s: %s", p,
					 n < 0 ? archive_error_string(a) : "short read");
			f->data[size] = 0;
			f->len = (size_t)size;
			f->next = files;
			files = f;
		} else {
			free(p);
		}
	}
	if (r != ARCHIVE_EOF)
		die_with(EXIT_UNUSABLE, cur_file, "cannot read the archive: %s", archive_error_string(a));
	archive_read_free(a);
	return files;
}

static const struct file *find_file(const struct file *files, const char *path)
{
	for (; files; files = files->next)
		if (!strcmp(files->path, path))
			return files;
	return NULL;
}

static void free_files(struct file *f)
{
	while (f) {
		struct file *n = f->next;
		free(f->path);
		free(f->data);
		free(f);
		f = n;
	}
}

/* The value of `#define NAME "..."` in a generated header, or NULL. */
static char *find_define(const struct file *f, const char *name)
{
	if (!f)
		return NULL;
	size_t n = strlen(name);
	for (const char *line = f->data; line && *line;) {
		const char *eol = strchr(line, '\n');
		const char *p = line + strspn(line, " \t");
		if (!strncmp(p, "#define", 7)) {
			p += 7;
			p += strspn(p, " \t");
			if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == '\t')) {
				p += n;
				p += strspn(p, " \t");
				const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
				if (!end || (eol && end > eol))
					die_at(cur_file, "%s: %s is not a quoted string", f->path, name);
				return xstrndup(p + 1, (size_t)(end - p - 1));
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* uname -r and -v go into a tab-separated listing and a file name. */
static void check_uname(const char *release, const char *version)
{
	if (!is_token(release, "._+~-"))
		die_with(EXIT_UNUSABLE, cur_file, "the kernel release '%s' is not a plain name", printable(release));
	if (version[0] != '#' || !isdigit((unsigned char)version[1]))
		die_with(EXIT_UNUSABLE, cur_file, "the kernel version '%s' does not begin with #<number>",
			 printable(version));
	for (const char *s = version; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			die_with(EXIT_UNUSABLE, cur_file, "the kernel version '%s' holds a control character", printable(version));
}

/* ---- headers: ./usr/src/<tree>/ ---- */

#define MAX_TREES 8

struct headers_ctx {
	char *trees[MAX_TREES];
	size_t ntrees;
	bool more;
};

static void headers_seen(const char *p, void *arg)
{
	struct headers_ctx *c = arg;
	if (strncmp(p, "usr/src/", 8) || !p[8])
		return;
	const char *d = p + 8;
	size_t n = strcspn(d, "/");
	for (size_t k = 0; k < c->ntrees; k++)
		if (strlen(c->trees[k]) == n && !strncmp(c->trees[k], d, n))
			return;
	if (c->ntrees == MAX_TREES) {
		c->more = true;
		return;
	}
	char *t = xstrdup(d);
	t[n] = 0;
	c->trees[c->ntrees++] = t;
}

static bool headers_keep(const char *p, void *arg)
{
	(void)arg;
	if (strncmp(p, "usr/src/", 8))
		return false;
	const char *rest = strchr(p + 8, '/');
	return rest && (!strcmp(rest, "/include/generated/utsrelease.h") || !strcmp(rest, "/include/generated/utsversion.h") ||
			!strcmp(rest, "/include/generated/compile.h") || !strcmp(rest, "/Makefile"));
}

static int do_headers(int argc, char **argv)
{
	if (argc != 1)
		usage();
	cur_file = argv[0];
	struct headers_ctx c = { 0 };
	struct file *files = read_archive(cur_file, headers_keep, headers_seen, &c);
	if (c.ntrees == 0)
		die_with(EXIT_UNUSABLE, cur_file, "no kernel tree under usr/src/");
	if (c.ntrees > 1 || c.more)
		die_with(EXIT_UNUSABLE, cur_file, "%s kernel trees under usr/src/ (%s, %s...): which one is the kernel's?",
			 c.more ? "many" : "several", c.trees[0], c.trees[1]);
	const char *tree = c.trees[0];
	if (!is_object_name(tree))
		die_with(EXIT_UNUSABLE, cur_file, "usr/src/%s: not a plain directory name", printable(tree));
	char path[4096];
	snprintf(path, sizeof path, "usr/src/%s/Makefile", tree);
	if (!find_file(files, path))
		die_with(EXIT_UNUSABLE, cur_file, "usr/src/%s has no Makefile: not a kernel build tree", tree);
	snprintf(path, sizeof path, "usr/src/%s/include/generated/utsrelease.h", tree);
	char *release = find_define(find_file(files, path), "UTS_RELEASE");
	if (!release)
		die_with(EXIT_UNUSABLE, cur_file, "%s: no UTS_RELEASE (not a prepared kernel build tree)", path);
	/* Kernels since 5.19 keep UTS_VERSION in utsversion.h; older ones in compile.h. */
	snprintf(path, sizeof path, "usr/src/%s/include/generated/utsversion.h", tree);
	char *version = find_define(find_file(files, path), "UTS_VERSION");
	if (!version) {
		snprintf(path, sizeof path, "usr/src/%s/include/generated/compile.h", tree);
		version = find_define(find_file(files, path), "UTS_VERSION");
	}
	if (!version)
		die_with(EXIT_UNUSABLE, cur_file,
			 "usr/src/%s/include/generated: neither utsversion.h nor compile.h defines UTS_VERSION", tree);
	check_uname(release, version);
	/* COS names the directory after the release; a mismatch is worth a look, not a refusal:
	 * the loader takes whatever directory it finds. */
	if (strncmp(tree, "linux-headers-", 14) || strcmp(tree + 14, release))
		warn_at(cur_file, "warning: the tree usr/src/%s does not name the release %s", tree, release);
	printf("usr/src/%s\t%s\t%s\n", tree, release, version);
	free(release);
	free(version);
	for (size_t k = 0; k < c.ntrees; k++)
		free(c.trees[k]);
	free_files(files);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* ---- source: a kernel source tree at the top or in one top directory ---- */

struct source_ctx {
	const char *defconfig;
	bool kconfig_top, kconfig_dir; /* a Kconfig at the top / in a top directory */
	char *topdir;		       /* the first top directory holding a Kconfig */
	bool several_dirs;
};

/* The path below a candidate root: "" (the top) when sub is 0, else the first component's. */
static const char *below_root(const char *p, bool sub)
{
	if (!sub)
		return p;
	const char *s = strchr(p, '/');
	return s ? s + 1 : NULL;
}

static bool source_interesting(const char *rel, const char *defconfig)
{
	return !strcmp(rel, "Makefile") || !strcmp(rel, ".config") || !strcmp(rel, ".version") ||
	       !strcmp(rel, defconfig) || (!strncmp(rel, "localversion", 12) && !strchr(rel, '/') && !strchr(rel, '~'));
}

static bool source_keep(const char *p, void *arg)
{
	struct source_ctx *c = arg;
	for (int sub = 0; sub < 2; sub++) {
		const char *rel = below_root(p, sub);
		if (rel && source_interesting(rel, c->defconfig))
			return true;
	}
	return false;
}

static void source_seen(const char *p, void *arg)
{
	struct source_ctx *c = arg;
	if (!strcmp(p, "Kconfig")) {
		c->kconfig_top = true;
		return;
	}
	const char *s = strchr(p, '/');
	if (!s || strcmp(s, "/Kconfig"))
		return;
	if (!c->topdir) {
		c->topdir = xstrdup(p);
		c->topdir[s - p] = 0;
	} else if (strncmp(c->topdir, p, (size_t)(s - p)) || c->topdir[s - p]) {
		c->several_dirs = true;
	}
}

/* `NAME = value` at the start of a Makefile line, the first one, with blanks trimmed. */
static char *makefile_var(const struct file *f, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = f->data; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		if (!strncmp(line, name, n)) {
			const char *p = line + n;
			const char *end = line + len;
			p += strspn(p, " \t");
			if (p < end && *p == '=') {
				p++;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
					end--;
				return xstrndup(p, (size_t)(end - p));
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* CONFIG_LOCALVERSION="..." of a .config or defconfig; "" when it is not set. */
static char *config_localversion(const struct file *f)
{
	const char *key = "CONFIG_LOCALVERSION=\"";
	size_t kl = strlen(key);
	for (const char *line = f->data; line && *line;) {
		const char *eol = strchr(line, '\n');
		if (!strncmp(line, key, kl)) {
			const char *p = line + kl;
			char *v = xmalloc(strlen(p) + 1);
			size_t o = 0;
			for (; *p && *p != '"' && *p != '\n'; p++) {
				if (*p == '\\' && p[1] && p[1] != '\n')
					p++;
				v[o++] = *p;
			}
			if (*p != '"')
				die_with(EXIT_UNUSABLE, cur_file, "%s: CONFIG_LOCALVERSION is not a quoted string", f->path);
			v[o] = 0;
			return v;
		}
		line = eol ? eol + 1 : NULL;
	}
	return xstrdup("");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int do_source(int argc, char **argv)
{
	struct source_ctx c = { .defconfig = "arch/x86/configs/lakitu_defconfig" };
	const char *localversion = "+";
	int i = 0;
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--defconfig"))
			c.defconfig = argv[i + 1];
		else if (!strcmp(argv[i], "--localversion"))
			localversion = argv[i + 1];
		else
			usage();
	}
	if (i + 1 != argc || !*c.defconfig)
		usage();
	cur_file = argv[i];
	struct file *files = read_archive(cur_file, source_keep, source_seen, &c);

	char root[4096] = "";
	if (c.kconfig_top && find_file(files, "Makefile")) {
		root[0] = 0;
	} else if (c.topdir && !c.several_dirs) {
		if (!is_object_name(c.topdir))
			die_with(EXIT_UNUSABLE, cur_file, "%s/: not a plain directory name", printable(c.topdir));
		snprintf(root, sizeof root, "%s/", c.topdir);
	} else {
		die_with(EXIT_UNUSABLE, cur_file,
			 "no kernel source tree (a Makefile and Kconfig) at the top or in one top directory");
	}
	char path[8192];
	snprintf(path, sizeof path, "%sMakefile", root);
	const struct file *mf = find_file(files, path);
	if (!mf)
		die_with(EXIT_UNUSABLE, cur_file, "%s: no such file", path);
	char *version = makefile_var(mf, "VERSION"), *patchlevel = makefile_var(mf, "PATCHLEVEL");
	char *sublevel = makefile_var(mf, "SUBLEVEL"), *extraversion = makefile_var(mf, "EXTRAVERSION");
	if (!version || !*version || !patchlevel)
		die_with(EXIT_UNUSABLE, cur_file, "%s: no VERSION and PATCHLEVEL: not the kernel's top Makefile", path);

	/* The configuration the tree will be prepared with (mk/cos-fixup.sh takes the same). */
	snprintf(path, sizeof path, "%s.config", root);
	const struct file *config = find_file(files, path);
	if (!config) {
		snprintf(path, sizeof path, "%s%s", root, c.defconfig);
		config = find_file(files, path);
	}
	if (!config)
		die_with(EXIT_UNUSABLE, cur_file,
			 "neither %s.config nor %s%s: no configuration to prepare the tree with", root, root,
			 c.defconfig);
	char *config_lv = config_localversion(config);

	/* The localversion* files of the tree's top, in name order (scripts/setlocalversion). */
	const char **lv = NULL;
	size_t nlv = 0;
	for (const struct file *f = files; f; f = f->next) {
		size_t rl = strlen(root);
		if (!strncmp(f->path, root, rl) && !strncmp(f->path + rl, "localversion", 12) && !strchr(f->path + rl, '/')) {
			lv = xrealloc(lv, (nlv + 1) * sizeof *lv);
			lv[nlv++] = f->path;
		}
	}
	if (nlv)
		qsort(lv, nlv, sizeof *lv, cmp_str);

	char release[512];
	size_t o = (size_t)snprintf(release, sizeof release, "%s", version);
	if (*patchlevel) {
		o += (size_t)snprintf(release + o, sizeof release - o, ".%s", patchlevel);
		if (sublevel && *sublevel)
			o += (size_t)snprintf(release + o, sizeof release - o, ".%s", sublevel);
	}
	o += (size_t)snprintf(release + o, sizeof release - o, "%s", extraversion ? extraversion : "");
	for (size_t k = 0; k < nlv && o < sizeof release; k++) {
		const struct file *f = find_file(files, lv[k]);
		size_t n = f->len;
		while (n && f->data[n - 1] == '\n')
			n--; /* $(cat file) drops trailing newlines */
		o += (size_t)snprintf(release + o, sizeof release - o, "%.*s", (int)n, f->data);
	}
	if (o < sizeof release)
		o += (size_t)snprintf(release + o, sizeof release - o, "%s%s", config_lv, localversion);
	if (o >= sizeof release)
		die_with(EXIT_UNUSABLE, cur_file, "the kernel release is too long");

	/* init/build-version: the number after the last build, or 1 in a tree never built. */
	unsigned long build = 1;
	snprintf(path, sizeof path, "%s.version", root);
	const struct file *vf = find_file(files, path);
	if (vf) {
		char *end;
		unsigned long prev = strtoul(vf->data, &end, 10);
		if (end != vf->data && prev < 1000000)
			build = prev + 1;
	}
	char uname_v[32];
	snprintf(uname_v, sizeof uname_v, "#%lu", build);
	check_uname(release, uname_v);
	if (*root)
		root[strlen(root) - 1] = 0;
	printf("%s\t%s\t%s\n", *root ? root : ".", release, uname_v);

	free(lv);
	free(config_lv);
	free(version);
	free(patchlevel);
	free(sublevel);
	free(extraversion);
	free(c.topdir);
	free_files(files);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	if (argc < 2)
		usage();
	LIBXML_TEST_VERSION;
	if (!strcmp(argv[1], "page")) {
		int rc = do_page(argc - 2, argv + 2);
		xmlCleanupParser();
		return rc;
	}
	if (!strcmp(argv[1], "headers"))
		return do_headers(argc - 2, argv + 2);
	if (!strcmp(argv[1], "source"))
		return do_source(argc - 2, argv + 2);
	usage();
	return 2;
}
