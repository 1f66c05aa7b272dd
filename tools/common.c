/* Messages, allocation and the hex check every tool shares (see common.h). */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name;
int die_status = 1;
void (*die_hook)(void);

void set_prog(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	prog_name = slash ? slash + 1 : argv0;
}

const char *prog(void)
{
	/* A tool that forgot set_prog() still says who it is. */
	return prog_name && *prog_name ? prog_name : program_invocation_short_name;
}

void vmessage(const char *where, long line, const char *fmt, va_list ap)
{
	/* One fprintf for the prefix, so that lines of tools running side by side stay whole as
	 * far as stdio can keep them so. */
	if (where && line > 0)
		fprintf(stderr, "%s: %s:%ld: ", prog(), where, line);
	else if (where)
		fprintf(stderr, "%s: %s: ", prog(), where);
	else
		fprintf(stderr, "%s: ", prog());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
}

void warn_at(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(where, 0, fmt, ap);
	va_end(ap);
}

static _Noreturn void vdie(int status, const char *where, long line, const char *fmt, va_list ap)
{
	vmessage(where, line, fmt, ap);
	if (die_hook) {
		void (*hook)(void) = die_hook;
		die_hook = NULL; /* a hook that dies itself does not loop */
		hook();
	}
	exit(status);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(die_status, NULL, 0, fmt, ap);
}

void die_at(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(die_status, where, 0, fmt, ap);
}

void die_line(const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(die_status, file, line, fmt, ap);
}

void die_with(int status, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdie(status, where, 0, fmt, ap);
}

/* ---- allocation ---- */

static void *check(void *p)
{
	if (!p)
		die("out of memory");
	return p;
}

/* Zero bytes are asked for as one, so that NULL always means out of memory. */
void *xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return check(strndup(s, n));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return check(n < 0 ? NULL : s);
}

/* ---- hex ---- */

bool is_sha256_hex(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* die_at(where, "<what><strerror(err)>") once tmp is freed (where may be tmp): a caller that
 * survives die() (a fuzz harness) must not lose it. */
static _Noreturn void die_freeing(char *tmp, const char *where, const char *what, int err)
{
	char w[4096];
	snprintf(w, sizeof w, "%s", where);
	free(tmp);
	die_at(w, "%s%s", what, strerror(err));
}

void replace_file(const char *path, const char *text, size_t len)
{
	FILE *old = fopen(path, "r");
	if (old) {
		bool same = true;
		size_t i = 0;
		int c;
		while (same && (c = getc(old)) != EOF)
			same = i < len && text[i++] == (char)c;
		same = same && i == len && !ferror(old);
		fclose(old);
		if (same)
			return;
	}
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		die_freeing(tmp, tmp, "", errno);
	bool written = fwrite(text, 1, len, f) == len;
	int err = errno;
	if (fclose(f) != 0 && written)
		written = false, err = errno;
	if (!written) {
		unlink(tmp);
		die_freeing(tmp, tmp, "cannot write it: ", err);
	}
	if (rename(tmp, path) != 0)
		die_freeing(tmp, path, "", errno);
	free(tmp);
}

int split_fields(char *s, char sep, char **field, int max)
{
	int n = 0;
	for (;;) {
		char *end = strchr(s, sep);
		if (n == max)
			return max + 1;
		field[n++] = s;
		if (!end)
			return n;
		*end = 0;
		s = end + 1;
	}
}
