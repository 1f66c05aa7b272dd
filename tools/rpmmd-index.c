/* rpmmd-index: read rpm-md repositories (what dnf and yum read) into a kernel listing.
 *
 *   rpmmd-index mirrorlist [--basearch ARCH] [--mirror VAR=URL [--origin URL]] MIRROR_LIST
 *   rpmmd-index repomd [--type primary] REPOMD_XML
 *   rpmmd-index listing [--name NAME]... [--arch ARCH]...
 *                       --repo OS_RELEASE BASE PRIMARY [--repo ...]
 *
 * mirrorlist prints a repository's base URL from a yum mirror list (Amazon Linux's mirror.list):
 * the first mirror, with $basearch filled in and no trailing slash. With --mirror it prints two
 * lines for a first mirror under ORIGIN (default: URL): the URL to fetch from, with ORIGIN
 * replaced by URL, and the base as a listing writes it, $(VAR)/rest, so that listings follow a
 * changed mirror; a mirror list read from a copy of a CDN names the CDN, and the copy is used.
 *
 * repomd prints "<href> <sha256> <size>" (tab-separated) of the repository's primary metadata,
 * so that make can fetch it pinned to its hash; a checksum that is not SHA-256 is refused, since
 * nothing weaker may vouch for the packages we compile into kernels. The size is "-" when the
 * repomd does not give it.
 *
 * listing reads each PRIMARY (plain, .gz, .xz, .zst, .bz2: libarchive's raw format behind every
 * filter, streamed, never whole in memory) with libxml2's xmlTextReader, so a primary of hundreds
 * of megabytes is read in bounded memory, and prints one kernel listing line (mk/kernels.mk) for
 * each kernel headers package: NAME (default kernel-devel; give --name for each, e.g. also
 * kernel-uek-devel) of an architecture ARCH (default x86_64 and aarch64). Its image package is
 * the one of the same version built from the same source: <stem>-core where the kernel is split
 * (Fedora, EL8 and later, UEK7), else <stem>, where <stem> is NAME less "-devel"; "-" if the
 * repositories have neither. BASE is the repository's base URL; it may begin with a make variable
 * such as $(MIRROR_rocky). Package URLs are BASE/href with "." and ".." resolved (Amazon Linux
 * keeps its packages at ../../../../../blobstore/...), never above BASE's host or variable; a
 * location's xml:base replaces BASE, as dnf reads it. Lines are sorted; a kernel found in
 * several repositories is listed once (from the first).
 *
 * Errors name the file and, for XML, the line, and exit 1. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "xmlread.h"

#define NS_REPO "http://linux.duke.edu/metadata/repo"
#define NS_COMMON "http://linux.duke.edu/metadata/common"

static const char *cur_file; /* what error messages name */

static _Noreturn void usage(void)
{
	fputs("usage: rpmmd-index mirrorlist [--basearch ARCH] [--mirror VAR=URL [--origin URL]] MIRROR_LIST\n"
	      "       rpmmd-index repomd [--type primary] REPOMD_XML\n"
	      "       rpmmd-index listing [--name NAME]... [--arch ARCH]...\n"
	      "                           --repo OS_RELEASE BASE PRIMARY [--repo ...]\n",
	      stderr);
	exit(2);
}

/* The root element must be what the file claims to be. */
static void expect_root(struct xmlread *rd, const char *ns, const char *name)
{
	xmlread_root(rd);
	if (!xmlread_is(rd, 0, ns, name))
		die_at(rd->path, "line %d: not %s (root element <%s>)", xmlread_line(rd), rd->what,
		       (const char *)xmlTextReaderConstName(rd->r));
}

/* ---- checks on the values a listing line carries ---- */

static bool valid_size(const char *s)
{
	return *s && strlen(s) < 20 && strspn(s, "0123456789") == strlen(s);
}

/* Characters a listing, make and a URL all take as they are. A '%' escape or a space would need
 * quoting in one of them; no distribution names its kernel packages so. */
static bool url_chars_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/@") == strlen(s);
}

static bool name_chars_ok(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+^") == strlen(s);
}

/* Splits a base into the part "." and ".." may not climb above (scheme and host, or a leading
 * make variable) and the path below it. Returns the length of that root part, or -1. */
static long base_root_len(const char *base)
{
	if (base[0] == '$' && base[1] == '(') {
		const char *close = strchr(base, ')');
		if (!close || close == base + 2)
			return -1;
		for (const char *p = base + 2; p < close; p++)
			if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", *p))
				return -1;
		return close + 1 - base;
	}
	const char *sep = strstr(base, "://");
	if (!sep || sep == base)
		return -1;
	for (const char *p = base; p < sep; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789+.-", *p))
			return -1;
	const char *host = sep + 3;
	const char *slash = strchr(host, '/');
	return slash ? slash - base : (long)strlen(base);
}

/* BASE/href with dot segments resolved (RFC 3986 5.2.4), or NULL with the reason in *why when
 * href climbs above the base's root or either holds something a listing cannot carry. */
static char *join_url(const char *base, const char *href, const char **why)
{
	long root = base_root_len(base);
	*why = "holds characters a listing cannot carry";
	if (root < 0) {
		*why = "has a base that is neither a URL nor a $(VARIABLE)";
		return NULL;
	}
	if (href[0] == '/' || strstr(href, "://")) {
		*why = "is not relative";
		return NULL;
	}
	if (!url_chars_ok(href))
		return NULL;
	/* Scheme and host may hold ':' (a port, and "://"); a $(VARIABLE) was checked above. */
	if (base[0] != '$')
		for (const char *p = base; p < base + root; p++)
			if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/:@[]", *p))
				return NULL;
	if (!url_chars_ok(base + root))
		return NULL;

	size_t cap = strlen(base) + strlen(href) + 3;
	char *path = xmalloc(cap);
	snprintf(path, cap, "%s/%s", base + root, href);
	/* Segments, resolved onto a stack. The path starts with '/' (or is empty after root). */
	char *out = xmalloc(cap + (size_t)root + 1);
	memcpy(out, base, (size_t)root);
	size_t o = (size_t)root;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (o == (size_t)root) {
				free(path);
				free(out);
				*why = "climbs above the mirror's root";
				return NULL;
			}
			while (o > (size_t)root && out[o - 1] != '/')
				o--;
			o--; /* the '/' before the dropped segment */
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = 0;
	free(path);
	if (o == (size_t)root) {
		free(out);
		*why = "names no file";
		return NULL;
	}
	return out;
}

/* ---- mirrorlist ---- */

static int cmd_mirrorlist(int argc, char **argv)
{
	const char *basearch = NULL, *mirror = NULL, *origin = NULL;
	int i = 0;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--basearch") && i + 1 < argc)
			basearch = argv[++i];
		else if (!strcmp(argv[i], "--mirror") && i + 1 < argc)
			mirror = argv[++i];
		else if (!strcmp(argv[i], "--origin") && i + 1 < argc)
			origin = argv[++i];
		else
			usage();
	}
	if (argc - i != 1)
		usage();
	cur_file = argv[i];
	FILE *f = fopen(cur_file, "r");
	if (!f)
		die_at(cur_file, "%s", strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	ssize_t len;
	char *url = NULL;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, 0, (size_t)len))
			die_at(cur_file, "line %ld: a NUL byte: not a mirror list", lineno);
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		s[strcspn(s, "\r\n")] = 0;
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = 0;
		if (!*s || *s == '#')
			continue;
		/* $basearch and ${basearch}, as yum substitutes them. */
		char buf[4096];
		size_t o = 0;
		for (const char *p = s; *p;) {
			size_t skip = !strncmp(p, "$basearch", 9) ? 9 : !strncmp(p, "${basearch}", 11) ? 11 : 0;
			const char *put = p;
			size_t putn = 1;
			if (skip) {
				if (!basearch)
					die_at(cur_file, "line %ld: the mirror names $basearch: give --basearch", lineno);
				put = basearch;
				putn = strlen(basearch);
			} else {
				skip = 1;
			}
			if (o + putn >= sizeof buf)
				die_at(cur_file, "line %ld: too long", lineno);
			memcpy(buf + o, put, putn);
			o += putn;
			p += skip;
		}
		buf[o] = 0;
		while (o > 0 && buf[o - 1] == '/')
			buf[--o] = 0;
		if (strchr(buf, '$'))
			die_at(cur_file, "line %ld: '%s' holds a variable other than $basearch", lineno, buf);
		if (strncmp(buf, "http://", 7) && strncmp(buf, "https://", 8) && strncmp(buf, "file://", 7))
			die_at(cur_file, "line %ld: '%s' is not an http, https or file URL", lineno, buf);
		long root = base_root_len(buf);
		if (root < 0 || !url_chars_ok(buf + root))
			die_at(cur_file, "line %ld: '%s' holds characters a listing cannot carry", lineno, buf);
		url = xstrdup(buf);
		break;
	}
	if (ferror(f))
		die_at(cur_file, "%s", strerror(errno));
	fclose(f);
	free(line);
	if (!url)
		die_at(cur_file, "no mirror in it");
	if (mirror) {
		const char *eq = strchr(mirror, '=');
		if (!eq || eq == mirror)
			die_at(cur_file, "--mirror needs VAR=URL, got '%s'", mirror);
		int vn = (int)(eq - mirror);
		const char *m = eq + 1;
		int mn = (int)strlen(m);
		while (mn && m[mn - 1] == '/')
			mn--;
		const char *o = origin ? origin : m;
		size_t on = origin ? strlen(origin) : (size_t)mn;
		while (on && o[on - 1] == '/')
			on--;
		if (on && !strncmp(url, o, on) && (url[on] == '/' || url[on] == 0))
			printf("%.*s%s\n$(%.*s)%s\n", mn, m, url + on, vn, mirror, url + on);
		else
			printf("%s\n%s\n", url, url);
		free(url);
		return 0;
	}
	printf("%s\n", url);
	free(url);
	return 0;
}

/* ---- repomd ---- */

static int cmd_repomd(int argc, char **argv)
{
	const char *type = "primary";
	int i = 0;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else
			usage();
	}
	if (argc - i != 1)
		usage();
	cur_file = argv[i];
	struct xmlread rd;
	xmlread_open(&rd, cur_file, "an rpm-md repomd.xml");
	expect_root(&rd, NS_REPO, "repomd");

	char *href = NULL, *sha = NULL, *ctype = NULL, *size = NULL;
	int line = 0, found = 0;
	bool in = false;
	while (xmlread_step(&rd, false)) {
		int t = xmlTextReaderNodeType(rd.r);
		if (xmlread_is(&rd, 1, NS_REPO, "data")) {
			char *dt = xmlread_attr(&rd, "type");
			in = dt && !strcmp(dt, type);
			if (in) {
				found++;
				line = xmlread_line(&rd);
				if (found > 1)
					die_at(cur_file, "line %d: a second <data type=\"%s\">", line, type);
			}
			free(dt);
			if (in && xmlTextReaderIsEmptyElement(rd.r))
				in = false;
			continue;
		}
		if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(rd.r) == 1) {
			in = false;
			continue;
		}
		if (!in)
			continue;
		if (xmlread_is(&rd, 2, NS_REPO, "location")) {
			free(href);
			href = xmlread_attr(&rd, "href");
			char *xb = xmlread_attr(&rd, "xml:base");
			if (xb)
				die_at(cur_file, "line %d: the %s metadata lives under another base (%s), which is not supported",
				    xmlread_line(&rd), type, xb);
		} else if (xmlread_is(&rd, 2, NS_REPO, "checksum")) {
			free(ctype);
			free(sha);
			ctype = xmlread_attr(&rd, "type");
			sha = xmlread_text(&rd, true);
		} else if (xmlread_is(&rd, 2, NS_REPO, "size")) {
			free(size);
			size = xmlread_text(&rd, true);
		}
	}
	xmlread_close(&rd);
	if (!found)
		die_at(cur_file, "no <data type=\"%s\">", type);
	if (!href || !*href)
		die_at(cur_file, "line %d: the %s data has no location", line, type);
	if (!sha || !ctype)
		die_at(cur_file, "line %d: the %s data has no checksum", line, type);
	if (strcmp(ctype, "sha256"))
		die_at(cur_file, "line %d: the %s data's checksum is %s, not sha256: refusing to trust it", line,
		       type, ctype);
	for (char *p = sha; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (!is_sha256_hex(sha))
		die_at(cur_file, "line %d: the %s data's sha256 '%s' is not 64 hex digits", line, type, sha);
	/* The metadata lives in the repository: a relative path that stays inside it. */
	const char *why;
	char *probe = join_url("http://h/r", href, &why);
	bool inside = probe && !strncmp(probe, "http://h/r/", 11);
	/* Freed before a refusal too: a sanitizer build reports what exit leaves, and fails on it. */
	free(probe);
	if (!inside)
		die_at(cur_file, "line %d: the %s location '%s' is not a path inside the repository", line, type, href);
	if (size && *size && !valid_size(size))
		die_at(cur_file, "line %d: the %s size '%s' is not a byte count", line, type, size);
	printf("%s\t%s\t%s\n", href, sha, size && *size ? size : "-");
	free(href), free(sha), free(ctype), free(size);
	return 0;
}

/* ---- listing ---- */

struct pkg {
	char *name, *arch, *epoch, *ver, *rel;
	char *url, *sha256, *size;
	size_t repo;
};

struct repo {
	const char *os_release, *base, *primary;
};

static struct pkg *pkgs;
static size_t npkgs;

static const char **names, **arches, **image_names;
static size_t nnames, narches, nimage_names;

static bool in_list(const char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

struct cur {
	char *name, *arch, *epoch, *ver, *rel, *ctype, *sha, *size, *href, *xmlbase;
	int line;
};

static void cur_free(struct cur *c)
{
	free(c->name), free(c->arch), free(c->epoch), free(c->ver), free(c->rel);
	free(c->ctype), free(c->sha), free(c->size), free(c->href), free(c->xmlbase);
	memset(c, 0, sizeof *c);
}

static void keep_package(struct cur *c, const struct repo *r, size_t ri)
{
	bool devel = in_list(names, nnames, c->name);
	if (!devel && !in_list(image_names, nimage_names, c->name))
		return;
	if (!c->arch || !in_list(arches, narches, c->arch))
		return;
	const char *what = c->name;
	if (!c->ver || !c->rel || !*c->ver || !*c->rel)
		die_at(cur_file, "line %d: package %s has no version", c->line, what);
	char nvra[512];
	snprintf(nvra, sizeof nvra, "%s-%s-%s.%s", c->name, c->ver, c->rel, c->arch);
	if (!name_chars_ok(c->ver) || !name_chars_ok(c->rel) || !name_chars_ok(c->arch))
		die_at(cur_file, "line %d: package %s: its version holds characters a kernel release cannot",
		       c->line, nvra);
	if (!c->ctype || !c->sha)
		die_at(cur_file, "line %d: package %s has no checksum", c->line, nvra);
	if (strcmp(c->ctype, "sha256"))
		die_at(cur_file, "line %d: package %s has a %s checksum, not sha256: refusing to trust it", c->line, nvra,
		    c->ctype);
	for (char *p = c->sha; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (!is_sha256_hex(c->sha))
		die_at(cur_file, "line %d: package %s: sha256 '%s' is not 64 hex digits", c->line, nvra, c->sha);
	if (!c->size || !valid_size(c->size))
		die_at(cur_file, "line %d: package %s has no package size", c->line, nvra);
	if (!c->href || !*c->href)
		die_at(cur_file, "line %d: package %s has no location", c->line, nvra);
	const char *why;
	char *url = join_url(c->xmlbase ? c->xmlbase : r->base, c->href, &why);
	if (!url)
		die_at(cur_file, "line %d: package %s: location '%s' under '%s' %s", c->line, nvra, c->href,
		    c->xmlbase ? c->xmlbase : r->base, why);
	pkgs = xrealloc(pkgs, (npkgs + 1) * sizeof *pkgs);
	pkgs[npkgs++] = (struct pkg){
		.name = xstrdup(c->name), .arch = xstrdup(c->arch), .epoch = xstrdup(c->epoch ? c->epoch : "0"),
		.ver = xstrdup(c->ver), .rel = xstrdup(c->rel), .url = url, .sha256 = xstrdup(c->sha),
		.size = xstrdup(c->size), .repo = ri,
	};
}

static void read_primary(const struct repo *r, size_t ri)
{
	cur_file = r->primary;
	if (base_root_len(r->base) < 0)
		die_at(cur_file, "base '%s' is neither a URL nor a $(VARIABLE)", r->base);
	struct xmlread rd;
	xmlread_open(&rd, r->primary, "an rpm-md primary file");
	expect_root(&rd, NS_COMMON, "metadata");
	char *declared = xmlread_attr(&rd, "packages");
	unsigned long seen = 0;
	struct cur c = { 0 };
	bool in = false;
	bool skip = false;
	while (xmlread_step(&rd, skip)) {
		skip = false;
		int t = xmlTextReaderNodeType(rd.r), depth = xmlTextReaderDepth(rd.r);
		if (depth == 1 && t == XML_READER_TYPE_ELEMENT) {
			if (!xmlread_is(&rd, 1, NS_COMMON, "package"))
				die_at(cur_file, "line %d: unexpected <%s> in the package list", xmlread_line(&rd),
				    (const char *)xmlTextReaderConstName(rd.r));
			cur_free(&c);
			c.line = xmlread_line(&rd);
			seen++;
			in = !xmlTextReaderIsEmptyElement(rd.r);
			if (!in)
				die_at(cur_file, "line %d: an empty <package>", c.line);
			continue;
		}
		if (depth == 1 && t == XML_READER_TYPE_END_ELEMENT) {
			if (in && c.name)
				keep_package(&c, r, ri);
			in = false;
			continue;
		}
		if (!in || depth != 2 || t != XML_READER_TYPE_ELEMENT)
			continue;
		const char *uri = (const char *)xmlTextReaderConstNamespaceUri(rd.r);
		const char *local = (const char *)xmlTextReaderConstLocalName(rd.r);
		if (!uri || strcmp(uri, NS_COMMON) || !local)
			continue;
		if (!strcmp(local, "name")) {
			free(c.name);
			c.name = xmlread_text(&rd, true);
		} else if (!strcmp(local, "arch")) {
			free(c.arch);
			c.arch = xmlread_text(&rd, true);
		} else if (!strcmp(local, "version")) {
			free(c.epoch), free(c.ver), free(c.rel);
			c.epoch = xmlread_attr(&rd, "epoch");
			c.ver = xmlread_attr(&rd, "ver");
			c.rel = xmlread_attr(&rd, "rel");
		} else if (!strcmp(local, "checksum")) {
			free(c.ctype), free(c.sha);
			c.ctype = xmlread_attr(&rd, "type");
			c.sha = xmlread_text(&rd, true);
		} else if (!strcmp(local, "size")) {
			free(c.size);
			c.size = xmlread_attr(&rd, "package");
		} else if (!strcmp(local, "location")) {
			free(c.href), free(c.xmlbase);
			c.href = xmlread_attr(&rd, "href");
			c.xmlbase = xmlread_attr(&rd, "xml:base");
		} else if (!strcmp(local, "format") || !strcmp(local, "description") ||
			   !strcmp(local, "summary")) {
			skip = true; /* the bulk of the file; nothing in it is needed */
		}
	}
	if (in)
		die_at(cur_file, "line %d: the package list ends inside a <package>", xmlread_line(&rd));
	xmlread_close(&rd);
	cur_free(&c);
	if (declared) {
		char *end;
		unsigned long n = strtoul(declared, &end, 10);
		if (*end || !*declared)
			die_at(cur_file, "packages=\"%s\" is not a count", declared);
		if (n != seen)
			die_at(cur_file, "it declares %lu packages but holds %lu: truncated or corrupt", n, seen);
		free(declared);
	}
	cur_file = NULL;
}

static int cmp_pkg_names(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->arch, y->arch);
	if (!c)
		c = strcmp(x->ver, y->ver);
	if (!c)
		c = strcmp(x->rel, y->rel);
	if (!c)
		c = (x->repo > y->repo) - (x->repo < y->repo);
	return c;
}

static bool same_nvra(const struct pkg *x, const struct pkg *y)
{
	return !strcmp(x->name, y->name) && !strcmp(x->arch, y->arch) && !strcmp(x->ver, y->ver) &&
	       !strcmp(x->rel, y->rel);
}

static const struct pkg *find_pkg(const char *name, const struct pkg *like)
{
	struct pkg key = { .name = (char *)name, .arch = like->arch, .ver = like->ver, .rel = like->rel, .repo = 0 };
	/* The first of that name-version-release-arch, whatever its repository. */
	size_t lo = 0, hi = npkgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_pkg_names(&pkgs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < npkgs && same_nvra(&pkgs[lo], &key))
		return &pkgs[lo];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_listing(int argc, char **argv)
{
	struct repo *repos = NULL;
	size_t nrepos = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			names = xrealloc(names, (nnames + 1) * sizeof *names);
			names[nnames++] = argv[++i];
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			arches = xrealloc(arches, (narches + 1) * sizeof *arches);
			arches[narches++] = argv[++i];
		} else if (!strcmp(argv[i], "--repo") && i + 3 < argc) {
			repos = xrealloc(repos, (nrepos + 1) * sizeof *repos);
			repos[nrepos++] = (struct repo){ argv[i + 1], argv[i + 2], argv[i + 3] };
			i += 3;
		} else {
			usage();
		}
	}
	if (!nrepos)
		usage();
	static const char *default_names[] = { "kernel-devel" };
	static const char *default_arches[] = { "x86_64", "aarch64" };
	if (!nnames)
		names = xrealloc(names, sizeof default_names), memcpy(names, default_names, sizeof default_names),
		nnames = 1;
	if (!narches)
		arches = xrealloc(arches, sizeof default_arches),
		memcpy(arches, default_arches, sizeof default_arches), narches = 2;
	char **stems = xmalloc(nnames * sizeof *stems);
	for (size_t i = 0; i < nnames; i++) {
		size_t n = strlen(names[i]);
		if (!name_chars_ok(names[i]) || n <= 6 || strcmp(names[i] + n - 6, "-devel")) {
			warn("--name %s: a headers package name ends in -devel", names[i]);
			return 2;
		}
		stems[i] = xstrdup(names[i]);
		stems[i][n - 6] = 0;
		image_names = xrealloc(image_names, (nimage_names + 2) * sizeof *image_names);
		image_names[nimage_names++] = xasprintf("%s-core", stems[i]);
		image_names[nimage_names++] = stems[i];
	}

	for (size_t i = 0; i < nrepos; i++)
		read_primary(&repos[i], i);
	if (npkgs)
		qsort(pkgs, npkgs, sizeof *pkgs, cmp_pkg_names);

	char **lines = NULL;
	size_t nlines = 0;
	for (size_t i = 0; i < npkgs; i++) {
		const struct pkg *p = &pkgs[i];
		size_t k = 0;
		while (k < nnames && strcmp(names[k], p->name))
			k++;
		if (k == nnames)
			continue;
		if (i > 0 && same_nvra(p, &pkgs[i - 1])) {
			/* The same kernel in a second repository (AL2's core/2.0 and core/latest). */
			if (strcmp(p->sha256, pkgs[i - 1].sha256))
				warn_at(repos[p->repo].primary, "%s-%s-%s.%s differs from the one in %s; keeping that one",
					p->name, p->ver, p->rel, p->arch, repos[pkgs[i - 1].repo].primary);
			continue;
		}
		char stem_core[300];
		snprintf(stem_core, sizeof stem_core, "%s-core", stems[k]);
		const struct pkg *img = find_pkg(stem_core, p);
		if (!img)
			img = find_pkg(stems[k], p);
		/* rpm kernels are built once per release: uname -v is "#1 SMP ..." (checked later
		 * against UTS_VERSION where the headers have it), except Oracle's Unbreakable
		 * Enterprise Kernels, whose build prints "#2 SMP" (as their hosts show, and as
		 * kernel-crawler and the drivers Falco publishes for UEK name them). */
		bool uek = !strncmp(p->name, "kernel-uek", 10);
		char *line = xasprintf("%s\t%s\t%s-%s.%s\t#%d SMP\tusr/src/kernels/%s-%s.%s\t%s|%s|%s\t",
				       repos[p->repo].os_release, p->arch, p->ver, p->rel, p->arch, uek ? 2 : 1, p->ver,
				       p->rel, p->arch, p->url, p->sha256, p->size);
		char *full = img ? xasprintf("%s%s|%s|%s\n", line, img->url, img->sha256, img->size)
				 : xasprintf("%s-\n", line);
		free(line);
		lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
		lines[nlines++] = full;
	}
	if (nlines)
		qsort(lines, nlines, sizeof *lines, cmp_str);
	for (size_t i = 0; i < nlines; i++)
		if (i == 0 || strcmp(lines[i], lines[i - 1]))
			fputs(lines[i], stdout);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_at(cur_file, "writing the listing failed");
	for (size_t i = 0; i < npkgs; i++) {
		free(pkgs[i].name), free(pkgs[i].arch), free(pkgs[i].epoch), free(pkgs[i].ver);
		free(pkgs[i].rel), free(pkgs[i].url), free(pkgs[i].sha256), free(pkgs[i].size);
	}
	free(pkgs);
	for (size_t i = 0; i < nimage_names; i += 2)
		free((char *)image_names[i]);
	for (size_t i = 0; i < nnames; i++)
		free(stems[i]);
	free(stems);
	free(image_names);
	free(names);
	free(arches);
	free(repos);
	return 0;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	LIBXML_TEST_VERSION
	if (argc < 2)
		usage();
	int rc;
	if (!strcmp(argv[1], "mirrorlist"))
		rc = cmd_mirrorlist(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "repomd"))
		rc = cmd_repomd(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "listing"))
		rc = cmd_listing(argc - 2, argv + 2);
	else
		usage();
	xmlCleanupParser();
	return rc;
}
