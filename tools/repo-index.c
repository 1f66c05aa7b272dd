/* repo-index: write a probe repository's index files from the records of its probes.
 *
 *   repo-index --dist DIR [--records DIR] [--toolchain FILE]... [--published INDEX]
 *              [--merge INDEX]... [--upload-list FILE] [--status FILE] [--signed yes|no]
 *
 * The entries are the published repository's index (--published: what is already online),
 * other indexes to merge (--merge: the outputs of other shards) and the records of the probes
 * built here (--records: mk/build-probe.sh's <repo path>.rec files). Writes DIR/index.json,
 * DIR/index.html and a SHA256SUMS in every directory that holds probes, each sorted by path,
 * so the same entries always give the same bytes.
 *
 * Refuses (exit 1, naming each): a probe file in DIR that no entry names, a file whose bytes
 * differ from its entry's sha256 or size, an entry that is neither published nor present in
 * DIR, and two entries for one path with different hashes (a published probe never changes).
 * A record of a probe that is not in DIR is left out: DIR is what gets published.
 * --upload-list writes the paths (relative to DIR) of the probes that are not published yet.
 * --status FILE: this run's coverage (tools/output-state status: what became of every output asked for),
 * merged with the indexes' "coverage" (a pending output gives way to one some shard tried) into
 * index.json's "coverage" and index.html's matrix and per-kernel tables. --signed yes: make signs
 * the index and SHA256SUMS next, so the page links their signatures. The page's date is the
 * newest input's, so that the same inputs give the same bytes. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "repo.h"
#include "common.h"

static int problems;

/* Every problem is reported before giving up, so that one run shows them all. */
static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
	problems++;
}

/* Files found by a tree walk (nftw has no user pointer). */
static struct {
	char **paths;
	size_t n, cap;
	const char *suffix;
	size_t rootlen;
	bool probes; /* a repository tree: only falco_* probe files */
} walk;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type != FTW_F)
		return 0;
	const char *base = path + ftw->base;
	if (walk.probes ? !(strncmp(base, "falco_", 6) == 0 && (ends_with(base, ".o") || ends_with(base, ".ko")))
			: !ends_with(base, walk.suffix))
		return 0;
	if (walk.n == walk.cap) {
		walk.cap = walk.cap ? walk.cap * 2 : 256;
		walk.paths = xrealloc(walk.paths, walk.cap * sizeof *walk.paths);
	}
	walk.paths[walk.n++] = xstrdup(path + walk.rootlen + 1);
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files under root (relative paths, sorted); a missing root is an empty tree. */
static void walk_tree(const char *root, const char *suffix, bool probes)
{
	for (size_t i = 0; i < walk.n; i++)
		free(walk.paths[i]);
	walk.n = 0;
	walk.suffix = suffix;
	walk.probes = probes;
	walk.rootlen = strlen(root);
	struct stat st;
	if (stat(root, &st) != 0 && errno == ENOENT)
		return;
	if (nftw(root, walk_one, 32, FTW_PHYS) != 0)
		die_at(root, "cannot read the tree: %s", strerror(errno));
	if (walk.n)
		qsort(walk.paths, walk.n, sizeof *walk.paths, str_cmp);
}

static char *join(const char *a, const char *b)
{
	return xasprintf("%s/%s", a, b);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die_at(path, "%s", strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	int err = ferror(f);
	fclose(f);
	fclose(m);
	if (err)
		die_at(path, "read error");
	if (memchr(buf, 0, len))
		die_at(path, "a NUL byte in a toolchain description");
	return buf;
}

/* The run's time on the page: the newest input, so that the same inputs give the same bytes. */
static time_t input_time;
static void newest(const char *file)
{
	struct stat st;
	if (stat(file, &st) == 0 && st.st_mtime > input_time)
		input_time = st.st_mtime;
}

typedef int (*writer)(FILE *f, const void *ctx);

/* Writes path through path.tmp and a rename, so a reader never sees half of it. */
static void write_atomic(const char *path, writer w, const void *ctx)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		die_at(tmp, "%s", strerror(errno));
	int rc = w(f, ctx);
	if (fclose(f) != 0 || rc != 0) {
		unlink(tmp);
		die_at(tmp, "write error");
	}
	if (rename(tmp, path) != 0)
		die("cannot rename %s to %s: %s", tmp, path, strerror(errno));
	free(tmp);
}

static struct repo_index idx;

static int write_json(FILE *f, const void *ctx)
{
	(void)ctx;
	return repo_write_json(f, &idx);
}

static int write_sums(FILE *f, const void *dir)
{
	return repo_write_sums(f, &idx, dir);
}

static int write_upload(FILE *f, const void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < idx.n; i++)
		if (!idx.entries[i].published)
			fprintf(f, "%s\n", idx.entries[i].path);
	return ferror(f) ? -1 : 0;
}

/* ---- index.html ---- */

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

/* A repository path as a relative URL: '+' as %2B, as Falco's loader requests it. */
static void href(FILE *f, const char *path)
{
	for (; *path; path++)
		if (*path == '+')
			fputs("%2B", f);
		else
			fputc(*path, f);
}

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

/* What the page says of the run: the newest of the inputs it was made from, and whether the
 * index and every SHA256SUMS are signed (make signs them right after). */
static time_t run_time;
static bool signed_repo;

/* An id for a row of the matrix: distro and os-release, as a fragment a link can name. */
static void row_id(FILE *f, const char *distro, const char *osrel)
{
	fputs("k-", f);
	for (const char *s = distro; *s; s++)
		fputc(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *s) ? *s : '_', f);
	fputc('-', f);
	for (const char *s = osrel; *s; s++)
		fputc(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *s) ? *s : '_', f);
}

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

static void write_matrix(FILE *f, const struct repo_matrix *m)
{
	fputs("<h2 id=\"coverage\">Coverage</h2>\n", f);
	if (!m->nrows) {
		fputs("<p>No listed kernel is described here: the index holds probes only.</p>\n", f);
		return;
	}
	fputs("<p>Each cell: the outputs built of those the Falco release asks for the distribution's listed "
	      "kernels, and how many passed the boot check. A cell links to its kernels.</p>\n"
	      "<table id=\"matrix\">\n<thead><tr><th>Distribution</th><th>Release</th>", f);
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
		fputs("</th><th>", f);
		html(f, m->row_osrel[i]);
		fputs("</th>", f);
		for (size_t j = 0; j < m->ncols; j++) {
			const struct repo_cell *c = &m->cells[i * m->ncols + j];
			fprintf(f, "<td class=\"cell %s\" data-col=\"", cell_class(c));
			html_pair(f, m->col_release[j], m->col_kind[j]);
			fputs("\">", f);
			if (!c->total) {
				fputs("&ndash;</td>", f);
				continue;
			}
			fputs("<a href=\"#", f);
			row_id(f, m->row_distro[i], m->row_osrel[i]);
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

/* Per distribution and release, every output of every kernel: built (with its boot check), or
 * why not. */
static void write_kernels(FILE *f)
{
	for (size_t i = 0; i < idx.nout; i++) {
		const struct repo_output *o = &idx.outputs[i];
		bool first = !i || strcmp(o->distro, idx.outputs[i - 1].distro) ||
			     strcmp(o->os_release, idx.outputs[i - 1].os_release);
		if (first) {
			if (i)
				fputs("</tbody>\n</table>\n", f);
			fputs("<h3 id=\"", f);
			row_id(f, o->distro, o->os_release);
			fputs("\">", f);
			html(f, o->distro);
			fputs(" ", f);
			html(f, o->os_release);
			fputs("</h3>\n<table class=\"kernels\">\n<thead><tr><th>uname -r</th><th>Arch</th><th>Falco releases</th>"
			      "<th>Kind</th><th>Driver version</th><th>Output</th><th>State</th><th>Boot check</th>"
			      "<th>Reason</th></tr></thead>\n<tbody>\n", f);
		}
		const struct repo_entry *e = strcmp(o->path, "-") ? repo_find(&idx, o->path) : NULL;
		fputs("<tr class=\"output ", f);
		html(f, o->state);
		fputs("\" data-uname-r=\"", f);
		html(f, o->uname_r);
		fputs("\"><td>", f);
		html(f, o->uname_r);
		fputs("</td><td>", f);
		html(f, o->arch);
		fputs("</td><td>", f);
		for (const char *r = o->releases; *r; r++)
			if (*r == ',')
				fputs(", ", f);
			else
				html_char(f, *r);
		fputs("</td><td>", f);
		html(f, o->kind);
		fputs("</td><td>", f);
		html(f, o->driver_version);
		fputs("</td><td>", f);
		if (e) {
			const char *base = strrchr(e->path, '/');
			fputs("<a href=\"", f);
			href(f, e->path);
			fputs("\">", f);
			html(f, base ? base + 1 : e->path);
			fputs("</a>", f);
		} else {
			const char *base = strrchr(o->path, '/');
			html(f, base ? base + 1 : o->path);
		}
		fputs("</td><td class=\"state\">", f);
		html(f, o->state);
		fputs("</td><td class=\"verified\">", f);
		html(f, e ? repo_verified_result(e) : "");
		fputs("</td><td class=\"reason\">", f);
		html(f, o->reason);
		fputs("</td></tr>\n", f);
	}
	if (idx.nout)
		fputs("</tbody>\n</table>\n", f);
}

/* Plain JavaScript, no network: the kernel a host names (uname -r), exactly, else as a part;
 * #q=<release> or ?q=<release> fills the box and searches, so a link can name a host's kernel. */
static const char search_js[] =
	"<script>\n"
	"(function () {\n"
	"  var box = document.getElementById('q'), out = document.getElementById('search-result');\n"
	"  function search() {\n"
	"    var q = box.value.trim(), rows = document.querySelectorAll('tr[data-uname-r]'), i;\n"
	"    var exact = false;\n"
	"    for (i = 0; i < rows.length; i++) if (rows[i].getAttribute('data-uname-r') === q) exact = true;\n"
	"    var n = 0, probes = 0, states = {}, kernels = {};\n"
	"    for (i = 0; i < rows.length; i++) {\n"
	"      var r = rows[i], k = r.getAttribute('data-uname-r');\n"
	"      var hit = q !== '' && (exact ? k === q : k.indexOf(q) >= 0);\n"
	"      r.hidden = q !== '' && !hit;\n"
	"      r.classList.toggle('hit', hit);\n"
	"      if (hit && !r.classList.contains('output')) probes++;\n"
	"      if (hit && r.classList.contains('output')) {\n"
	"        n++; kernels[k] = 1;\n"
	"        var s = r.querySelector('td.state').textContent;\n"
	"        states[s] = (states[s] || 0) + 1;\n"
	"      }\n"
	"    }\n"
	"    var tables = document.querySelectorAll('table.kernels, table.probes');\n"
	"    for (i = 0; i < tables.length; i++) {\n"
	"      var shown = tables[i].querySelectorAll('tbody tr:not([hidden])').length;\n"
	"      tables[i].hidden = shown === 0;\n"
	"      var h = tables[i].previousElementSibling;\n"
	"      if (h && /^H[23]$/.test(h.tagName)) h.hidden = shown === 0;\n"
	"    }\n"
	"    if (q === '') { out.textContent = ''; return; }\n"
	"    if (!n && probes) { out.textContent = q + ': ' + probes + ' probe' + (probes === 1 ? '' : 's'); return; }\n"
	"    if (!n) { out.textContent = 'No kernel ' + q + ' in this repository.'; return; }\n"
	"    var parts = [];\n"
	"    ['built', 'failed', 'fault', 'unservable', 'pending'].forEach(function (s) { if (states[s]) parts.push(states[s] + ' ' + s); });\n"
	"    out.textContent = Object.keys(kernels).join(', ') + ': ' + n + ' output' + (n === 1 ? '' : 's') + ': ' + parts.join(', ');\n"
	"  }\n"
	"  box.addEventListener('input', search);\n"
	"  var m = /[#?&]q=([^&]*)/.exec(location.hash) || /[?&]q=([^&]*)/.exec(location.search);\n"
	"  if (m) { box.value = decodeURIComponent(m[1].replace(/\\+/g, ' ')); search(); }\n"
	"})();\n"
	"</script>\n";

static int write_html(FILE *f, const void *ctx)
{
	(void)ctx;
	const struct repo_entry **rows = xcalloc(idx.n + 1, sizeof *rows);
	for (size_t i = 0; i < idx.n; i++)
		rows[i] = &idx.entries[i];
	if (idx.n)
		qsort(rows, idx.n, sizeof *rows, by_distro_kernel);
	size_t ndistros = 0;
	for (size_t i = 0; i < idx.n; i++)
		if (!i || strcmp(rows[i]->distro, rows[i - 1]->distro))
			ndistros++;
	struct repo_matrix m;
	repo_matrix(&idx, &m);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Falco probes</title>\n<style>\n"
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
	      "</style>\n</head>\n<body>\n<h1>Falco probes</h1>\n", f);
	char when[64] = "";
	struct tm tm;
	if (run_time && gmtime_r(&run_time, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	char iso[64] = "";
	if (run_time && gmtime_r(&run_time, &tm))
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (*when)
		fprintf(f, "<p id=\"run\">Run of <time datetime=\"%s\">%s</time>.</p>\n", iso, when);
	fprintf(f, "<p id=\"summary\">%zu probe%s for %zu distribution%s. Use this repository as "
		   "Falco's <code>DRIVERS_REPO</code>. Machine-readable: <a href=\"index.json\">index.json</a>",
		idx.n, idx.n == 1 ? "" : "s", ndistros, ndistros == 1 ? "" : "s");
	if (signed_repo)
		fputs(" (minisign signature: <a href=\"index.json.minisig\">index.json.minisig</a>)", f);
	fputs(".</p>\n<ul id=\"checksums\">\n", f);
	for (size_t i = 0; i < idx.n; i++) {
		char *d = repo_dirname(idx.entries[i].path), *prev = i ? repo_dirname(idx.entries[i - 1].path) : NULL;
		if (!prev || strcmp(d, prev)) {
			char *sums = xasprintf("%s%sSHA256SUMS", d, *d ? "/" : "");
			fputs("<li><a href=\"", f);
			href(f, sums);
			fputs("\">", f);
			html(f, sums);
			fputs("</a>", f);
			if (signed_repo) {
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
	      "placeholder=\"e.g. 6.1.0-9-amd64\"></label></form>\n<p id=\"search-result\"></p>\n", f);
	write_matrix(f, &m);
	write_kernels(f);
	fputs("<h2 id=\"probes\">Probes</h2>\n<ul id=\"distributions\">\n", f);
	for (size_t i = 0, start = 0; i < idx.n; i++) {
		if (i + 1 < idx.n && !strcmp(rows[i + 1]->distro, rows[i]->distro))
			continue;
		fputs("<li><a href=\"#", f);
		html(f, rows[i]->distro);
		fputs("\">", f);
		html(f, rows[i]->distro);
		fprintf(f, "</a>: %zu</li>\n", i + 1 - start);
		start = i + 1;
	}
	fputs("</ul>\n", f);
	for (size_t i = 0; i < idx.n; i++) {
		const struct repo_entry *e = rows[i];
		if (!i || strcmp(e->distro, rows[i - 1]->distro)) {
			if (i)
				fputs("</tbody>\n</table>\n", f);
			fputs("<h2 id=\"", f);
			html(f, e->distro);
			fputs("\">", f);
			html(f, e->distro);
			fputs("</h2>\n<table class=\"probes\" data-distro=\"", f);
			html(f, e->distro);
			fputs("\">\n<thead><tr><th>Kernel release</th><th>Kernel version</th><th>uname -r</th>"
			      "<th>Arch</th><th>Driver version</th><th>Probe</th><th>Size</th><th>SHA-256</th>"
			      "<th>Boot check</th></tr></thead>\n<tbody>\n", f);
		}
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
		fputs("</td><td><a href=\"", f);
		href(f, e->path);
		fputs("\">", f);
		html(f, base);
		fprintf(f, "</a></td><td class=\"size\">%llu</td><td class=\"sha256\">%s</td><td>", e->size, e->sha256);
		html(f, repo_verified_result(e));
		fputs("</td></tr>\n", f);
	}
	if (idx.n)
		fputs("</tbody>\n</table>\n", f);
	fputs(search_js, f);
	fputs("</body>\n</html>\n", f);
	repo_free_matrix(&m);
	free(rows);
	return ferror(f) ? -1 : 0;
}

static void usage(void)
{
	fputs("usage: repo-index --dist DIR [--records DIR] [--toolchain FILE]... [--published INDEX]\n"
	      "                  [--merge INDEX]... [--upload-list FILE] [--status FILE] [--signed yes|no]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dist = NULL, *records = NULL, *published = NULL, *upload = NULL, *status = NULL;
	set_prog(argv[0]);
	const char **merges = xcalloc((size_t)argc, sizeof *merges);
	const char **toolchains = xcalloc((size_t)argc, sizeof *toolchains);
	size_t nmerges = 0, ntoolchains = 0;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--dist"))
			dist = val;
		else if (!strcmp(opt, "--records"))
			records = val;
		else if (!strcmp(opt, "--published"))
			published = val;
		else if (!strcmp(opt, "--merge"))
			merges[nmerges++] = val;
		else if (!strcmp(opt, "--toolchain"))
			toolchains[ntoolchains++] = val;
		else if (!strcmp(opt, "--upload-list"))
			upload = val;
		else if (!strcmp(opt, "--status"))
			status = val;
		else if (!strcmp(opt, "--signed") && (!strcmp(val, "yes") || !strcmp(val, "no")))
			signed_repo = !strcmp(val, "yes");
		else
			usage();
	}
	if (!dist)
		usage();

	char err[2048];
	/* This run's coverage first: of two outputs that are not pending, the first stays. */
	if (status) {
		if (repo_read_coverage(status, &idx, err, sizeof err) != 0)
			die("%s", err);
		newest(status);
	}
	/* Published entries first, then merged ones, then records: of two equal entries the
	 * first is kept, so what is online stays as it is described there. */
	size_t pub_out = idx.nout, pub_out_end = idx.nout;
	if (published) {
		size_t before = idx.n;
		if (repo_read_index(published, &idx, err, sizeof err) != 0)
			die("%s", err);
		for (size_t i = before; i < idx.n; i++)
			idx.entries[i].published = true;
		pub_out_end = idx.nout;
		newest(published);
	}
	for (size_t i = 0; i < nmerges; i++) {
		if (repo_read_index(merges[i], &idx, err, sizeof err) != 0)
			die("%s", err);
		newest(merges[i]);
	}
	/* Yesterday's coverage (the published index's) comes after tonight's shards'. */
	for (size_t i = pub_out; i < pub_out_end; i++)
		idx.outputs[i].seq += (size_t)1 << 30;
	if (records) {
		walk_tree(records, ".rec", false);
		for (size_t i = 0; i < walk.n; i++) {
			char *file = join(records, walk.paths[i]);
			newest(file);
			struct repo_entry e;
			if (repo_read_record(file, &e, err, sizeof err) != 0)
				die("%s", err);
			size_t n = strlen(walk.paths[i]) - strlen(".rec");
			if (strlen(e.path) != n || strncmp(e.path, walk.paths[i], n))
				die_at(file, "names probe %s, not %.*s", e.path, (int)n, walk.paths[i]);
			char *probe = join(dist, e.path);
			struct stat st;
			if (stat(probe, &st) == 0)
				repo_add(&idx, &e);
			else
				repo_free_entry(&e); /* not part of this repository */
			free(probe);
			free(file);
		}
	}
	repo_sort(&idx);

	/* One entry per path; a second one must describe the same bytes. */
	size_t kept = 0;
	for (size_t i = 0; i < idx.n; i++) {
		struct repo_entry *e = &idx.entries[i];
		if (kept && !strcmp(idx.entries[kept - 1].path, e->path)) {
			struct repo_entry *first = &idx.entries[kept - 1];
			if (strcmp(first->sha256, e->sha256) || first->size != e->size)
				problem("%s: %s has sha256 %s (%llu bytes), %s has %s (%llu bytes): a published "
					"probe never changes", e->path, first->origin, first->sha256, first->size,
					e->origin, e->sha256, e->size);
			repo_free_entry(e);
			continue;
		}
		if (kept != i)
			idx.entries[kept] = *e;
		kept++;
	}
	idx.n = kept;

	/* Every probe file in DIST is described, and exactly. */
	bool *present = xcalloc(idx.n, sizeof *present);
	walk_tree(dist, NULL, true);
	for (size_t i = 0; i < walk.n; i++) {
		const char *rel = walk.paths[i];
		char *file = join(dist, rel);
		struct repo_entry *e = repo_valid_path(rel) ? repo_find(&idx, rel) : NULL;
		char hex[SHA256_HEX_SIZE];
		unsigned long long size;
		if (!repo_valid_path(rel))
			problem("%s: not a name a repository can hold", file);
		else if (!e)
			problem("%s: no record or index describes it (build it with make, or remove it)", file);
		else if (sha256_file(file, hex, &size) != 0)
			problem("%s: cannot read it: %s", file, strerror(errno));
		else if (strcmp(hex, e->sha256) || size != e->size)
			problem("%s: sha256 %s (%llu bytes), but %s says %s (%llu bytes)", file, hex, size,
				e->origin, e->sha256, e->size);
		else
			present[e - idx.entries] = true;
		free(file);
	}
	for (size_t i = 0; i < idx.n; i++)
		if (!idx.entries[i].published && !present[i])
			problem("%s (from %s) is neither published nor in %s", idx.entries[i].path,
				idx.entries[i].origin, dist);

	/* A boot verification's verdict travels with the probe it was reached for. */
	for (size_t i = 0; i < idx.n; i++) {
		struct repo_entry *e = &idx.entries[i];
		if (!present[i])
			continue;
		char *probe = join(dist, e->path), *verified = xasprintf("%s.verified", probe);
		struct repo_entry v = { 0 };
		if (access(verified, F_OK) == 0) {
			if (repo_read_kv(verified, &v, err, sizeof err) != 0)
				problem("%s", err);
			const char *sha = NULL;
			for (size_t k = 0; k < v.nverified; k++)
				if (!strcmp(v.verified[k].key, "probe_sha256"))
					sha = v.verified[k].value;
			if (sha && strcmp(sha, e->sha256))
				warn_at(verified, "verifies another build of %s; left out", e->path);
			else if (v.nverified) {
				for (size_t k = 0; k < e->nverified; k++) {
					free(e->verified[k].key);
					free(e->verified[k].value);
				}
				free(e->verified);
				e->verified = v.verified;
				e->nverified = v.nverified;
				v.verified = NULL;
				v.nverified = 0;
			}
		}
		repo_free_entry(&v);
		free(verified);
		free(probe);
	}

	if (problems)
		die("%d problem%s: no index written", problems, problems == 1 ? "" : "s");

	for (size_t i = 0; i < ntoolchains; i++) {
		char *text = read_text(toolchains[i]);
		char hex[SHA256_HEX_SIZE];
		sha256_buffer(text, strlen(text), hex);
		repo_add_toolchain(&idx, hex, text);
		free(text);
	}
	/* Only the toolchains that some probe was built with. */
	size_t tkept = 0;
	for (size_t t = 0; t < idx.ntoolchains; t++) {
		bool used = false;
		for (size_t i = 0; i < idx.n && !used; i++)
			used = !strcmp(idx.entries[i].toolchain_sha256, idx.toolchains[t].sha256);
		if (used)
			idx.toolchains[tkept++] = idx.toolchains[t];
		else {
			free(idx.toolchains[t].sha256);
			free(idx.toolchains[t].text);
		}
	}
	idx.ntoolchains = tkept;
	repo_sort(&idx);
	repo_settle_coverage(&idx);

	if (mkdir(dist, 0777) != 0 && errno != EEXIST)
		die_at(dist, "%s", strerror(errno));
	/* Every directory that holds a probe gets its SHA256SUMS, written once. */
	char **dirs = xcalloc(idx.n, sizeof *dirs);
	for (size_t i = 0; i < idx.n; i++)
		dirs[i] = repo_dirname(idx.entries[i].path);
	qsort(dirs, idx.n, sizeof *dirs, str_cmp);
	for (size_t i = 0; i < idx.n; i++) {
		if (i && !strcmp(dirs[i], dirs[i - 1]))
			continue;
		char *file = xasprintf("%s/%s%sSHA256SUMS", dist, dirs[i], *dirs[i] ? "/" : "");
		/* A directory of published probes only may not exist here yet. */
		for (char *s = file + strlen(dist) + 1; (s = strchr(s, '/')); s++) {
			*s = 0;
			if (mkdir(file, 0777) != 0 && errno != EEXIST)
				die_at(file, "%s", strerror(errno));
			*s = '/';
		}
		write_atomic(file, write_sums, dirs[i]);
		free(file);
	}
	for (size_t i = 0; i < idx.n; i++)
		free(dirs[i]);
	free(dirs);
	char *json = join(dist, "index.json"), *page = join(dist, "index.html");
	write_atomic(json, write_json, NULL);
	run_time = input_time;
	write_atomic(page, write_html, NULL);
	if (upload)
		write_atomic(upload, write_upload, NULL);
	size_t fresh = 0;
	for (size_t i = 0; i < idx.n; i++)
		fresh += !idx.entries[i].published;
	printf("  INDEX   %s: %zu probes, %zu not yet published\n", json, idx.n, fresh);

	free(json);
	free(page);
	free(present);
	for (size_t i = 0; i < walk.n; i++)
		free(walk.paths[i]);
	free(walk.paths);
	free(merges);
	free(toolchains);
	repo_free(&idx);
	return 0;
}
