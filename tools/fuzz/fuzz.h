/* What the libFuzzer harnesses of tools/fuzz/ share (mk/fuzz.mk builds them, mk/fuzz.sh runs
 * them).
 *
 * A harness calls a tool's parser as the tool calls it, mostly by including the tool's source
 * with its main renamed, so that its static functions are reachable and nothing is copied:
 *
 *   #include "fuzz.h"
 *   #include <archive.h>          every header the tool includes, then
 *   #include "fuzz-own.h"         (the tool's allocations and handles are tracked from here on)
 *   #define main tool_main
 *   #include "../tool.c"
 *
 * Two things of a tool do not suit a fuzzer, and are handled here:
 *   - die() ends the program: a harness runs the tool's code in FUZZ_TRY, and a die() inside
 *     comes back to it (by die_hook and longjmp) as a refusal, which is the right answer to most
 *     inputs. The tool would have exited and left its memory, files and libarchive or libxml2
 *     handles to the kernel; here they would pile up input after input, so fuzz-own.h makes
 *     the tool's source register them as it takes them (fuzz_own) and fuzz_end() releases what a
 *     dying tool still held, last taken first. What a tool holds after a run that did not die is
 *     forgotten, not released: if nothing else refers to it, LeakSanitizer reports it.
 *     Descriptors the input opened are closed after it (fuzz_end), whoever opened them.
 *   - tools read files by name: fuzz_file() puts the input in a memory file and names it
 *     /proc/self/fd/N, which open() opens anew at offset 0 each time.
 *
 * Each input: FUZZ_TRY { the tool's calls }, then the harness resets the tool's static state,
 * then fuzz_end(). */
#ifndef FUZZ_H
#define FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common.h"

/* ---- what a tool holds: a table of (object, how to release it), by address ---- */

struct fuzz_res {
	void *p;
	void (*release)(void *);
	unsigned long seq;
};

static struct fuzz_res *fuzz_tab;
static size_t fuzz_cap, fuzz_n;
static unsigned long fuzz_seq;

static inline size_t fuzz_hash(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull);
}

static inline void fuzz_put(struct fuzz_res r)
{
	size_t i = fuzz_hash(r.p) & (fuzz_cap - 1);
	while (fuzz_tab[i].p)
		i = (i + 1) & (fuzz_cap - 1);
	fuzz_tab[i] = r;
}

/* Registers p (NULL is ignored) and returns it. */
static inline void *fuzz_own(void *p, void (*release)(void *))
{
	if (!p)
		return p;
	if ((fuzz_n + 1) * 2 > fuzz_cap) {
		struct fuzz_res *old = fuzz_tab;
		size_t oldcap = fuzz_cap;
		fuzz_cap = fuzz_cap ? fuzz_cap * 2 : 1024;
		fuzz_tab = calloc(fuzz_cap, sizeof *fuzz_tab);
		if (!fuzz_tab)
			abort();
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].p)
				fuzz_put(old[i]);
		free(old);
	}
	fuzz_put((struct fuzz_res){ p, release, ++fuzz_seq });
	fuzz_n++;
	return p;
}

/* Forgets p (the tool released it itself); nothing when p was not registered. */
static inline void fuzz_disown(const void *p)
{
	if (!p || !fuzz_n)
		return;
	size_t i = fuzz_hash(p) & (fuzz_cap - 1);
	while (fuzz_tab[i].p && fuzz_tab[i].p != p)
		i = (i + 1) & (fuzz_cap - 1);
	if (!fuzz_tab[i].p)
		return;
	fuzz_tab[i].p = NULL;
	fuzz_n--;
	/* Linear probing: the entries after the hole that hashed before it move up. */
	for (size_t j = (i + 1) & (fuzz_cap - 1); fuzz_tab[j].p; j = (j + 1) & (fuzz_cap - 1)) {
		struct fuzz_res r = fuzz_tab[j];
		fuzz_tab[j].p = NULL;
		fuzz_put(r);
	}
}

static inline int fuzz_by_seq_desc(const void *a, const void *b)
{
	const struct fuzz_res *x = a, *y = b;
	return (x->seq < y->seq) - (x->seq > y->seq);
}

/* Releases everything registered, the last taken first (a stream before the buffer it fills). */
static inline void fuzz_release_all(void)
{
	if (!fuzz_n)
		return;
	struct fuzz_res *all = malloc(fuzz_n * sizeof *all);
	size_t n = 0;
	if (!all)
		abort();
	for (size_t i = 0; i < fuzz_cap; i++)
		if (fuzz_tab[i].p)
			all[n++] = fuzz_tab[i];
	memset(fuzz_tab, 0, fuzz_cap * sizeof *fuzz_tab);
	fuzz_n = 0;
	qsort(all, n, sizeof *all, fuzz_by_seq_desc);
	for (size_t i = 0; i < n; i++)
		all[i].release(all[i].p);
	free(all);
}

static inline void fuzz_forget_all(void)
{
	if (fuzz_n)
		memset(fuzz_tab, 0, fuzz_cap * sizeof *fuzz_tab);
	fuzz_n = 0;
}

/* ---- file descriptors: what a tool left open is closed after each input ---- */

#define FUZZ_MAX_FD 4096
static unsigned char fuzz_fd_open[FUZZ_MAX_FD], fuzz_fd_kept[FUZZ_MAX_FD];

/* A descriptor of the harness's own, kept from input to input. */
static inline void fuzz_keep_fd(int fd)
{
	if (fd >= 0 && fd < FUZZ_MAX_FD)
		fuzz_fd_kept[fd] = 1;
}

/* Calls f on each open descriptor. */
static inline void fuzz_each_fd(void (*f)(int))
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("/proc/self/fd");
		abort();
	}
	int self = dirfd(d), fds[FUZZ_MAX_FD], n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			int fd = atoi(e->d_name);
			if (fd != self && fd >= 0 && fd < FUZZ_MAX_FD)
				fds[n++] = fd;
		}
	closedir(d);
	for (int i = 0; i < n; i++)
		f(fds[i]);
}

static inline void fuzz_note_fd(int fd)
{
	fuzz_fd_open[fd] = 1;
}

static inline void fuzz_close_new_fd(int fd)
{
	if (!fuzz_fd_open[fd] && !fuzz_fd_kept[fd])
		close(fd);
}

/* ---- dying ---- */

static jmp_buf fuzz_env;

static inline void fuzz_die_hook(void)
{
	longjmp(fuzz_env, 1);
}

/* FUZZ_TRY { ... } runs the block; a die*() in it ends the block instead of the program. vdie()
 * clears die_hook before calling it, so each FUZZ_TRY arms it again. Locals that the block
 * changes and the code after it reads must be volatile (setjmp's rule). */
#define FUZZ_TRY                                                                                   \
	fuzz_begin();                                                                              \
	die_hook = fuzz_die_hook;                                                                  \
	if (setjmp(fuzz_env) != 0)                                                                 \
		fuzz_died = 1;                                                                     \
	else

static volatile int fuzz_died;

/* What is open before an input is the fuzzer's (and the sanitizers'): only what the input
 * opened is closed after it. */
static inline void fuzz_begin(void)
{
	memset(fuzz_fd_open, 0, sizeof fuzz_fd_open);
	fuzz_each_fd(fuzz_note_fd);
	fuzz_died = 0;
}

/* After the harness's own clean-up: what a tool that died held is released; what one that
 * did not die still holds is forgotten, for LeakSanitizer to judge. */
static inline void fuzz_end(void)
{
	die_hook = NULL;
	if (fuzz_died)
		fuzz_release_all();
	else
		fuzz_forget_all();
	fuzz_each_fd(fuzz_close_new_fd);
}

/* A file holding data, and its name. One per slot, reused from input to input. */
static inline const char *fuzz_file(int slot, const void *data, size_t size)
{
	static int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	static char names[8][32];
	if (fds[slot] < 0) {
		fds[slot] = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fds[slot] < 0) {
			perror("memfd_create");
			abort();
		}
		fuzz_keep_fd(fds[slot]);
		snprintf(names[slot], sizeof names[slot], "/proc/self/fd/%d", fds[slot]);
	}
	if (ftruncate(fds[slot], 0) != 0 || (size && pwrite(fds[slot], data, size, 0) != (ssize_t)size)) {
		perror("fuzz_file");
		abort();
	}
	return names[slot];
}

/* The input as a NUL-terminated string (malloc'd; free it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/* Cuts the input at each line "---" into at most max parts (the last takes the rest): harnesses
 * whose tool reads several inputs take them from one. Returns how many parts there were. */
static inline size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, size_t max)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; n + 1 < max && i + 4 <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') && !memcmp(data + i, "---\n", 4)) {
			part[n] = data + start, len[n] = i - start, n++;
			start = i + 4;
			i += 3;
		}
	part[n] = data + start, len[n] = size - start, n++;
	return n;
}

/* A private scratch directory, made once (under $TMPDIR or /tmp), for tools that write files. */
static inline const char *fuzz_scratch(void)
{
	static char dir[4096];
	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/fuzz-scratch.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
	}
	return dir;
}

static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (remove(path) != 0 && errno != ENOENT) {
		perror(path);
		abort();
	}
	return 0;
}

/* Directories are made readable first: an archive may give one no permissions at all, and
 * nftw reports such a one unread (FTW_DNR), so each pass opens one more level. */
static int fuzz_unread;

static inline int fuzz_open_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DNR)
		fuzz_unread++;
	if ((flag == FTW_D || flag == FTW_DNR) && (st->st_mode & 0700) != 0700)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

/* Removes a tree (an extraction's), links not followed. */
static inline void fuzz_rm_tree(const char *dir)
{
	if (access(dir, F_OK) != 0)
		return;
	for (int pass = 0; pass < 64; pass++) {
		fuzz_unread = 0;
		nftw(dir, fuzz_open_one, 16, FTW_PHYS);
		if (!fuzz_unread)
			break;
	}
	nftw(dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
