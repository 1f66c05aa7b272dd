/* repo-query: answer questions about a probe repository's index.json.
 *
 *   repo-query paths INDEX           every probe's repository path, one a line, sorted
 *   repo-query has INDEX PATH        exit 0 if INDEX lists PATH, 1 if it does not
 *   repo-query show INDEX PATH       the probe's entry as its record's key=value lines
 *   repo-query toolchain INDEX SHA   the toolchain text with that SHA-256
 *   repo-query dirs INDEX            every directory that holds probes ("." for the top)
 *   repo-query sums INDEX DIR        the SHA256SUMS that DIR must hold, byte for byte
 *   repo-query summary INDEX text|markdown [NOW]   the coverage matrix and the time to driver,
 *                                    its ages counted to NOW (seconds since 1970; default now)
 *                                    (make summary)
 *
 * Exit status: 0, 1 for "not there" (has, show, toolchain), 2 for a usage error or an index
 * that cannot be read (named, with its line), so that "missing" never hides "broken". */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "repo.h"

static struct repo_index idx;

static int done(int status)
{
	repo_free(&idx);
	return status;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	die_status = 2;
	if (argc < 3) {
		fputs("usage: repo-query paths|has|show|toolchain|dirs|sums|summary INDEX [ARG]\n", stderr);
		return 2;
	}
	const char *cmd = argv[1], *file = argv[2], *arg = argc > 3 ? argv[3] : NULL;
	bool wants_arg = !strcmp(cmd, "has") || !strcmp(cmd, "show") || !strcmp(cmd, "toolchain") ||
			 !strcmp(cmd, "sums") || !strcmp(cmd, "summary");
	bool known = wants_arg || !strcmp(cmd, "paths") || !strcmp(cmd, "dirs");
	if (!known || (argc != (wants_arg ? 4 : 3) && !(!strcmp(cmd, "summary") && argc == 5)) ||
	    (argc == 5 && strspn(argv[4], "0123456789") != strlen(argv[4])) ||
	    (!strcmp(cmd, "summary") && strcmp(arg, "text") && strcmp(arg, "markdown"))) {
		warn("usage: repo-query %s INDEX%s", cmd, wants_arg ? " ARG" : "");
		return 2;
	}
	char err[2048];
	if (repo_read_index(file, &idx, err, sizeof err) != 0) {
		warn("%s", err);
		return done(2);
	}
	repo_sort(&idx);
	for (size_t i = 1; i < idx.n; i++)
		if (!strcmp(idx.entries[i].path, idx.entries[i - 1].path)) {
			warn_at(file, "%s is listed twice", idx.entries[i].path);
			return done(2);
		}

	if (!strcmp(cmd, "paths")) {
		for (size_t i = 0; i < idx.n; i++)
			printf("%s\n", idx.entries[i].path);
	} else if (!strcmp(cmd, "has")) {
		return done(repo_find(&idx, arg) ? 0 : 1);
	} else if (!strcmp(cmd, "show")) {
		const struct repo_entry *e = repo_find(&idx, arg);
		if (!e) {
			warn("%s does not list %s", file, arg);
			return done(1);
		}
		repo_write_record(stdout, e);
	} else if (!strcmp(cmd, "toolchain")) {
		const struct repo_toolchain *t = repo_find_toolchain(&idx, arg);
		if (!t) {
			warn("%s has no toolchain %s", file, arg);
			return done(1);
		}
		fputs(t->text, stdout);
	} else if (!strcmp(cmd, "dirs")) {
		char **dirs = xcalloc(idx.n, sizeof *dirs);
		for (size_t i = 0; i < idx.n; i++)
			dirs[i] = repo_dirname(idx.entries[i].path);
		qsort(dirs, idx.n, sizeof *dirs, str_cmp);
		for (size_t i = 0; i < idx.n; i++)
			if (!i || strcmp(dirs[i], dirs[i - 1]))
				printf("%s\n", *dirs[i] ? dirs[i] : ".");
		for (size_t i = 0; i < idx.n; i++)
			free(dirs[i]);
		free(dirs);
	} else if (!strcmp(cmd, "summary")) {
		repo_settle_coverage(&idx);
		repo_write_summary(stdout, &idx, !strcmp(arg, "markdown"),
				   argc == 5 ? strtoull(argv[4], NULL, 10) : (unsigned long long)time(NULL));
	} else {
		repo_write_sums(stdout, &idx, strcmp(arg, ".") ? arg : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("write error");
		return done(2);
	}
	return done(0);
}
