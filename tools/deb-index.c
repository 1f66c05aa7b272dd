/* deb-index: list the kernels of apt repositories, with the packages that hold their headers.
 *
 *   deb-index --style debian|ubuntu --uname-m ARCH [--flavour F]...
 *             --index OS_RELEASE BASE_URL PACKAGES_FILE [--index ...]
 *             [--host-index OS_RELEASE BASE_URL PACKAGES_FILE]...
 *   deb-index --package NAME --index OS_RELEASE BASE_URL PACKAGES_FILE [--index ...]
 *
 * The second form prints `<url> <sha256> <size> <version>` of the newest NAME instead (the
 * driver source is fetched that way from Debian's signed archive).
 *
 * Each PACKAGES_FILE is a `Packages` index (plain, .gz or .xz: libarchive decompresses it) whose
 * Filename fields are relative to BASE_URL; OS_RELEASE names the os-release file of a host of
 * that suite. Every `linux-headers-<abi>-<flavour>` package is a kernel (all flavours, or those
 * given with --flavour); its header packages are found by following its Depends to the
 * `linux-headers-*`, `linux-*-headers-*` and `linux-kbuild-*` packages that satisfy them, in the
 * same set of indexes, recursively. A kernel whose header dependencies cannot all be resolved is
 * left out with a warning naming it, since a probe built from half its headers would not build.
 *
 * --host-index names the indexes of the build host's architecture, for kernels of another one
 * (arm64 kernels built on amd64): a dependency that the kernel's own index marks Multi-Arch:
 * foreign (Debian's linux-kbuild-*, whose fixdep and modpost must run on the build host) is
 * taken from them, as apt does for a cross-build, never the kernel architecture's package.
 *
 * Output: the kernel listing (one kernel per line, tab-separated, see mk/kernels.mk). */
#include <archive.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debversion.h"
#include "common.h"

struct index {
	const char *os_release, *base, *path;
	bool host; /* of the build host's architecture (--host-index) */
};

struct pkg {
	char *name, *version, *filename, *sha256, *depends, *size, *multi_arch;
	const struct index *idx;
};

static struct pkg *pkgs;
static size_t npkgs, cap;
static const char *wanted_package;
/* Ubuntu style: an unversioned header dependency is first matched at the depender's version. */
static bool same_upload;

/* Only kernel packages matter; keeping nothing else makes a 60,000-package index cheap. */
static bool interesting(const char *name)
{
	if (wanted_package)
		return strcmp(name, wanted_package) == 0;
	return strncmp(name, "linux-headers-", 14) == 0 || strncmp(name, "linux-kbuild-", 13) == 0 ||
	       strncmp(name, "linux-image-", 12) == 0 ||
	       (strncmp(name, "linux-", 6) == 0 && strstr(name, "-headers-"));
}

static void add_pkg(struct pkg *p, const char *file, long line)
{
	if (!p->name)
		return;
	if (!interesting(p->name)) {
		free(p->name);
		memset(p, 0, sizeof *p);
		return;
	}
	if (!p->version || !p->filename || !p->sha256 || !p->size)
		die_line(file, line, "package %s lacks Version, Filename, Size or SHA256", p->name);
	if (!is_sha256_hex(p->sha256))
		die_line(file, line, "package %s has a malformed SHA256", p->name);
	if (npkgs == cap) {
		cap = cap ? cap * 2 : 1024;
		pkgs = xrealloc(pkgs, cap * sizeof *pkgs);
	}
	pkgs[npkgs++] = *p;
	memset(p, 0, sizeof *p);
}

static void set_field(char **slot, const char *value, const char *file, long line)
{
	if (*slot)
		die_line(file, line, "field given twice in one stanza");
	*slot = xstrdup(value);
}

static void read_index(const struct index *idx)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	/* A pocket with no packages yet (noble-updates on release day) has an empty index. */
	archive_read_support_format_empty(a);
	struct archive_entry *e;
	int r = ARCHIVE_FATAL;
	if (archive_read_open_filename(a, idx->path, 1 << 16) != ARCHIVE_OK ||
	    ((r = archive_read_next_header(a, &e)) != ARCHIVE_OK && r != ARCHIVE_EOF))
		die_at(idx->path, "%s", archive_error_string(a));
	if (r == ARCHIVE_EOF) {
		archive_read_free(a);
		return;
	}

	struct pkg cur = { 0 };
	cur.idx = idx;
	long lineno = 0;
	char buf[1 << 16];
	la_ssize_t n;
	bool eof = false;
	size_t start = 0, fill = 0;
	char *data = NULL;
	size_t datacap = 0;
	/* Read the decompressed stream in blocks and split it into lines ourselves. */
	while (!eof) {
		n = archive_read_data(a, buf, sizeof buf);
		if (n < 0)
			die_at(idx->path, "%s", archive_error_string(a));
		if (n == 0)
			eof = true;
		if (fill + (size_t)n + 1 > datacap) {
			datacap = (fill + (size_t)n + 1) * 2;
			data = xrealloc(data, datacap);
		}
		memcpy(data + fill, buf, (size_t)n);
		fill += (size_t)n;
		start = 0;
		for (;;) {
			char *nl = memchr(data + start, '\n', fill - start);
			if (!nl) {
				if (!eof || start == fill)
					break;
				nl = data + fill; /* a last line without a newline */
			}
			*nl = 0;
			char *l = data + start;
			start = (size_t)(nl - data) + 1;
			lineno++;
			if (l[0] == 0) {
				add_pkg(&cur, idx->path, lineno);
				cur.idx = idx;
			} else if (l[0] != ' ' && l[0] != '\t') {
				char *colon = strchr(l, ':');
				if (!colon)
					die_line(idx->path, lineno, "not a 'Field: value' line");
				*colon = 0;
				char *v = colon + 1;
				while (*v == ' ' || *v == '\t')
					v++;
				if (strcmp(l, "Package") == 0)
					set_field(&cur.name, v, idx->path, lineno);
				else if (!cur.name || !interesting(cur.name))
					; /* skip the fields of packages we do not keep */
				else if (strcmp(l, "Version") == 0)
					set_field(&cur.version, v, idx->path, lineno);
				else if (strcmp(l, "Filename") == 0)
					set_field(&cur.filename, v, idx->path, lineno);
				else if (strcmp(l, "SHA256") == 0)
					set_field(&cur.sha256, v, idx->path, lineno);
				else if (strcmp(l, "Size") == 0)
					set_field(&cur.size, v, idx->path, lineno);
				else if (strcmp(l, "Depends") == 0)
					set_field(&cur.depends, v, idx->path, lineno);
				else if (strcmp(l, "Multi-Arch") == 0)
					set_field(&cur.multi_arch, v, idx->path, lineno);
			}
			if (start > fill)
				break;
		}
		if (start >= fill) {
			fill = 0;
		} else {
			memmove(data, data + start, fill - start);
			fill -= start;
		}
	}
	add_pkg(&cur, idx->path, lineno);
	free(data);
	archive_read_free(a);
}

/* Packages are sorted by name, newest version first, so that lookups are binary searches and
 * one package carried by several suites sits in one run. */
static int cmp_pkgs(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = debversion_compare(y->version, x->version);
	/* One file in two pockets (Ubuntu's -updates and -security): the first index given wins,
	 * whatever the sort algorithm does with ties. */
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static bool have_host_indexes;

/* The best candidate for "name (op version)" of the kernel's architecture (host: of the build
 * host's): the highest version that satisfies it. */
static const struct pkg *resolve_in(bool host, const char *name, const char *op, const char *version)
{
	size_t lo = 0, hi = npkgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(pkgs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < npkgs && strcmp(pkgs[i].name, name) == 0; i++)
		if (pkgs[i].idx->host == host && (!op || debversion_satisfies(pkgs[i].version, op, version)))
			return &pkgs[i];
	return NULL;
}

static const struct pkg *resolve(const char *name, const char *op, const char *version)
{
	return resolve_in(false, name, op, version);
}

static bool header_dependency(const char *name)
{
	return strncmp(name, "linux-headers-", 14) == 0 || strncmp(name, "linux-kbuild-", 13) == 0 ||
	       (strncmp(name, "linux-", 6) == 0 && strstr(name, "-headers-"));
}

struct set {
	const struct pkg **items;
	size_t n, cap;
};

static bool set_has(const struct set *s, const struct pkg *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i] == p || strcmp(s->items[i]->sha256, p->sha256) == 0)
			return true;
	return false;
}

static void set_add(struct set *s, const struct pkg *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->items = xrealloc(s->items, s->cap * sizeof *s->items);
	}
	s->items[s->n++] = p;
}

static bool closure(const struct pkg *p, struct set *out, char *why, size_t whylen);

/* One clause of p's Depends ("a (>= 1) | b"): its first alternative that is a header package
 * and resolves, with what that one depends on. Returns false, with why, when none does. */
static bool clause_closure(const struct pkg *p, char *clause, struct set *out, char *why, size_t whylen)
{
	bool wanted = false;
	char first[256] = "";
	char *save = NULL;
	for (char *alt = strtok_r(clause, "|", &save); alt; alt = strtok_r(NULL, "|", &save)) {
		char name[256], op[3] = "", ver[256] = "";
		while (isspace((unsigned char)*alt))
			alt++;
		int k = sscanf(alt, "%255[^ (:] %*[^(]", name);
		if (k < 1)
			continue;
		char *paren = strchr(alt, '(');
		if (paren && sscanf(paren, "(%2[<>=] %255[^) ])", op, ver) != 2)
			op[0] = 0;
		if (!header_dependency(name))
			continue;
		wanted = true;
		if (!first[0])
			snprintf(first, sizeof first, "%s", alt);
		const struct pkg *d = NULL;
		/* Ubuntu's flavour headers name their shared half without a version, and one
		 * ABI can be published at two versions (a respin in -updates beside the first
		 * build in -security); the half of the same upload has the same version. */
		if (same_upload && !op[0])
			d = resolve(name, "=", p->version);
		if (!d)
			d = resolve(name, op[0] ? op : NULL, ver);
		/* What runs on the build host comes from its architecture, as apt takes it. */
		if (d && have_host_indexes && d->multi_arch && !strcmp(d->multi_arch, "foreign")) {
			const struct pkg *h = resolve_in(true, name, op[0] ? op : NULL, ver);
			if (!h) {
				snprintf(why, whylen, "%s %s needs %s of the build host's architecture (Multi-Arch: foreign), which no host index has",
					 p->name, p->version, alt);
				return false;
			}
			d = h;
		}
		if (d)
			return closure(d, out, why, whylen);
	}
	if (wanted)
		snprintf(why, whylen, "%s %s needs %s, which no index has", p->name, p->version, first);
	return !wanted;
}

/* Adds p and the header packages it depends on. Returns false, with why, when one is missing. */
static bool closure(const struct pkg *p, struct set *out, char *why, size_t whylen)
{
	if (set_has(out, p))
		return true;
	set_add(out, p);
	/* The clauses are walked in place rather than cut out with strtok(), whose one saved
	 * position the recursion would move into another package's string. */
	for (const char *c = p->depends; c && *c;) {
		size_t n = strcspn(c, ",");
		char *clause = xstrndup(c, n);
		bool ok = clause_closure(p, clause, out, why, whylen);
		free(clause);
		if (!ok)
			return false;
		c += n + (c[n] == ',');
	}
	return true;
}

static char *image_for(const char *abi_flavour)
{
	char name[512];
	const char *forms[] = { "linux-image-%s", "linux-image-%s-unsigned", "linux-image-unsigned-%s" };
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		snprintf(name, sizeof name, forms[i], abi_flavour);
		const struct pkg *p = resolve(name, NULL, NULL);
		if (p) {
			return xasprintf("%s/%s|%s|%s", p->idx->base, p->filename, p->sha256, p->size);
		}
	}
	return xstrdup("-");
}

/* Whether the first n bytes of s can be a kernel ABI: x.y.z, then a suffix in which every '-'
 * starts a number ("6.1.0-50", "6.12.107+deb13", "6.1.0-0.deb11.48", "5.15.0-1009"), so that
 * "6.1.0-50-cloud" is not one and "cloud-amd64" is not taken for "amd64". */
static bool abi_like(const char *s, size_t n)
{
	size_t i = 0;
	int dots = 0;
	while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
		dots += s[i++] == '.';
	if (dots < 2)
		return false;
	for (; i < n; i++)
		if (s[i] == '-' && (i + 1 >= n || !isdigit((unsigned char)s[i + 1])))
			return false;
	return true;
}

/* Splits a kernel release into its ABI and flavour. With configured flavours the longest one
 * that ends the release after an ABI wins ("6.12.107+deb13-cloud-amd64" -> "6.12.107+deb13",
 * "cloud-amd64"); without, the flavour starts at the first '-' not followed by a digit
 * ("6.1.0-50-amd64" -> "6.1.0-50", "amd64"; "6.12.107+deb13-amd64" -> "6.12.107+deb13";
 * Ubuntu: "5.15.0-1009-aws" -> "5.15.0-1009", "aws"). */
static bool split_release(const char *release, const char **flavours, size_t nflavours, char *abi,
			  size_t abilen, const char **flavour)
{
	size_t rlen = strlen(release), best = 0;
	for (size_t f = 0; f < nflavours; f++) {
		size_t flen = strlen(flavours[f]);
		if (flen + 2 <= rlen && flen > best && release[rlen - flen - 1] == '-' &&
		    strcmp(release + rlen - flen, flavours[f]) == 0 && abi_like(release, rlen - flen - 1))
			best = flen;
	}
	/* A kernel's ABI starts with x.y.z; "6.1-amd64" is a metapackage that follows the newest. */
	const char *q = release;
	int leading_dots = 0;
	while (isdigit((unsigned char)*q) || *q == '.')
		leading_dots += *q++ == '.';
	if (leading_dots < 2)
		return false;
	const char *p;
	if (nflavours) {
		if (!best)
			return false;
		p = release + rlen - best - 1;
	} else {
		/* The flavour starts at the first '-' that does not start a number. */
		p = release;
		while ((p = strchr(p, '-')) && isdigit((unsigned char)p[1]))
			p++;
		if (!p || !p[1] || !abi_like(release, (size_t)(p - release)))
			return false;
	}
	if ((size_t)(p - release) >= abilen)
		return false;
	memcpy(abi, release, (size_t)(p - release));
	abi[p - release] = 0;
	*flavour = p + 1;
	return true;
}

struct line {
	char *text, *release, *version;
};

static int cmp_lines(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->release, y->release);
	if (c)
		return c;
	c = debversion_compare(y->version, x->version); /* newest first */
	return c ? c : strcmp(x->text, y->text);
}

/* `<url> <sha256> <size> <version>` of the newest wanted_package of the indexes read. */
static void print_package(void)
{
	const struct pkg *p = resolve(wanted_package, NULL, NULL);
	if (!p)
		die("no index has the package %s", wanted_package);
	printf("%s/%s %s %s %s\n", p->idx->base, p->filename, p->sha256, p->size, p->version);
}

/* The kernel listing of the indexes read, on stdout. */
static void print_kernels(bool ubuntu, const char *uname_m, const char **flavours, size_t nflavours)
{
	struct line *lines = NULL;
	size_t nlines = 0;
	for (size_t i = 0; i < npkgs; i++) {
		const struct pkg *p = &pkgs[i];
		if (p->idx->host || strncmp(p->name, "linux-headers-", 14) != 0)
			continue;
		const char *release = p->name + 14, *flavour;
		char abi[128];
		if (!split_release(release, flavours, nflavours, abi, sizeof abi, &flavour))
			continue; /* linux-headers-amd64 and other metapackages, or another flavour */
		if (strcmp(flavour, "common") == 0 || strncmp(flavour, "common-", 7) == 0)
			continue; /* Debian's shared halves, not kernels */
		/* The same package in two suites (bookworm and bookworm-security) is one kernel. */
		if (i > 0 && !pkgs[i - 1].idx->host && strcmp(pkgs[i - 1].name, p->name) == 0 &&
		    strcmp(pkgs[i - 1].sha256, p->sha256) == 0)
			continue;

		struct set deps = { 0 };
		char why[768];
		if (!closure(p, &deps, why, sizeof why)) {
			warn("leaving out %s: %s", release, why);
			free(deps.items);
			continue;
		}
		/* uname -v as far as the index tells it: the build checks it against the headers. */
		char uname_v[256];
		if (ubuntu) {
			/* 5.15.0-204.214 -> #214; 5.15.0-91.101~20.04.1 -> #101~20.04.1 */
			const char *dot = strrchr(p->version, '-');
			dot = dot ? strchr(dot, '.') : NULL;
			if (!dot || !isdigit((unsigned char)dot[1])) {
				warn("leaving out %s: version %s has no build number", release, p->version);
				free(deps.items);
				continue;
			}
			snprintf(uname_v, sizeof uname_v, "#%s-Ubuntu SMP", dot + 1);
		} else {
			snprintf(uname_v, sizeof uname_v, "#1 SMP Debian %s", p->version);
		}
		char *pkglist = NULL;
		size_t pklen = 0;
		FILE *m = open_memstream(&pkglist, &pklen);
		for (size_t d = 0; d < deps.n; d++)
			fprintf(m, "%s%s/%s|%s|%s", d ? " " : "", deps.items[d]->idx->base,
				deps.items[d]->filename, deps.items[d]->sha256, deps.items[d]->size);
		fclose(m);
		char *image = image_for(release);
		struct line l = { 0 };
		l.text = xasprintf("%s\t%s\t%s\t%s\tusr/src/linux-headers-%s\t%s\t%s\n", p->idx->os_release,
				   uname_m, release, uname_v, release, pkglist, image);
		l.release = (char *)release;
		l.version = p->version;
		lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
		lines[nlines++] = l;
		free(pkglist);
		free(image);
		free(deps.items);
	}
	if (nlines)
		qsort(lines, nlines, sizeof *lines, cmp_lines);
	for (size_t i = 0; i < nlines; i++) {
		fputs(lines[i].text, stdout);
		free(lines[i].text);
	}
	free(lines);
}

/* Sorts what read_index() kept, for resolve(). */
static void sort_pkgs(void)
{
	if (npkgs)
		qsort(pkgs, npkgs, sizeof *pkgs, cmp_pkgs);
}

static void free_pkgs(void)
{
	for (size_t i = 0; i < npkgs; i++) {
		free(pkgs[i].name), free(pkgs[i].version), free(pkgs[i].filename);
		free(pkgs[i].sha256), free(pkgs[i].depends), free(pkgs[i].size), free(pkgs[i].multi_arch);
	}
	free(pkgs);
	pkgs = NULL;
	npkgs = cap = 0;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *style = NULL, *uname_m = NULL;
	const char **flavours = NULL;
	size_t nflavours = 0;
	struct index *idx = NULL;
	size_t nidx = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--style") == 0 && i + 1 < argc)
			style = argv[++i];
		else if (strcmp(argv[i], "--package") == 0 && i + 1 < argc)
			wanted_package = argv[++i];
		else if (strcmp(argv[i], "--uname-m") == 0 && i + 1 < argc)
			uname_m = argv[++i];
		else if (strcmp(argv[i], "--flavour") == 0 && i + 1 < argc) {
			flavours = xrealloc(flavours, (nflavours + 1) * sizeof *flavours);
			flavours[nflavours++] = argv[++i];
		} else if (strcmp(argv[i], "--index") == 0 && i + 3 < argc) {
			idx = xrealloc(idx, (nidx + 1) * sizeof *idx);
			idx[nidx++] = (struct index){ argv[i + 1], argv[i + 2], argv[i + 3], false };
			i += 3;
		} else if (strcmp(argv[i], "--host-index") == 0 && i + 3 < argc) {
			idx = xrealloc(idx, (nidx + 1) * sizeof *idx);
			idx[nidx++] = (struct index){ argv[i + 1], argv[i + 2], argv[i + 3], true };
			have_host_indexes = true;
			i += 3;
		} else {
			fprintf(stderr, "usage: deb-index --style debian|ubuntu --uname-m ARCH [--flavour F]... "
					"--index OS_RELEASE BASE_URL PACKAGES [--index ...] [--host-index OS_RELEASE BASE_URL PACKAGES]...\n");
			return 2;
		}
	}
	if (wanted_package && nidx) {
		for (size_t i = 0; i < nidx; i++)
			read_index(&idx[i]);
		sort_pkgs();
		print_package();
		return 0;
	}
	if (!style || !uname_m || !nidx || (strcmp(style, "debian") && strcmp(style, "ubuntu")))
		die("--style debian|ubuntu, --uname-m and at least one --index are required");
	bool ubuntu = strcmp(style, "ubuntu") == 0;
	same_upload = ubuntu;

	for (size_t i = 0; i < nidx; i++)
		read_index(&idx[i]);
	sort_pkgs();
	print_kernels(ubuntu, uname_m, flavours, nflavours);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("writing the listing failed");
	free_pkgs();
	free(idx);
	free(flavours);
	return 0;
}
