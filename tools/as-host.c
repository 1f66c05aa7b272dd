/* as-host: run a command as if on a target host: uname -r/-v/-m and /etc/os-release show the
 * target's values (through fakehost.so, an LD_PRELOAD library).
 *
 *   as-host [OPTIONS] --os-release FILE --uname-r R --uname-v V --uname-m M -- COMMAND...
 *   as-host [OPTIONS] --listing LINE -- COMMAND...
 *   as-host [OPTIONS] [--uname-m M] LISTING-FILE UNAME-R -- COMMAND...
 *
 * LINE is one kernel line of a listing (os-release, uname -m, uname -r, uname -v, ...; see
 * mk/kernels.mk); LISTING-FILE is a listing, from which the line of UNAME-R is taken (and of
 * uname -m M when the listing has that release for several machines). A relative os-release
 * path is taken from --root DIR (default: the current directory, the repository root).
 * OPTIONS: --preload LIB (default: $FAKEHOST_LIB, else fakehost.so next to as-host).
 *
 * The preload reaches only dynamically linked programs that call libc: as-host refuses a
 * statically linked command, a command of another ELF class and a Go program (Go makes its
 * own system calls), as each would silently see this machine. Scripts are checked through
 * their #! interpreter. Children inherit the setting; a static child escapes it.
 * Exit status: the command's, or 125 when as-host itself fails. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common.h"

#define FAIL 125

static void usage(FILE *to, int status)
{
	fprintf(to,
		"usage: as-host [--preload LIB] [--root DIR] --os-release FILE --uname-r R --uname-v V --uname-m M -- COMMAND...\n"
		"       as-host [--preload LIB] [--root DIR] --listing LINE -- COMMAND...\n"
		"       as-host [--preload LIB] [--root DIR] [--uname-m M] LISTING-FILE UNAME-R -- COMMAND...\n");
	exit(status);
}

/* The file execvp would run for NAME. */
static bool resolve(const char *name, char *out, size_t outlen)
{
	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return access(out, X_OK) == 0;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		snprintf(out, outlen, "%.*s%s%s", (int)n, n ? path : ".", "/", name);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return true;
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

static bool readat(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

/* Refuses (dies) unless PATH is a dynamically linked ELF of this machine's class that is not
 * a Go program, following a #! script to its interpreter. */
static void check_program(const char *path, int depth)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_at(path, "%s", strerror(errno));
	unsigned char head[256] = { 0 };
	ssize_t got = pread(fd, head, sizeof head - 1, 0);
	if (got < 4) {
		close(fd);
		die_at(path, "not a program (too short to be ELF or a script)");
	}
	if (head[0] == '#' && head[1] == '!') {
		close(fd);
		if (depth > 2)
			die_at(path, "too many nested #! interpreters");
		char *p = (char *)head + 2;
		p += strspn(p, " \t");
		char *interp = p;
		p += strcspn(p, " \t\n");
		char *arg = *p && *p != '\n' ? p + 1 : NULL;
		*p = 0;
		if (arg) {
			arg += strspn(arg, " \t");
			arg[strcspn(arg, " \t\n")] = 0;
		}
		char real[PATH_MAX];
		/* "#!/usr/bin/env prog": env is checked, and so is prog, as env will run it. */
		check_program(interp, depth + 1);
		const char *base = strrchr(interp, '/');
		if (arg && *arg && *arg != '-' && !strcmp(base ? base + 1 : interp, "env")) {
			if (!resolve(arg, real, sizeof real))
				die_at(path, "its interpreter %s is not in PATH", arg);
			check_program(real, depth + 1);
		}
		return;
	}
	if (memcmp(head, ELFMAG, SELFMAG)) {
		close(fd);
		die_at(path, "neither an ELF program nor a #! script");
	}
	if (head[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)) {
		close(fd);
		die_at(path, "a %d-bit program cannot load this machine's %zu-bit fakehost.so",
		       head[EI_CLASS] == ELFCLASS64 ? 64 : 32, sizeof(void *) * 8);
	}
	ElfW(Ehdr) eh;
	if (!readat(fd, &eh, sizeof eh, 0)) {
		close(fd);
		die_at(path, "truncated ELF header");
	}
	bool interp = false;
	for (unsigned i = 0; i < eh.e_phnum && !interp; i++) {
		ElfW(Phdr) ph;
		if (!readat(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (ElfW(Off))i * eh.e_phentsize))) {
			close(fd);
			die_at(path, "truncated program headers");
		}
		interp = ph.p_type == PT_INTERP;
	}
	if (!interp) {
		close(fd);
		die("%s is statically linked (no PT_INTERP): LD_PRELOAD cannot reach it, so it would "
		    "see this machine's uname and os-release, not the target's", path);
	}
	/* Go programs call the kernel directly for uname and open: the preload sees nothing. */
	bool go = false;
	ElfW(Shdr) strs;
	if (eh.e_shstrndx != SHN_UNDEF && eh.e_shstrndx < eh.e_shnum &&
	    readat(fd, &strs, sizeof strs, (off_t)(eh.e_shoff + (ElfW(Off))eh.e_shstrndx * eh.e_shentsize))) {
		for (unsigned i = 0; i < eh.e_shnum && !go; i++) {
			ElfW(Shdr) sh;
			char name[16] = { 0 };
			if (readat(fd, &sh, sizeof sh, (off_t)(eh.e_shoff + (ElfW(Off))i * eh.e_shentsize)) &&
			    pread(fd, name, sizeof name - 1, (off_t)(strs.sh_offset + sh.sh_name)) > 0)
				go = !strcmp(name, ".go.buildinfo");
		}
	}
	close(fd);
	if (go)
		die("%s is a Go program: it makes its own system calls, so LD_PRELOAD cannot show it "
		    "the target's uname and os-release", path);
}

/* Splits a listing line into its first four TAB-separated fields (in place). */
static bool split_line(char *line, char *field[4])
{
	line[strcspn(line, "\r\n")] = 0;
	for (int i = 0; i < 4; i++) {
		field[i] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			return i == 3 && *line;
		*tab = 0;
		line = tab + 1;
	}
	return true;
}

/* The line of LISTING-FILE whose uname -r is WANT_R (and uname -m WANT_M, when given). */
static char *listing_line(const char *file, const char *want_r, const char *want_m)
{
	FILE *f = fopen(file, "r");
	if (!f)
		die_at(file, "%s", strerror(errno));
	char *l = NULL, *found = NULL;
	size_t cap = 0;
	long lineno = 0, found_at = 0;
	while (getline(&l, &cap, f) >= 0) {
		lineno++;
		if (l[0] == '#' || l[0] == '\n')
			continue;
		char *copy = xstrdup(l), *fl[4];
		if (!split_line(copy, fl))
			die_line(file, lineno, "not a kernel line (fewer than 4 TAB-separated fields)");
		if (!strcmp(fl[2], want_r) && (!want_m || !strcmp(fl[1], want_m))) {
			if (found)
				die_at(file, "lines %ld and %ld both list %s; choose one with --uname-m", found_at,
				       lineno, want_r);
			found = l;
			found_at = lineno;
			l = NULL;
			cap = 0;
		}
		free(copy);
	}
	if (ferror(f))
		die_at(file, "read error");
	free(l);
	fclose(f);
	if (!found)
		die_at(file, "no kernel %s%s%s", want_r, want_m ? " for " : "", want_m ? want_m : "");
	return found;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	die_status = FAIL;
	static const struct option longopts[] = {
		{ "os-release", required_argument, NULL, 'o' }, { "uname-r", required_argument, NULL, 'r' },
		{ "uname-v", required_argument, NULL, 'v' },    { "uname-m", required_argument, NULL, 'm' },
		{ "listing", required_argument, NULL, 'l' },    { "preload", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'R' },       { "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *os_release = NULL, *uname_r = NULL, *uname_v = NULL, *uname_m = NULL;
	const char *listing = NULL, *preload = NULL, *root = NULL;
	int c;
	/* '+': stop at the first operand, so the command's own options stay its own. */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': os_release = optarg; break;
		case 'r': uname_r = optarg; break;
		case 'v': uname_v = optarg; break;
		case 'm': uname_m = optarg; break;
		case 'l': listing = optarg; break;
		case 'p': preload = optarg; break;
		case 'R': root = optarg; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, FAIL);
		}
	}
	char **cmd;
	char *line = NULL, *field[4];
	if (optind > 1 && !strcmp(argv[optind - 1], "--")) {
		/* getopt stopped at "--": the explicit or --listing form */
		cmd = argv + optind;
	} else {
		/* LISTING-FILE UNAME-R -- COMMAND... */
		if (argc - optind < 3 || strcmp(argv[optind + 2], "--") || listing || os_release)
			usage(stderr, FAIL);
		cmd = argv + optind + 3;
		line = listing_line(argv[optind], argv[optind + 1], uname_m);
	}
	if (listing) {
		line = xstrdup(listing);
	}
	if (line) {
		if (os_release || uname_r || uname_v || (listing && uname_m))
			usage(stderr, FAIL);
		if (!split_line(line, field))
			die("listing line '%s': expected os-release, uname -m, uname -r, uname -v separated by TABs",
			    line);
		os_release = field[0];
		uname_m = field[1];
		uname_r = field[2];
		uname_v = field[3];
	}
	if (!os_release || !uname_r || !uname_v || !uname_m || !*cmd)
		usage(stderr, FAIL);
	struct utsname u;
	const struct {
		const char *what, *value;
	} values[] = { { "uname -r", uname_r }, { "uname -v", uname_v }, { "uname -m", uname_m } };
	for (int i = 0; i < 3; i++)
		if (!*values[i].value || strlen(values[i].value) >= sizeof u.release)
			die("%s '%s' does not fit uname(2) (1 to %zu characters)", values[i].what, values[i].value,
			    sizeof u.release - 1);

	char osr[PATH_MAX * 2], real_osr[PATH_MAX];
	if (os_release[0] != '/' && root)
		snprintf(osr, sizeof osr, "%s/%s", root, os_release);
	else
		snprintf(osr, sizeof osr, "%s", os_release);
	if (!realpath(osr, real_osr))
		die_at(osr, "%s", strerror(errno));
	if (access(real_osr, R_OK) != 0)
		die_at(real_osr, "%s", strerror(errno));

	char lib[PATH_MAX + 32], self[PATH_MAX];
	if (!preload)
		preload = getenv("FAKEHOST_LIB");
	if (!preload || !*preload) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n < 0)
			die("/proc/self/exe: %s (use --preload)", strerror(errno));
		self[n] = 0;
		char *slash = strrchr(self, '/');
		*slash = 0;
		snprintf(lib, sizeof lib, "%s/fakehost.so", self);
		preload = lib;
	}
	char real_lib[PATH_MAX];
	if (!realpath(preload, real_lib))
		die_at(preload, "%s (build it with make tools, or name it with --preload)", strerror(errno));

	char exe[PATH_MAX];
	if (!resolve(cmd[0], exe, sizeof exe))
		die_at(cmd[0], "command not found");
	check_program(exe, 0);

	const char *old = getenv("LD_PRELOAD");
	char *ld = xasprintf("%s%s%s", real_lib, old && *old ? ":" : "", old && *old ? old : "");
	if (setenv("LD_PRELOAD", ld, 1) || setenv("FAKEHOST_UNAME_R", uname_r, 1) ||
	    setenv("FAKEHOST_UNAME_V", uname_v, 1) || setenv("FAKEHOST_UNAME_M", uname_m, 1) ||
	    setenv("FAKEHOST_OS_RELEASE", real_osr, 1))
		die("setenv: %s", strerror(errno));
	free(ld);
	execv(exe, cmd);
	die_at(exe, "%s", strerror(errno));
}
