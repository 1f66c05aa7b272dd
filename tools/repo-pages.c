/* The repository's pages (see repo.h, repo_write_pages): a front page that stays small however
 * many kernels are listed, and beside it, in coverage/, what grows with them.
 *
 *   index.html                          the run, the summary, the checksums, the search box, the
 *                                       coverage matrix and the time to driver
 *   coverage/search.js                  every kernel's uname -r and id, its page and its counts;
 *                                       loaded by the front page when a search first needs it
 *   coverage/<d>/<os-release>.html      one row per kernel, a state per Falco release and kind
 *   coverage/<d>/<os-release>/<n>.js    the outputs of KERNELS_PER_CHUNK of those kernels (path,
 *                                       state, boot check, reason), loaded for a kernel searched
 *   coverage/<d>/probes.html            the distribution's probes with their SHA-256
 *
 * Data reaches the pages' scripts through <script src> and a callback, never fetch(): that works
 * from file:// as from any static server. Mirror text (kernel names, reasons) is escaped for
 * HTML in the pages and for JavaScript in the scripts, where the pages show it with textContent.
 * Names of files come from distributions and os-releases made safe as the matrix's row ids are
 * (and told apart where two would be one name), so no mirror text chooses a path. */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "repo.h"

/* Kernels whose outputs one script of a page holds: a few hundred kilobytes at ~40 outputs each. */
#define KERNELS_PER_CHUNK 64
/* The most kernels a search shows the outputs of at once; more narrow the table only. */
#define DETAIL_LIMIT 10

enum { BUILT, FAILED, FAULT, UNSERVABLE, PENDING, NSTATES };
static const char *const state_names[NSTATES] = { "built", "failed", "fault", "unservable", "pending" };

struct kernel_info {
	size_t first, end; /* its outputs: idx->outputs[first] to [end - 1] */
	size_t row;        /* its row of the matrix */
	unsigned long long seen;
	size_t count[NSTATES];
};

/* The columns of one (kind, releases) request: the matrix columns it counts in. */
struct request_cols {
	const char *kind, *releases;
	size_t n, *cols;
	size_t min; /* the first of them, (size_t)-1 for none */
};

struct pages {
	const char *dist;
	const struct repo_index *idx;
	unsigned long long now;
	bool signed_repo;
	struct repo_matrix m;
	struct kernel_info *k;
	size_t nk;
	size_t *row_kstart, *row_kend; /* each row's kernels */
	char **row_dir, **row_name;    /* its page: coverage/<dir>/<name>.html, chunks coverage/<dir>/<name>/ */
	char **distros, **distro_dir;  /* every distribution of the coverage or the probes, sorted */
	size_t ndistros;
	size_t *distro_probes;
	const struct repo_entry **probes; /* the probes by distribution and kernel */
	struct request_cols *rc;
	size_t nrc;
	char **written;
	size_t nwritten;
	char *err;
	size_t errlen;
};

static int fail(struct pages *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pages *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Escaping ---- */

static void html_char(FILE *f, char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&#39;", f); break;
	default: fputc(c, f);
	}
}

static void html(FILE *f, const char *s)
{
	for (; *s; s++)
		html_char(f, *s);
}

/* "A B", each escaped: the matrix's row and column keys, which the search and the tests read. */
static void html_pair(FILE *f, const char *a, const char *b)
{
	html(f, a);
	fputc(' ', f);
	html(f, b);
}

/* A repository path as a relative URL: '+' as %2B, as Falco's loader requests it. The path's
 * characters are a repository path's (repo_valid_path): nothing else needs escaping. */
static void href(FILE *f, const char *path)
{
	for (; *path; path++)
		if (*path == '+')
			fputs("%2B", f);
		else
			fputc(*path, f);
}

/* Text as one part of a URL (the q= of a search link): all but unreserved characters as %XX, so
 * that the page's decodeURIComponent gives it back, whatever the mirror wrote. */
static void url_part(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

/* A JavaScript (and JSON) string; '<', '>' and '&' escaped too, so that no text can close a
 * script or open a comment wherever the script ends up. */
static void js_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c);
		else if (c == 0xe2 && (unsigned char)s[1] == 0x80 && ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9)) {
			/* U+2028 and U+2029 end a line in JavaScript before ES2019. */
			fprintf(f, "\\u%04x", 0x2000 | (unsigned char)s[2]);
			s += 2;
		} else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ---- Names of files ---- */

/* As the matrix's row ids make them: letters, digits, '.' and '-', anything else '_'; a leading
 * '.' too, so that no name is "." or ".." or hidden. */
static char *safe_name(const char *s)
{
	char *n = xstrdup(s);
	for (char *c = n; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *c) || (c == n && *c == '.'))
			*c = '_';
	return n;
}

/* base, or base-2, base-3... whichever no name of taken is (nor reserved). */
static char *unique_name(char *base, char **taken, size_t ntaken, const char *reserved)
{
	for (unsigned i = 1;; i++) {
		char *n = i == 1 ? xstrdup(base) : xasprintf("%s-%u", base, i);
		bool used = reserved && !strcmp(n, reserved);
		for (size_t k = 0; !used && k < ntaken; k++)
			used = taken[k] && !strcmp(taken[k], n);
		if (!used) {
			free(base);
			return n;
		}
		free(n);
	}
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t distro_index(const struct pages *p, const char *distro)
{
	char **hit = bsearch(&distro, p->distros, p->ndistros, sizeof *p->distros, str_cmp);
	return hit ? (size_t)(hit - p->distros) : p->ndistros;
}

/* ---- Writing files ---- */

typedef int (*page_writer)(FILE *f, struct pages *p, const void *ctx);

/* DIST/rel through rel.tmp and a rename, so a reader never sees half of it; its directories made
 * on the way; rel recorded as written. */
static int write_file(struct pages *p, const char *rel, page_writer w, const void *ctx)
{
	char *path = xasprintf("%s/%s", p->dist, rel), *tmp = xasprintf("%s.tmp", path);
	int rc = 0;
	for (char *s = path + strlen(p->dist) + 1; rc == 0 && (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			rc = fail(p, "%s: %s", path, strerror(errno));
		*s = '/';
	}
	FILE *f = rc == 0 ? fopen(tmp, "w") : NULL;
	if (rc == 0 && !f)
		rc = fail(p, "%s: %s", tmp, strerror(errno));
	if (f) {
		int wrc = w(f, p, ctx);
		if (ferror(f) || fclose(f) != 0 || wrc != 0) {
			unlink(tmp);
			rc = fail(p, "%s: write error", tmp);
		} else if (rename(tmp, path) != 0)
			rc = fail(p, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	}
	if (rc == 0) {
		p->written = xrealloc(p->written, (p->nwritten + 1) * sizeof *p->written);
		p->written[p->nwritten++] = xstrdup(rel);
	}
	free(path);
	free(tmp);
	return rc;
}

/* Files of coverage/ that this run did not write: an os-release that is gone, chunks of a page
 * that shrank. nftw has no user pointer. */
static struct pages *sweep_pages;
static size_t sweep_root;
static int sweep_failed;
static int sweep_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	const char *rel = path + sweep_root;
	if (type == FTW_DP) {
		rmdir(path); /* only if empty: what else is there stays */
		return 0;
	}
	size_t n = strlen(rel);
	bool ours = (n > 5 && !strcmp(rel + n - 5, ".html")) || (n > 3 && !strcmp(rel + n - 3, ".js"));
	if (type != FTW_F || !ours ||
	    bsearch(&rel, sweep_pages->written, sweep_pages->nwritten, sizeof *sweep_pages->written, str_cmp))
		return 0;
	if (unlink(path) != 0 && !sweep_failed) {
		sweep_failed = 1;
		fail(sweep_pages, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* ---- Shared parts ---- */

static const char style[] =
	"body { font-family: sans-serif; margin: 1.5em; }\n"
	"table { border-collapse: collapse; margin-bottom: 2em; }\n"
	"th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }\n"
	"th { background: #eee; }\n"
	"td.sha256 { font-family: monospace; font-size: 85%; }\n"
	"td.size { text-align: right; }\n"
	"td.cell a { color: inherit; text-decoration: none; display: block; }\n"
	"td.cell.all { background: #b7e4b0; } td.cell.most { background: #e6eb9c; }\n"
	"td.cell.some { background: #f5c98f; } td.cell.zero { background: #f2a3a3; }\n"
	"td.cell.none { background: #f4f4f4; color: #888; }\n"
	"tr.failed td.state { color: #a00; font-weight: bold; } tr.unservable td.state { color: #850; }\n"
	"tr.pending td.state { color: #666; } tr.built td.state { color: #060; } tr.fault td.state { color: #a50; }\n"
	"tr.hit { outline: 2px solid #36c; }\n"
	"#search input { font-size: 110%; width: 22em; }\n"
	/* The kernels of a page: a table in blocks of a chunk's kernels, each laid out only once it
	 * is scrolled to (content-visibility), all with the columns' fixed widths (--w: the longest
	 * uname -r), so that thousands of rows cost a few blocks' layout, and the blocks line up. */
	"#kernels table, div.probes table { table-layout: fixed; width: 1px; margin: 0; font-family: monospace; }\n"
	"#kernels th, #kernels td { width: 3ch; padding: 0; text-align: center; overflow: hidden; white-space: nowrap; }\n"
	"#kernels tr > :first-child { width: var(--w); text-align: left; padding-left: 0.3ch; }\n"
	"#kernels tr > :nth-child(2) { width: 11ch; }\n"
	"#kernels thead th { writing-mode: vertical-rl; font-family: sans-serif; font-weight: normal; font-size: 85%;\n"
	"  padding: 0.3em 0; text-align: left; }\n"
	"#kernels thead th:first-child, #kernels thead th:nth-child(2) { writing-mode: horizontal-tb; vertical-align: bottom; }\n"
	"#kernels .blk, div.probes .blk { content-visibility: auto; }\n"
	"div.probes th, div.probes td { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }\n"
	"div.probes tr > :nth-child(1) { width: var(--c1); } div.probes tr > :nth-child(2) { width: var(--c2); }\n"
	"div.probes tr > :nth-child(3) { width: var(--c3); } div.probes tr > :nth-child(4) { width: var(--c4); }\n"
	"div.probes tr > :nth-child(5) { width: var(--c5); } div.probes tr > :nth-child(6) { width: var(--c6); }\n"
	"div.probes tr > :nth-child(7) { width: var(--c7); } div.probes tr > :nth-child(8) { width: var(--c8); }\n"
	"div.probes tr > :nth-child(9) { width: var(--c9); }\n"
	"#kernels .b { background: #d4efcf; } #kernels .v { background: #9fdc94; } #kernels .x { background: #f0b27a; }\n"
	"#kernels .f { background: #f2a3a3; } #kernels .t { background: #f5d68f; } #kernels .u { background: #ddd; }\n"
	"#kernels .p { color: #888; }\n"
	"table.outputs td.reason { min-width: 24em; }\n"
	"section.kernel h2 small { font-weight: normal; color: #555; }\n";

static void head(FILE *f, const char *title_a, const char *title_b)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	if (title_a) {
		html_pair(f, title_a, title_b);
		fputs(" &ndash; ", f);
	}
	fprintf(f, "Falco probes</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void run_line(FILE *f, const struct pages *p)
{
	time_t t = (time_t)p->now;
	struct tm tm;
	char when[64], iso[64];
	if (!p->now || !gmtime_r(&t, &tm))
		return;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "<p id=\"run\">Run of <time datetime=\"%s\">%s</time>.</p>\n", iso, when);
}

static void day(char out[16], unsigned long long seconds)
{
	time_t t = (time_t)seconds;
	struct tm tm;
	out[0] = 0;
	if (seconds && gmtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
}

static int state_index(const char *s)
{
	for (int i = 0; i < NSTATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return PENDING;
}

/* ---- What the pages are made of ---- */

static int by_distro_kernel(const void *a, const void *b)
{
	const struct repo_entry *x = *(const struct repo_entry *const *)a, *y = *(const struct repo_entry *const *)b;
	int c = strcmp(x->distro, y->distro);
	if (!c)
		c = strverscmp(x->kernel_release, y->kernel_release);
	if (!c)
		c = strverscmp(x->kernel_version, y->kernel_version);
	if (!c)
		c = strcmp(x->driver_version, y->driver_version);
	if (!c)
		c = strcmp(x->arch, y->arch);
	return c ? c : strcmp(x->path, y->path);
}

static size_t find_row(const struct repo_matrix *m, const char *distro, const char *osrel)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (!strcmp(m->row_distro[i], distro) && !strcmp(m->row_osrel[i], osrel))
			return i;
	return m->nrows;
}

static void plan_pages(struct pages *p)
{
	const struct repo_index *idx = p->idx;
	repo_matrix(idx, &p->m);
	const struct repo_matrix *m = &p->m;

	/* Kernels: the settled coverage keeps each kernel's outputs together. */
	p->k = xcalloc(idx->nout + 1, sizeof *p->k);
	for (size_t i = 0; i < idx->nout; i++) {
		const struct repo_output *o = &idx->outputs[i], *prev = i ? &idx->outputs[i - 1] : NULL;
		if (!prev || strcmp(o->distro, prev->distro) || strcmp(o->os_release, prev->os_release) ||
		    strcmp(o->kernel, prev->kernel)) {
			p->k[p->nk] = (struct kernel_info){ .first = i, .row = find_row(m, o->distro, o->os_release) };
			p->nk++;
		}
		struct kernel_info *k = &p->k[p->nk - 1];
		k->end = i + 1;
		unsigned long long t = *o->first_seen ? strtoull(o->first_seen, NULL, 10) : 0;
		if (t && (!k->seen || t < k->seen))
			k->seen = t;
		k->count[state_index(o->state)]++;
	}
	p->row_kstart = xcalloc(m->nrows + 1, sizeof *p->row_kstart);
	p->row_kend = xcalloc(m->nrows + 1, sizeof *p->row_kend);
	for (size_t i = p->nk; i-- > 0;) {
		p->row_kstart[p->k[i].row] = i;
		if (!p->row_kend[p->k[i].row])
			p->row_kend[p->k[i].row] = i + 1;
	}

	/* Distributions: of the coverage and of the probes. */
	p->distros = xcalloc(m->nrows + idx->n + 1, sizeof *p->distros);
	for (size_t i = 0; i < m->nrows; i++)
		p->distros[p->ndistros++] = m->row_distro[i];
	for (size_t i = 0; i < idx->n; i++)
		p->distros[p->ndistros++] = idx->entries[i].distro;
	if (p->ndistros)
		qsort(p->distros, p->ndistros, sizeof *p->distros, str_cmp);
	size_t nd = 0;
	for (size_t i = 0; i < p->ndistros; i++)
		if (!nd || strcmp(p->distros[i], p->distros[nd - 1]))
			p->distros[nd++] = p->distros[i];
	p->ndistros = nd;
	/* coverage/search.js is a file of coverage/: no distribution's directory may be it. */
	p->distro_dir = xcalloc(nd + 1, sizeof *p->distro_dir);
	for (size_t i = 0; i < nd; i++)
		p->distro_dir[i] = unique_name(safe_name(p->distros[i]), p->distro_dir, i, "search.js");
	p->distro_probes = xcalloc(nd + 1, sizeof *p->distro_probes);
	p->probes = xcalloc(idx->n + 1, sizeof *p->probes);
	for (size_t i = 0; i < idx->n; i++) {
		p->probes[i] = &idx->entries[i];
		p->distro_probes[distro_index(p, idx->entries[i].distro)]++;
	}
	if (idx->n)
		qsort(p->probes, idx->n, sizeof *p->probes, by_distro_kernel);

	/* A page per row, named in its distribution's directory; probes.html is the distribution's. */
	p->row_dir = xcalloc(m->nrows + 1, sizeof *p->row_dir);
	p->row_name = xcalloc(m->nrows + 1, sizeof *p->row_name);
	for (size_t i = 0; i < m->nrows; i++) {
		p->row_dir[i] = p->distro_dir[distro_index(p, m->row_distro[i])];
		char **taken = xcalloc(i + 1, sizeof *taken);
		for (size_t j = 0; j < i; j++)
			taken[j] = !strcmp(p->row_dir[j], p->row_dir[i]) ? p->row_name[j] : NULL;
		p->row_name[i] = unique_name(safe_name(m->row_osrel[i]), taken, i, "probes");
		free(taken);
	}
}

static void free_pages(struct pages *p)
{
	for (size_t i = 0; i < p->m.nrows; i++)
		free(p->row_name[i]);
	for (size_t i = 0; i < p->ndistros; i++)
		free(p->distro_dir[i]);
	for (size_t i = 0; i < p->nrc; i++)
		free(p->rc[i].cols);
	free(p->rc);
	free(p->row_dir);
	free(p->row_name);
	free(p->distro_dir);
	free(p->distros);
	free(p->distro_probes);
	free(p->probes);
	free(p->row_kstart);
	free(p->row_kend);
	free(p->k);
	repo_free_matrix(&p->m);
}

/* The matrix columns an output counts in: one per release asking, of its kind. The requests of
 * a repository are few (driver versions times kinds): each is worked out once. */
static const struct request_cols *request_cols(struct pages *p, const struct repo_output *o)
{
	for (size_t i = 0; i < p->nrc; i++)
		if (!strcmp(p->rc[i].kind, o->kind) && !strcmp(p->rc[i].releases, o->releases))
			return &p->rc[i];
	p->rc = xrealloc(p->rc, (p->nrc + 1) * sizeof *p->rc);
	struct request_cols *r = &p->rc[p->nrc++];
	*r = (struct request_cols){ .kind = o->kind, .releases = o->releases };
	r->cols = xcalloc(p->m.ncols + 1, sizeof *r->cols);
	for (const char *s = o->releases; *s;) {
		size_t n = strcspn(s, ",");
		for (size_t j = 0; j < p->m.ncols; j++)
			if (!strcmp(p->m.col_kind[j], o->kind) && strlen(p->m.col_release[j]) == n &&
			    !strncmp(p->m.col_release[j], s, n) && r->n < p->m.ncols)
				r->cols[r->n++] = j;
		s += n;
		if (*s)
			s++;
	}
	r->min = (size_t)-1;
	for (size_t i = 0; i < r->n; i++)
		r->min = r->cols[i] < r->min ? r->cols[i] : r->min;
	return r;
}

/* The boot check of a built output: its probe's result=, or "". */
static const char *boot_check(const struct pages *p, const struct repo_output *o)
{
	const struct repo_entry *e = strcmp(o->state, "built") ? NULL : repo_find(p->idx, o->path);
	return e ? repo_verified_result(e) : "";
}

/* ---- index.html ---- */

/* The share built, in five colours: none asked, none built, some, most, all. */
static const char *cell_class(const struct repo_cell *c)
{
	if (!c->total)
		return "none";
	if (c->built == c->total)
		return "all";
	if (c->built * 2 >= c->total)
		return "most";
	return c->built ? "some" : "zero";
}

static void row_page(FILE *f, const struct pages *p, size_t row)
{
	fprintf(f, "coverage/%s/%s.html", p->row_dir[row], p->row_name[row]);
}

static void write_matrix(FILE *f, const struct pages *p)
{
	const struct repo_matrix *m = &p->m;
	fputs("<h2 id=\"coverage\">Coverage</h2>\n", f);
	if (!m->nrows) {
		fputs("<p>No listed kernel is described here: the index holds probes only.</p>\n", f);
		return;
	}
	fputs("<p>Each cell: the outputs built of those the Falco release asks for the distribution's listed "
	      "kernels, and how many passed the boot check. A cell links to the page of its kernels.</p>\n"
	      "<table id=\"matrix\">\n<thead><tr><th>Distribution</th><th>Release</th>",
	      f);
	for (size_t j = 0; j < m->ncols; j++) {
		fputs("<th data-col=\"", f);
		html_pair(f, m->col_release[j], m->col_kind[j]);
		fputs("\">Falco ", f);
		html(f, m->col_release[j]);
		fputs("<br>", f);
		html(f, m->col_kind[j]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < m->nrows; i++) {
		fputs("<tr data-row=\"", f);
		html_pair(f, m->row_distro[i], m->row_osrel[i]);
		fputs("\"><th>", f);
		html(f, m->row_distro[i]);
		fputs("</th><th><a href=\"", f);
		row_page(f, p, i);
		fputs("\">", f);
		html(f, m->row_osrel[i]);
		fputs("</a></th>", f);
		for (size_t j = 0; j < m->ncols; j++) {
			const struct repo_cell *c = &m->cells[i * m->ncols + j];
			fprintf(f, "<td class=\"cell %s\" data-col=\"", cell_class(c));
			html_pair(f, m->col_release[j], m->col_kind[j]);
			fputs("\">", f);
			if (!c->total) {
				fputs("&ndash;</td>", f);
				continue;
			}
			fputs("<a href=\"", f);
			row_page(f, p, i);
			fprintf(f, "\"><span class=\"built\">%zu/%zu built</span>", c->built, c->total);
			if (c->verified)
				fprintf(f, "<br><span class=\"verified\">%zu verified</span>", c->verified);
			if (c->failed)
				fprintf(f, "<br><span class=\"failed\">%zu failed</span>", c->failed);
			if (c->fault)
				fprintf(f, "<br><span class=\"fault\">%zu fault</span>", c->fault);
			if (c->unservable)
				fprintf(f, "<br><span class=\"unservable\">%zu unservable</span>", c->unservable);
			if (c->pending)
				fprintf(f, "<br><span class=\"pending\">%zu pending</span>", c->pending);
			fputs("</a></td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

/* Per distribution, the newest kernel still without its drivers (repo_waiting), aged to the
 * run's time: the same inputs give the same page. */
static void write_waiting(FILE *f, const struct pages *p)
{
	size_t n;
	struct repo_waiting *w = repo_waiting(p->idx, &n);
	if (!n) {
		free(w);
		return;
	}
	fputs("<h2 id=\"time-to-driver\">Time to driver</h2>\n<p>Per distribution, the newest listed kernel that "
	      "still lacks a driver a release asks for, when a run first listed it, and how long before this run."
	      "</p>\n<table id=\"waiting\">\n<thead><tr><th>Distribution</th><th>Newest kernel without its drivers</th>"
	      "<th>Release</th><th>First seen</th><th>Waiting</th><th>Lacks</th></tr></thead>\n<tbody>\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		struct repo_waiting_text t;
		repo_waiting_describe(&w[i], p->now, &t);
		fputs("<tr data-distro=\"", f);
		html(f, w[i].distro);
		fputs("\"><td>", f);
		html(f, w[i].distro);
		if (!w[i].kernel) {
			fputs("</td><td colspan=\"5\">none: every listed kernel has its drivers</td></tr>\n", f);
			continue;
		}
		size_t row = find_row(&p->m, w[i].distro, w[i].os_release);
		fputs("</td><td><a href=\"", f);
		row_page(f, p, row);
		fputs("#q=", f);
		url_part(f, w[i].uname_r);
		fputs("\">", f);
		html(f, w[i].uname_r);
		fputs("</a></td><td>", f);
		html(f, w[i].os_release);
		fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", t.date, t.age, t.lacks);
	}
	fputs("</tbody>\n</table>\n", f);
	free(w);
}

/* Plain JavaScript: the kernel a host names (uname -r, or a kernel id), exactly, else as a part.
 * The names are in coverage/search.js, loaded by a <script> the first time a search needs them
 * (file:// allows that, not fetch()); #q=<release> or ?q=<release> searches at once. */
/* Both pages' search boxes take their query from the address too (#q= or ?q=), so that a link
 * names a search; the end of each page's script. */
#define JS_QUERY_FROM_URL_END \
	"  function fromUrl() {\n" \
	"    var m = /[#&]q=([^&]*)/.exec(location.hash), v = null;\n" \
	"    try {\n" \
	"      if (m) v = decodeURIComponent(m[1]);\n" \
	"      else if ((m = /[?&]q=([^&]*)/.exec(location.search))) v = decodeURIComponent(m[1].replace(/\\+/g, ' '));\n" \
	"    } catch (e) { v = m[1]; }\n" \
	"    if (v !== null) { box.value = v; search(); }\n" \
	"  }\n" \
	"  box.addEventListener('input', search);\n" \
	"  window.addEventListener('hashchange', fromUrl);\n" \
	"  fromUrl();\n" \
	"})();\n" \
	"</script>\n"

static const char front_js[] =
	"<script>\n"
	"(function () {\n"
	"  var box = document.getElementById('q'), out = document.getElementById('search-result');\n"
	"  var list = document.getElementById('search-hits'), data = null, asked = false, LIMIT = 50;\n"
	"  var STATES = ['built', 'failed', 'fault', 'unservable', 'pending'];\n"
	"  window.fpSearchIndex = function (d) { data = d; search(); };\n"
	"  function load() {\n"
	"    if (asked) return;\n"
	"    asked = true;\n"
	"    var s = document.createElement('script');\n"
	"    s.src = 'coverage/search.js';\n"
	"    s.onerror = function () { out.textContent = 'The index of kernels (coverage/search.js) could not be loaded.'; };\n"
	"    document.head.appendChild(s);\n"
	"  }\n"
	"  function search() {\n"
	"    var q = box.value.trim(), i, k, hits = [], exact = [];\n"
	"    list.textContent = '';\n"
	"    if (q === '') { out.textContent = ''; return; }\n"
	"    if (!data) { out.textContent = 'Looking for ' + q + '\\u2026'; load(); return; }\n"
	"    for (i = 0; i < data.kernels.length; i++) {\n"
	"      k = data.kernels[i];\n"
	"      if (k[0] === q || k[1] === q) exact.push(k);\n"
	"      else if (k[0].indexOf(q) >= 0 || k[1].indexOf(q) >= 0) hits.push(k);\n"
	"    }\n"
	"    if (exact.length) hits = exact;\n"
	"    if (!hits.length) { out.textContent = 'No kernel ' + q + ' in this repository.'; return; }\n"
	"    var names = [], seen = {}, n = 0, counts = [0, 0, 0, 0, 0];\n"
	"    hits.forEach(function (k) {\n"
	"      if (!seen[k[0]]) { seen[k[0]] = 1; names.push(k[0]); }\n"
	"      for (var s = 0; s < 5; s++) { counts[s] += k[3 + s]; n += k[3 + s]; }\n"
	"    });\n"
	"    var parts = [];\n"
	"    STATES.forEach(function (s, j) { if (counts[j]) parts.push(counts[j] + ' ' + s); });\n"
	"    out.textContent = (names.length > 5 ? names.slice(0, 5).join(', ') + ' and ' + (names.length - 5) + ' more' : names.join(', ')) +\n"
	"      ': ' + n + ' output' + (n === 1 ? '' : 's') + ': ' + parts.join(', ');\n"
	"    hits.slice(0, LIMIT).forEach(function (k) {\n"
	"      var page = data.pages[k[2]], li = document.createElement('li'), a = document.createElement('a');\n"
	"      a.href = page[0] + '#q=' + encodeURIComponent(k[1] === q ? k[1] : k[0]);\n"
	"      a.textContent = k[0];\n"
	"      li.appendChild(a);\n"
	"      var p = [];\n"
	"      STATES.forEach(function (s, j) { if (k[3 + j]) p.push(k[3 + j] + ' ' + s); });\n"
	"      li.appendChild(document.createTextNode(' (' + page[1] + ' ' + page[2] + ', kernel ' + k[1] + '): ' + p.join(', ')));\n"
	"      list.appendChild(li);\n"
	"    });\n"
	"    if (hits.length > LIMIT) {\n"
	"      var li = document.createElement('li');\n"
	"      li.textContent = 'and ' + (hits.length - LIMIT) + ' more kernels: name yours fully.';\n"
	"      list.appendChild(li);\n"
	"    }\n"
	"  }\n"
	JS_QUERY_FROM_URL_END;

static int write_front(FILE *f, struct pages *p, const void *ctx)
{
	(void)ctx;
	const struct repo_index *idx = p->idx;
	head(f, NULL, NULL);
	fputs("<h1>Falco probes</h1>\n", f);
	run_line(f, p);
	size_t nprobed = 0;
	for (size_t i = 0; i < p->ndistros; i++)
		nprobed += p->distro_probes[i] > 0;
	fprintf(f, "<p id=\"summary\">%zu probe%s for %zu distribution%s. Use this repository as "
		   "Falco's <code>DRIVERS_REPO</code>. Machine-readable: <a href=\"index.json\">index.json</a>",
		idx->n, idx->n == 1 ? "" : "s", nprobed, nprobed == 1 ? "" : "s");
	if (p->signed_repo)
		fputs(" (minisign signature: <a href=\"index.json.minisig\">index.json.minisig</a>)", f);
	fputs(".</p>\n", f);
	if (nprobed) {
		fputs("<p id=\"distributions\">Every probe with its SHA-256 and boot check, per distribution:", f);
		for (size_t i = 0, first = 1; i < p->ndistros; i++) {
			if (!p->distro_probes[i])
				continue;
			fprintf(f, "%s <a href=\"coverage/%s/probes.html\">", first ? "" : ",", p->distro_dir[i]);
			html(f, p->distros[i]);
			fprintf(f, "</a> (%zu)", p->distro_probes[i]);
			first = 0;
		}
		fputs(".</p>\n", f);
	}
	fputs("<ul id=\"checksums\">\n", f);
	for (size_t i = 0; i < idx->n; i++) {
		char *d = repo_dirname(idx->entries[i].path), *prev = i ? repo_dirname(idx->entries[i - 1].path) : NULL;
		if (!prev || strcmp(d, prev)) {
			char *sums = xasprintf("%s%sSHA256SUMS", d, *d ? "/" : "");
			fputs("<li><a href=\"", f);
			href(f, sums);
			fputs("\">", f);
			html(f, sums);
			fputs("</a>", f);
			if (p->signed_repo) {
				fputs(" (<a href=\"", f);
				href(f, sums);
				fputs(".minisig\">signature</a>)", f);
			}
			fputs("</li>\n", f);
			free(sums);
		}
		free(d);
		free(prev);
	}
	fputs("</ul>\n<form id=\"search\" onsubmit=\"return false\"><label>Your host's kernel "
	      "(<code>uname -r</code>): <input id=\"q\" type=\"search\" autocomplete=\"off\" "
	      "placeholder=\"e.g. 6.1.0-9-amd64\"></label></form>\n<p id=\"search-result\"></p>\n"
	      "<ul id=\"search-hits\"></ul>\n",
	      f);
	write_matrix(f, p);
	write_waiting(f, p);
	fputs(front_js, f);
	fputs("</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- coverage/search.js ---- */

static int write_search(FILE *f, struct pages *p, const void *ctx)
{
	(void)ctx;
	fputs("/* falco-probes: every listed kernel, for the front page's search (index.html): uname -r, kernel id,\n"
	      "   its page (of pages), its outputs built, failed, fault, unservable, pending. */\n"
	      "fpSearchIndex({\"pages\": [",
	      f);
	for (size_t i = 0; i < p->m.nrows; i++) {
		fputs(i ? ",\n  [\"" : "\n  [\"", f);
		row_page(f, p, i);
		fputs("\", ", f);
		js_string(f, p->m.row_distro[i]);
		fputs(", ", f);
		js_string(f, p->m.row_osrel[i]);
		fputc(']', f);
	}
	fputs("],\n\"kernels\": [", f);
	for (size_t i = 0; i < p->nk; i++) {
		const struct kernel_info *k = &p->k[i];
		const struct repo_output *o = &p->idx->outputs[k->first];
		fputs(i ? ",\n  [" : "\n  [", f);
		js_string(f, o->uname_r);
		fputs(", ", f);
		js_string(f, o->kernel);
		fprintf(f, ", %zu", k->row);
		for (int s = 0; s < NSTATES; s++)
			fprintf(f, ", %zu", k->count[s]);
		fputc(']', f);
	}
	fputs("]});\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- coverage/<d>/<os-release>.html and its chunks ---- */

/* A cell's letters: the state of each output the release and kind ask of the kernel. */
static char letter(const struct pages *p, const struct repo_output *o)
{
	switch (state_index(o->state)) {
	case BUILT: {
		const char *boot = boot_check(p, o);
		return !strcmp(boot, "PASS") ? 'V' : !strcmp(boot, "FAIL") ? 'X' : 'B';
	}
	case FAILED: return 'F';
	case FAULT: return 'T';
	case UNSERVABLE: return 'U';
	default: return 'P';
	}
}

/* A cell of several outputs is coloured as its worst. */
static const char worst_first[] = "FTXPUBV";

/* Plain JavaScript: the kernels of the table a search names (uname -r or kernel id, exactly,
 * else as a part), and for a few of them every output, from the chunk script that holds them. */
static const char release_js[] =
	"<script>\n"
	"(function () {\n"
	"  var page = document.getElementById('kernels'), DIR = page.getAttribute('data-chunks'),\n"
	"    PER = +page.getAttribute('data-per-chunk'), LIMIT = +page.getAttribute('data-detail-limit');\n"
	"  var box = document.getElementById('q'), out = document.getElementById('search-result'),\n"
	"    detail = document.getElementById('detail'), rows = page.querySelectorAll('tbody tr'),\n"
	"    blocks = page.querySelectorAll('.blk');\n"
	"  var STATES = ['built', 'failed', 'fault', 'unservable', 'pending'], chunks = {}, asked = {}, shown = [], q = '';\n"
	"  window.fpDetail = function (n, data) { chunks[n] = data; render(); };\n"
	"  function load(n) {\n"
	"    if (asked[n]) return;\n"
	"    asked[n] = true;\n"
	"    var s = document.createElement('script');\n"
	"    s.src = DIR + n + '.js';\n"
	"    s.onerror = function () { out.textContent = 'The outputs of these kernels (' + DIR + n + '.js) could not be loaded.'; };\n"
	"    document.head.appendChild(s);\n"
	"  }\n"
	"  function el(tag, text, cls) {\n"
	"    var e = document.createElement(tag);\n"
	"    if (text !== undefined) e.textContent = text;\n"
	"    if (cls) e.className = cls;\n"
	"    return e;\n"
	"  }\n"
	"  function render() {\n"
	"    var n = 0, counts = {}, missing = false, names = [];\n"
	"    detail.textContent = '';\n"
	"    shown.forEach(function (i) {\n"
	"      var c = Math.floor(i / PER), r = rows[i], u = r.getAttribute('data-uname-r');\n"
	"      if (names.indexOf(u) < 0) names.push(u);\n"
	"      if (!chunks[c]) { missing = true; load(c); return; }\n"
	"      var sec = el('section', undefined, 'kernel'), h = el('h2', u), t = el('table', undefined, 'outputs'), b = el('tbody');\n"
	"      sec.setAttribute('data-uname-r', u);\n"
	"      h.appendChild(el('small', ' kernel ' + r.getAttribute('data-kernel') + (r.cells[1].textContent ? ', first seen ' + r.cells[1].textContent : '')));\n"
	"      sec.appendChild(h);\n"
	"      t.innerHTML = '<thead><tr><th>Falco releases</th><th>Kind</th><th>State</th><th>Boot check</th>' +\n"
	"        '<th>Reason</th><th>Driver version</th><th>Repository path</th></tr></thead>';\n"
	"      chunks[c][i % PER].forEach(function (o) {\n"
	"        var tr = el('tr', undefined, 'output ' + o[4]), td = el('td', undefined, 'path');\n"
	"        tr.setAttribute('data-uname-r', u);\n"
	"        tr.appendChild(el('td', o[2].split(',').join(', ')));\n"
	"        tr.appendChild(el('td', o[1]));\n"
	"        tr.appendChild(el('td', o[4], 'state'));\n"
	"        tr.appendChild(el('td', o[5], 'verified'));\n"
	"        tr.appendChild(el('td', o[6], 'reason'));\n"
	"        tr.appendChild(el('td', o[0]));\n"
	"        if (o[4] === 'built') {\n"
	"          var a = el('a', o[3]);\n"
	"          a.href = '../../' + o[3].replace(/\\+/g, '%2B');\n"
	"          td.appendChild(a);\n"
	"        } else if (o[3] !== '-') td.textContent = o[3];\n"
	"        tr.appendChild(td);\n"
	"        b.appendChild(tr);\n"
	"        n++;\n"
	"        counts[o[4]] = (counts[o[4]] || 0) + 1;\n"
	"      });\n"
	"      t.appendChild(b);\n"
	"      sec.appendChild(t);\n"
	"      detail.appendChild(sec);\n"
	"    });\n"
	"    if (!shown.length || missing) return;\n"
	"    var parts = [];\n"
	"    STATES.forEach(function (s) { if (counts[s]) parts.push(counts[s] + ' ' + s); });\n"
	"    out.textContent = names.join(', ') + ': ' + n + ' output' + (n === 1 ? '' : 's') + ': ' + parts.join(', ');\n"
	"  }\n"
	"  function search() {\n"
	"    var i, exact = false, hits = [];\n"
	"    q = box.value.trim();\n"
	"    for (i = 0; i < rows.length && q !== ''; i++)\n"
	"      if (rows[i].getAttribute('data-uname-r') === q || rows[i].getAttribute('data-kernel') === q) exact = true;\n"
	"    var any = [];\n"
	"    for (i = 0; i < rows.length; i++) {\n"
	"      var u = rows[i].getAttribute('data-uname-r'), k = rows[i].getAttribute('data-kernel');\n"
	"      var hit = q !== '' && (exact ? u === q || k === q : u.indexOf(q) >= 0 || k.indexOf(q) >= 0);\n"
	"      rows[i].hidden = q !== '' && !hit;\n"
	"      rows[i].classList.toggle('hit', hit);\n"
	"      if (hit) { hits.push(i); any[Math.floor(i / PER)] = true; }\n"
	"    }\n"
	"    // A block of no match is hidden whole: one never shown would keep its estimated height.\n"
	"    for (i = 0; i < blocks.length; i++) blocks[i].hidden = q !== '' && !any[i];\n"
	"    shown = hits.length <= LIMIT ? hits : [];\n"
	"    if (q === '') out.textContent = '';\n"
	"    else if (!hits.length) out.textContent = 'No kernel ' + q + ' on this page.';\n"
	"    else if (!shown.length) out.textContent = hits.length + ' kernels match ' + q + ': name one to see its outputs.';\n"
	"    else out.textContent = 'Loading the outputs of ' + q + '\\u2026';\n"
	"    render();\n"
	"  }\n"
	JS_QUERY_FROM_URL_END;

static int write_release(FILE *f, struct pages *p, const void *ctx)
{
	size_t row = *(const size_t *)ctx;
	const struct repo_matrix *m = &p->m;
	const char *distro = m->row_distro[row], *osrel = m->row_osrel[row];
	size_t kstart = p->row_kstart[row], kend = p->row_kend[row];
	/* Only the columns this os-release's kernels are asked for. */
	size_t *cols = xcalloc(m->ncols + 1, sizeof *cols), ncols = 0, *col_of = xcalloc(m->ncols + 1, sizeof *col_of);
	for (size_t j = 0; j < m->ncols; j++) {
		col_of[j] = ncols;
		if (m->cells[row * m->ncols + j].total)
			cols[ncols++] = j;
	}
	head(f, distro, osrel);
	fputs("<p class=\"nav\"><a href=\"../../index.html\">Falco probes</a> &rsaquo; <a href=\"../../index.html#coverage\">"
	      "coverage</a>",
	      f);
	size_t d = distro_index(p, distro);
	if (d < p->ndistros && p->distro_probes[d]) {
		fputs(" &middot; <a href=\"probes.html\">the probes of ", f);
		html(f, distro);
		fputs("</a>", f);
	}
	fputs("</p>\n<h1 data-row=\"", f);
	html_pair(f, distro, osrel);
	fputs("\">", f);
	html_pair(f, distro, osrel);
	fputs("</h1>\n", f);
	run_line(f, p);
	fprintf(f, "<p id=\"summary\">%zu kernel%s. Each cell: what became of the output the Falco release and kind ask of "
		   "the kernel: <span class=\"legend\"><b>B</b> built, <b>V</b> built and its boot check PASS, <b>X</b> "
		   "built and its boot check FAIL, <b>F</b> failed (not tried again until an input changes), <b>T</b> "
		   "fault (tried again next run), <b>U</b> unservable, <b>P</b> pending, empty: not asked.</span> A kernel "
		   "links to its outputs: their paths, boot checks and reasons.</p>\n",
		kend - kstart, kend - kstart == 1 ? "" : "s");
	fputs("<form id=\"search\" onsubmit=\"return false\"><label>Kernel (<code>uname -r</code>): <input id=\"q\" "
	      "type=\"search\" autocomplete=\"off\"></label></form>\n<p id=\"search-result\"></p>\n<div id=\"detail\"></div>\n",
	      f);
	size_t width = strlen("uname -r");
	for (size_t i = kstart; i < kend; i++) {
		size_t n = strlen(p->idx->outputs[p->k[i].first].uname_r);
		width = n > width ? n : width;
	}
	fprintf(f, "<div id=\"kernels\" data-chunks=\"%s/\" data-per-chunk=\"%d\" data-detail-limit=\"%d\" "
		   "style=\"--w: %zuch\">\n<table class=\"head\"><thead><tr><th>uname -r</th><th>First seen</th>",
		p->row_name[row], KERNELS_PER_CHUNK, DETAIL_LIMIT, width + 1);
	for (size_t c = 0; c < ncols; c++) {
		fputs("<th data-col=\"", f);
		html_pair(f, m->col_release[cols[c]], m->col_kind[cols[c]]);
		fputs("\">", f);
		html_pair(f, m->col_release[cols[c]], m->col_kind[cols[c]]);
		fputs("</th>", f);
	}
	fputs("</tr></thead></table>\n", f);
	/* Up to 4 letters a cell, and '+' for more: a kernel asked twice for one release and kind
	 * (an unservable name and a path) is rare. */
	char(*cell)[6] = xcalloc(ncols + 1, sizeof *cell);
	for (size_t i = kstart; i < kend; i++) {
		const struct kernel_info *k = &p->k[i];
		const struct repo_output *first = &p->idx->outputs[k->first];
		/* A block per chunk; its height guessed (a row is about 20 pixels) until it is drawn. */
		if ((i - kstart) % KERNELS_PER_CHUNK == 0) {
			if (i > kstart)
				fputs("</tbody></table></div>\n", f);
			size_t n = kend - i < KERNELS_PER_CHUNK ? kend - i : KERNELS_PER_CHUNK;
			fprintf(f, "<div class=\"blk\" style=\"contain-intrinsic-size: auto %zupx\"><table><tbody>\n", n * 20);
		}
		memset(cell, 0, (ncols + 1) * sizeof *cell);
		for (size_t o = k->first; o < k->end; o++) {
			const struct repo_output *out = &p->idx->outputs[o];
			const struct request_cols *rc = request_cols(p, out);
			char l = letter(p, out);
			for (size_t c = 0; c < rc->n; c++) {
				char *s = cell[col_of[rc->cols[c]]];
				size_t n = strlen(s);
				if (n < 4)
					s[n] = l;
				else
					s[4] = '+';
			}
		}
		char seen[16];
		day(seen, k->seen);
		fputs("<tr data-uname-r=\"", f);
		html(f, first->uname_r);
		fputs("\" data-kernel=\"", f);
		html(f, first->kernel);
		fputs("\"><th><a href=\"#q=", f);
		url_part(f, first->uname_r);
		fputs("\">", f);
		html(f, first->uname_r);
		fprintf(f, "</a><td>%s", seen);
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cell[c];
			if (!*s) {
				fputs("<td>", f);
				continue;
			}
			char worst = 0;
			for (const char *w = worst_first; *w && !worst; w++)
				if (strchr(s, *w))
					worst = *w;
			fprintf(f, "<td class=%c>%s", worst - 'A' + 'a', s);
		}
		/* Cells end where the next begins; the row's end keeps the newline out of the last. */
		fputs("</tr>\n", f);
	}
	if (kend > kstart)
		fputs("</tbody></table></div>\n", f);
	fputs("</div>\n", f);

	fputs(release_js, f);
	fputs("</body>\n</html>\n", f);
	free(cell);
	free(cols);
	free(col_of);
	return ferror(f) ? -1 : 0;
}

/* An output's first column of the matrix (release, then kind), then its path. */
static struct pages *sort_pages;
static int by_column(const void *a, const void *b)
{
	const struct repo_output *x = &sort_pages->idx->outputs[*(const size_t *)a], *y = &sort_pages->idx->outputs[*(const size_t *)b];
	/* One at a time: request_cols may move the others. */
	size_t cx = request_cols(sort_pages, x)->min, cy = request_cols(sort_pages, y)->min;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return strcmp(x->path, y->path);
}

struct chunk {
	size_t row, n, kstart, kend;
};

static int write_chunk(FILE *f, struct pages *p, const void *ctx)
{
	const struct chunk *c = ctx;
	fprintf(f, "/* falco-probes: the outputs of kernels %zu to %zu of its page, each: driver version, kind, releases,\n"
		   "   repository path, state, boot check, reason. */\nfpDetail(%zu, [",
		c->kstart - p->row_kstart[c->row], c->kend - 1 - p->row_kstart[c->row], c->n);
	size_t *order = NULL;
	for (size_t i = c->kstart; i < c->kend; i++) {
		const struct kernel_info *k = &p->k[i];
		fputs(i > c->kstart ? ",\n[" : "\n[", f);
		/* As the page's columns go: by release, then kind. */
		order = xrealloc(order, (k->end - k->first) * sizeof *order);
		for (size_t o = k->first; o < k->end; o++)
			order[o - k->first] = o;
		sort_pages = p;
		qsort(order, k->end - k->first, sizeof *order, by_column);
		for (size_t x = 0; x < k->end - k->first; x++) {
			const struct repo_output *out = &p->idx->outputs[order[x]];
			fputs(x ? ", [" : "[", f);
			const char *fields[] = { out->driver_version, out->kind, out->releases, out->path, out->state,
						 boot_check(p, out), out->reason };
			for (size_t x = 0; x < sizeof fields / sizeof *fields; x++) {
				if (x)
					fputs(", ", f);
				js_string(f, fields[x]);
			}
			fputc(']', f);
		}
		fputc(']', f);
	}
	fputs("]);\n", f);
	free(order);
	return ferror(f) ? -1 : 0;
}

/* ---- coverage/<d>/probes.html ---- */

/* Rows of probes.html in a block, laid out only once scrolled to, as the kernels' are. */
#define PROBES_PER_BLOCK 256

static int write_probes(FILE *f, struct pages *p, const void *ctx)
{
	size_t d = *(const size_t *)ctx;
	const char *distro = p->distros[d];
	/* The columns' widths, in characters of the monospace font: the longest of each. */
	static const char *const heads[] = { "Kernel release", "Kernel version", "uname -r", "Arch", "Driver version",
					     "Probe", "Size", "SHA-256", "Boot check" };
	size_t width[9];
	for (size_t c = 0; c < 9; c++)
		width[c] = strlen(heads[c]);
	for (size_t i = 0; i < p->idx->n; i++) {
		const struct repo_entry *e = p->probes[i];
		if (strcmp(e->distro, distro))
			continue;
		const char *base = strrchr(e->path, '/');
		char size[32];
		snprintf(size, sizeof size, "%llu", e->size);
		const char *text[9] = { e->kernel_release, e->kernel_version, e->uname_r, e->arch, e->driver_version,
					base ? base + 1 : e->path, size, e->sha256, repo_verified_result(e) };
		for (size_t c = 0; c < 9; c++)
			width[c] = strlen(text[c]) > width[c] ? strlen(text[c]) : width[c];
	}
	head(f, distro, "probes");
	fputs("<p class=\"nav\"><a href=\"../../index.html\">Falco probes</a></p>\n<h2 id=\"", f);
	html(f, distro);
	fputs("\">", f);
	html(f, distro);
	fputs("</h2>\n", f);
	run_line(f, p);
	fputs("<div class=\"probes\" data-distro=\"", f);
	html(f, distro);
	fputs("\" style=\"", f);
	for (size_t c = 0; c < 9; c++)
		fprintf(f, "%s--c%zu: %zuch", c ? "; " : "", c + 1, width[c] + 1);
	fputs("\">\n<table class=\"head\"><thead><tr>", f);
	for (size_t c = 0; c < 9; c++)
		fprintf(f, "<th>%s</th>", heads[c]);
	fputs("</tr></thead></table>\n", f);
	size_t row = 0, total = p->distro_probes[d];
	for (size_t i = 0; i < p->idx->n; i++) {
		const struct repo_entry *e = p->probes[i];
		if (strcmp(e->distro, distro))
			continue;
		if (row % PROBES_PER_BLOCK == 0) {
			if (row)
				fputs("</tbody></table></div>\n", f);
			size_t n = total - row < PROBES_PER_BLOCK ? total - row : PROBES_PER_BLOCK;
			fprintf(f, "<div class=\"blk\" style=\"contain-intrinsic-size: auto %zupx\"><table><tbody>\n", n * 24);
		}
		row++;
		const char *base = strrchr(e->path, '/');
		base = base ? base + 1 : e->path;
		fputs("<tr data-path=\"", f);
		html(f, e->path);
		fputs("\" data-uname-r=\"", f);
		html(f, e->uname_r);
		fputs("\"><td>", f);
		html(f, e->kernel_release);
		fputs("</td><td>", f);
		html(f, e->kernel_version);
		fputs("</td><td>", f);
		html(f, e->uname_r);
		fputs("</td><td>", f);
		html(f, e->arch);
		fputs("</td><td>", f);
		html(f, e->driver_version);
		fputs("</td><td><a href=\"../../", f);
		href(f, e->path);
		fputs("\">", f);
		html(f, base);
		fprintf(f, "</a></td><td class=\"size\">%llu</td><td class=\"sha256\">%s</td><td>", e->size, e->sha256);
		html(f, repo_verified_result(e));
		fputs("</td></tr>\n", f);
	}
	if (row)
		fputs("</tbody></table></div>\n", f);
	fputs("</div>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- All of them ---- */

int repo_write_pages(const char *dist, const struct repo_index *idx, unsigned long long run_time, bool signed_repo,
		     char ***written, size_t *nwritten, char *err, size_t errlen)
{
	struct pages p = { .dist = dist, .idx = idx, .now = run_time, .signed_repo = signed_repo, .err = err, .errlen = errlen };
	plan_pages(&p);
	int rc = 0;
	/* What the front page links to first, the front page last. */
	for (size_t r = 0; rc == 0 && r < p.m.nrows; r++) {
		size_t n = 0;
		for (size_t k = p.row_kstart[r]; rc == 0 && k < p.row_kend[r]; k += KERNELS_PER_CHUNK, n++) {
			struct chunk c = { .row = r, .n = n, .kstart = k, .kend = k + KERNELS_PER_CHUNK };
			if (c.kend > p.row_kend[r])
				c.kend = p.row_kend[r];
			char *rel = xasprintf("coverage/%s/%s/%zu.js", p.row_dir[r], p.row_name[r], n);
			rc = write_file(&p, rel, write_chunk, &c);
			free(rel);
		}
		if (rc == 0) {
			char *rel = xasprintf("coverage/%s/%s.html", p.row_dir[r], p.row_name[r]);
			rc = write_file(&p, rel, write_release, &r);
			free(rel);
		}
	}
	for (size_t d = 0; rc == 0 && d < p.ndistros; d++) {
		if (!p.distro_probes[d])
			continue;
		char *rel = xasprintf("coverage/%s/probes.html", p.distro_dir[d]);
		rc = write_file(&p, rel, write_probes, &d);
		free(rel);
	}
	if (rc == 0)
		rc = write_file(&p, "coverage/search.js", write_search, NULL);
	if (rc == 0) {
		qsort(p.written, p.nwritten, sizeof *p.written, str_cmp);
		char *root = xasprintf("%s/coverage", dist);
		struct stat st;
		sweep_pages = &p;
		sweep_root = strlen(dist) + 1;
		sweep_failed = 0;
		if (stat(root, &st) == 0 && nftw(root, sweep_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			rc = fail(&p, "%s: cannot read the tree: %s", root, strerror(errno));
		if (sweep_failed)
			rc = -1;
		free(root);
	}
	if (rc == 0)
		rc = write_file(&p, "index.html", write_front, NULL);
	*written = p.written;
	*nwritten = p.nwritten;
	free_pages(&p);
	return rc;
}
