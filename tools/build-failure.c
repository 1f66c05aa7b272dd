/* build-failure: whether a failed build says why the driver cannot be made for its kernel.
 *
 *   build-failure [--path DIR]... LOG
 *
 * LOG is the log of a compile that failed (kbuild's output, the compiler's, the linker's). It
 * prints one line, tab-separated:
 *   verdict <the first diagnostic line>   the build itself says why: a compiler, assembler,
 *                                         linker or llc diagnostic, modpost's ERROR, kbuild's
 *                                         own refusal; the same inputs would fail the same way
 *   fault   <the first line of the cause> anything else: a program that could not start, a
 *                                         path missing outside the driver and the headers,
 *                                         permissions, namespaces, memory, a signal, a full
 *                                         disk, or no diagnostic at all
 * A sign of a fault anywhere in the log makes the whole failure a fault, even after a
 * diagnostic: when in doubt, it is a fault (retried next run), never a verdict (kept until an
 * input changes). Each --path DIR is a tree the build reads (the kernel's headers, the driver's
 * copy): a file missing there is the build's own fact, and DIR/ is left out of the line
 * printed, so that a reason is the same in any work directory. The line is cut to 200 bytes.
 * Exit 1 when LOG cannot be read (naming it), 2 on a usage error. */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define REASON_MAX 200

/* Signs that the failure is this machine's, not the build's. */
static const char *const fault_patterns[] = {
	"No space left on device|Disk quota exceeded",
	"Cannot allocate memory|[Oo]ut of memory|virtual memory exhausted|Killed signal terminated program",
	"internal compiler error",
	"^bwrap: ",
	"Operation not permitted|Permission denied|Read-only file system",
	"command not found|: not found$|cannot execute|error trying to exec|Exec format error",
	"GLIBC_[0-9.]+'? not found|cannot open shared object file",
	"Resource temporarily unavailable|Too many open files|Input/output error|Stale file handle",
	"^(/usr/bin/)?time: ",
	"(Terminated|Killed|Interrupt|Hangup|Segmentation fault|Bus error|Aborted)( \\(core dumped\\))?$",
	/* a program of another architecture's toolchain than the kernel's (a cross-build's linker
	 * missing), and the driver's own configure saying it cannot build even an empty module:
	 * the toolchain, never the kernel */
	"unrecognised emulation mode|The build system is broken",
	/* kbuild told of a build directory that is not there (a tree not relocated where it was
	 * extracted): this pipeline's, never the kernel's */
	"specified kernel directory \"[^\"]*\" does not exist",
	/* make's report of a program that could not run (126, 127) or died of a signal (128 + n) */
	"\\] Error (12[6-9]|1[3-9][0-9]|2[0-9][0-9])$",
};

/* A path that is not there: the build's own fact only inside its trees (below), or in a
 * compiler's diagnostic (a header the kernel does not have). */
static const char *const missing_pattern = "No such file or directory";

/* The build's own diagnostics. */
static const char *const evidence_patterns[] = {
	/* a compiler's, preprocessor's or assembler's diagnostic at a place in a file */
	"^[^ :][^:]*:[0-9]+(:[0-9]+)?: (fatal )?error: ",
	"^[^ :][^:]*:[0-9]+: Error: ",
	/* a compiler driver refusing its arguments or its input */
	"^[^ :]*(gcc|clang|cc)(-[0-9.]+)?: (fatal )?error: ",
	/* llc and LLVM refusing the program (the BPF backend's stack limit, an unsupported call) */
	"^(llc(-[0-9.]+)?: |LLVM ERROR: |fatal error: error in backend: |error: )",
	/* the linker */
	"(^|/)ld(\\.[a-z]+)?: .*(undefined|multiple definition|error)|undefined reference to ",
	/* kbuild's own refusals: modpost's ERROR, an invalid configuration, a Makefile's $(error) */
	"^ *ERROR: ",
	"^[^ ]*Makefile[^ :]*:[0-9]+: \\*\\*\\* ",
};
/* A diagnostic that names a place in a file: "No such file or directory" there is the build's. */
#define LOCATED 0

/* make's "No rule to make target 'X'": the build's fact when X is in one of its trees. */
static const char *const no_rule_pattern = "No rule to make target ['`]([^']*)'";

struct classifier {
	regex_t fault[sizeof fault_patterns / sizeof *fault_patterns];
	regex_t evidence[sizeof evidence_patterns / sizeof *evidence_patterns];
	regex_t missing, no_rule;
	const char **paths;
	size_t npaths;
};

static void compile(regex_t *re, const char *pattern)
{
	int rc = regcomp(re, pattern, REG_EXTENDED);
	if (rc) {
		char msg[256];
		regerror(rc, re, msg, sizeof msg);
		die("pattern '%s': %s", pattern, msg);
	}
}

static void classifier_init(struct classifier *c, const char **paths, size_t npaths)
{
	for (size_t i = 0; i < sizeof fault_patterns / sizeof *fault_patterns; i++)
		compile(&c->fault[i], fault_patterns[i]);
	for (size_t i = 0; i < sizeof evidence_patterns / sizeof *evidence_patterns; i++)
		compile(&c->evidence[i], evidence_patterns[i]);
	compile(&c->missing, missing_pattern);
	compile(&c->no_rule, no_rule_pattern);
	c->paths = paths;
	c->npaths = npaths;
}

static void classifier_free(struct classifier *c)
{
	for (size_t i = 0; i < sizeof fault_patterns / sizeof *fault_patterns; i++)
		regfree(&c->fault[i]);
	for (size_t i = 0; i < sizeof evidence_patterns / sizeof *evidence_patterns; i++)
		regfree(&c->evidence[i]);
	regfree(&c->missing);
	regfree(&c->no_rule);
}

static bool matches(const regex_t *re, const char *line)
{
	return regexec(re, line, 0, NULL, 0) == 0;
}

/* Whether path is one of the build's trees or below one; a relative path is the build's own. */
static bool in_trees(const struct classifier *c, const char *path)
{
	if (path[0] != '/')
		return true;
	for (size_t i = 0; i < c->npaths; i++) {
		size_t n = strlen(c->paths[i]);
		if (n && !strncmp(path, c->paths[i], n) && (path[n] == '/' || !path[n]))
			return true;
	}
	return false;
}

enum kind { NONE, EVIDENCE, FAULT };

/* What one line of the log says. In a configure check's output (in_check) only the machine's
 * faults count: the check's errors, a header or program it looks for that is not there, are
 * what it asks, and no reason of the build's. */
static enum kind classify_line(const struct classifier *c, const char *line, bool in_check)
{
	regmatch_t m[2];
	if (in_check) {
		for (size_t i = 0; i < sizeof fault_patterns / sizeof *fault_patterns; i++)
			if (matches(&c->fault[i], line) && !matches(&c->missing, line))
				return FAULT;
		return NONE;
	}
	if (regexec(&c->no_rule, line, 2, m, 0) == 0) {
		char *target = xstrndup(line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
		bool ours = in_trees(c, target);
		free(target);
		return ours ? EVIDENCE : FAULT;
	}
	for (size_t i = 0; i < sizeof fault_patterns / sizeof *fault_patterns; i++)
		if (matches(&c->fault[i], line))
			return FAULT;
	if (matches(&c->missing, line) && !matches(&c->evidence[LOCATED], line))
		return FAULT;
	for (size_t i = 0; i < sizeof evidence_patterns / sizeof *evidence_patterns; i++)
		if (matches(&c->evidence[i], line))
			return EVIDENCE;
	return NONE;
}

/* The line as a reason: the trees' paths left out, tabs and control characters as spaces,
 * leading blanks gone, at most REASON_MAX bytes (not cutting a UTF-8 sequence). */
static char *reason_of(const struct classifier *c, const char *line)
{
	char *r = xstrdup(line);
	for (size_t i = 0; i < c->npaths; i++) {
		char *prefix = xasprintf("%s/", c->paths[i]);
		size_t n = strlen(prefix);
		if (n > 1)
			for (char *p; (p = strstr(r, prefix));)
				memmove(p, p + n, strlen(p + n) + 1);
		free(prefix);
	}
	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	size_t skip = strspn(r, " ");
	memmove(r, r + skip, strlen(r + skip) + 1);
	size_t len = strlen(r);
	if (len > REASON_MAX) {
		len = REASON_MAX;
		while (len && ((unsigned char)r[len] & 0xC0) == 0x80)
			len--;
		r[len] = 0;
	}
	while (len && r[len - 1] == ' ')
		r[--len] = 0;
	return r;
}

/* Reads the log f and decides: *kind FAULT or EVIDENCE, *why the line that says so (malloc'd).
 * A log with neither is a fault with no line (*why NULL). Returns -1 on a read error. */
static int classify(const struct classifier *c, FILE *f, enum kind *kind, char **why)
{
	char *line = NULL, *first_evidence = NULL, *first_fault = NULL;
	size_t cap = 0;
	ssize_t len;
	/* falcosecurity/libs' configure checks (configure/<CHECK>/, from 6.0) each build a module
	 * or probe that fails where a kernel lacks what it tests; the driver's Makefile prints
	 * their output (its first line also prefixed) after "[configure-kmod] Build output for
	 * HAS_<CHECK>:" (or -bpf), until the Makefile's next message: another check's output,
	 * "Setting HAS_...", "Build system is sane" (or broken). */
	bool in_check = false;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		if (!strncmp(line, "[configure-", 11)) {
			if (strstr(line, "] Build output for HAS_"))
				in_check = true;
			else if (strstr(line, "] Setting HAS_") || strstr(line, "] Build system is ") ||
				 strstr(line, "] Including "))
				in_check = false;
		}
		/* A NUL inside a line ends it here: what follows is no diagnostic. */
		switch (classify_line(c, line, in_check)) {
		case FAULT:
			if (!first_fault)
				first_fault = reason_of(c, line);
			break;
		case EVIDENCE:
			if (!first_evidence)
				first_evidence = reason_of(c, line);
			break;
		case NONE:
			break;
		}
	}
	free(line);
	if (ferror(f)) {
		free(first_evidence);
		free(first_fault);
		return -1;
	}
	if (first_fault || !first_evidence) {
		*kind = FAULT;
		*why = first_fault;
		free(first_evidence);
	} else {
		*kind = EVIDENCE;
		*why = first_evidence;
	}
	return 0;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	die_status = 1;
	const char **paths = NULL;
	size_t npaths = 0;
	int i = 1;
	for (; i + 1 < argc && !strcmp(argv[i], "--path"); i += 2) {
		paths = xrealloc(paths, (npaths + 1) * sizeof *paths);
		/* A tree's path as the log spells it: no trailing slash. */
		size_t n = strlen(argv[i + 1]);
		while (n > 1 && argv[i + 1][n - 1] == '/')
			argv[i + 1][--n] = 0;
		paths[npaths++] = argv[i + 1];
	}
	if (i != argc - 1 || argv[i][0] == '-') {
		fprintf(stderr, "usage: build-failure [--path DIR]... LOG\n");
		free(paths);
		return 2;
	}
	const char *log = argv[i];
	FILE *f = fopen(log, "r");
	if (!f)
		die_at(log, "%s", strerror(errno));
	struct classifier c;
	classifier_init(&c, paths, npaths);
	enum kind kind;
	char *why = NULL;
	if (classify(&c, f, &kind, &why) < 0)
		die_at(log, "read error");
	fclose(f);
	printf("%s\t%s\n", kind == EVIDENCE ? "verdict" : "fault", why ? why : "the build failed without a diagnostic");
	free(why);
	classifier_free(&c);
	free(paths);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
