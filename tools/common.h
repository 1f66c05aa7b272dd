/* What the tools share: messages that name what they are about, allocation that cannot fail
 * quietly, and SHA-256 (by libcrypto).
 *
 * tools/common.c holds the messages, the allocation and the hex check, with libc alone, so that
 * every tool (bpf-load too, linked statically) can take it; tools/common-sha256.c holds the
 * hashing, and only the tools that hash link it and libcrypto. */
#ifndef COMMON_H
#define COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- messages ----
 *
 * Every message is one line on stderr: "<prog>: <message>", "<prog>: <where>: <message>" where
 * it is about a file or a URL, "<prog>: <file>:<line>: <message>" where it is about a line of a
 * file. A NULL where (or a line of 0) leaves that part out, so a tool can pass the file it is
 * reading, or NULL before it reads one. */

/* The program's name in messages: the last part of argv[0]. Called once, first thing in main. */
void set_prog(const char *argv0);
const char *prog(void);

/* The exit status of die(), die_at() and die_line(): 1 unless the tool gives its failures
 * another one (as-host 125, whose other statuses are its command's; repo-query 2, whose 1
 * means "not there"). Running out of memory is such a failure too. */
extern int die_status;
/* Called, when set, just before any die*() exits: for a tool that owes its reader a last line
 * even when it fails (bpf-load's result=FAIL). */
extern void (*die_hook)(void);

void vmessage(const char *where, long line, const char *fmt, va_list ap);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_at(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_at(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_line(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* die_at() with a status of its own, for a tool whose failures are of several kinds (cos-index:
 * 3 for an archive that holds no kernel tree; bpf-load: 1 for a failed check, 2 for bad input). */
_Noreturn void die_with(int status, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- allocation: each dies with "out of memory" rather than return NULL ---- */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- text ---- */

/* Cuts s at each sep into field[0..]: returns how many fields s had, max + 1 when it had more
 * than max (field then holds the first max). */
int split_fields(char *s, char sep, char **field, int max);

/* ---- files ---- */

/* Writes text to path through path.tmp and a rename, unless path holds exactly that text
 * already: make, reading its time, then sees a change and not activity. Dies naming the file. */
void replace_file(const char *path, const char *text, size_t len);

/* ---- SHA-256 ---- */

#define SHA256_HEX_SIZE 65 /* 64 lowercase hex digits and a NUL */

/* Whether s is a SHA-256 as every index here writes it: 64 lowercase hex digits, nothing else. */
bool is_sha256_hex(const char *s);

/* tools/common-sha256.c (libcrypto). Each writes the digest as 64 lowercase hex digits. */
void sha256_buffer(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);
/* The rest of f, and how many bytes that was (size may be NULL). Returns 0, or -1 with errno
 * set when reading fails. */
int sha256_stream(FILE *f, char hex[SHA256_HEX_SIZE], unsigned long long *size);
/* The same for the file at path. */
int sha256_file(const char *path, char hex[SHA256_HEX_SIZE], unsigned long long *size);

#endif
