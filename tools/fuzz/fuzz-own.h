/* Included by a harness after every header its tool's source includes and before that source
 * (see fuzz.h): from here on, what the tool allocates and opens is registered as it takes it,
 * so that fuzz_end() can release what a tool that died still held. Only the tool's own calls are
 * renamed; the libraries (and tools/common.c) allocate as they always do. */
#ifndef FUZZ_OWN_H
#define FUZZ_OWN_H

#include "fuzz.h"

static inline void fuzz_release_free(void *p)
{
	free(p);
}

static inline void *fuzz_xmalloc(size_t n)
{
	return fuzz_own(xmalloc(n), fuzz_release_free);
}

static inline void *fuzz_xcalloc(size_t n, size_t size)
{
	return fuzz_own(xcalloc(n, size), fuzz_release_free);
}

static inline void *fuzz_xrealloc(void *p, size_t n)
{
	fuzz_disown(p);
	return fuzz_own(xrealloc(p, n), fuzz_release_free);
}

static inline void *fuzz_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (q || !n)
		fuzz_disown(p);
	return fuzz_own(q, fuzz_release_free);
}

static inline void *fuzz_malloc(size_t n)
{
	return fuzz_own(malloc(n), fuzz_release_free);
}

static inline void *fuzz_calloc(size_t n, size_t size)
{
	return fuzz_own(calloc(n, size), fuzz_release_free);
}

static inline char *fuzz_strdup(const char *s)
{
	return fuzz_own(strdup(s), fuzz_release_free);
}

static inline void fuzz_free(void *p)
{
	fuzz_disown(p);
	free(p);
}

#define xmalloc(n) fuzz_xmalloc(n)
#define xcalloc(n, s) fuzz_xcalloc(n, s)
#define xrealloc(p, n) fuzz_xrealloc(p, n)
#define xstrdup(s) ((char *)fuzz_own(xstrdup(s), fuzz_release_free))
#define xstrndup(s, n) ((char *)fuzz_own(xstrndup(s, n), fuzz_release_free))
#define xasprintf(...) ((char *)fuzz_own(xasprintf(__VA_ARGS__), fuzz_release_free))
#define malloc(n) fuzz_malloc(n)
#define calloc(n, s) fuzz_calloc(n, s)
#define realloc(p, n) fuzz_realloc(p, n)
#define strdup(s) fuzz_strdup(s)
#define free(p) fuzz_free(p)

/* ---- stdio: a stream is closed, and a memory stream's buffer freed ---- */

static inline void fuzz_release_file(void *f)
{
	fclose(f);
}

static inline FILE *fuzz_fopen(const char *path, const char *mode)
{
	return fuzz_own(fopen(path, mode), fuzz_release_file);
}

/* A memory stream writes its buffer's address into the caller's variables at each flush and at
 * fclose; a dying tool's variables are gone with its stack, so glibc is given ours, and the
 * tool's are filled in at fclose (the only time the tools read them). */
struct fuzz_memstream {
	FILE *f;
	char **user_buf, *buf;
	size_t *user_len, len;
};
static struct fuzz_memstream fuzz_memstreams[8];

static inline void fuzz_release_memstream(void *f)
{
	for (size_t i = 0; i < 8; i++)
		if (fuzz_memstreams[i].f == f) {
			fclose(f);
			free(fuzz_memstreams[i].buf);
			fuzz_memstreams[i].f = NULL;
			return;
		}
	abort();
}

static inline FILE *fuzz_open_memstream(char **buf, size_t *len)
{
	for (size_t i = 0; i < 8; i++)
		if (!fuzz_memstreams[i].f) {
			struct fuzz_memstream *m = &fuzz_memstreams[i];
			m->user_buf = buf, m->user_len = len, m->buf = NULL, m->len = 0;
			m->f = open_memstream(&m->buf, &m->len);
			return fuzz_own(m->f, fuzz_release_memstream);
		}
	abort(); /* more than 8 at once: no tool does that */
}

static inline int fuzz_fclose(FILE *f)
{
	fuzz_disown(f);
	for (size_t i = 0; i < 8; i++)
		if (fuzz_memstreams[i].f == f) {
			struct fuzz_memstream *m = &fuzz_memstreams[i];
			int rc = fclose(f);
			*m->user_buf = fuzz_own(m->buf, fuzz_release_free);
			*m->user_len = m->len;
			m->f = NULL;
			return rc;
		}
	return fclose(f);
}

static inline ssize_t fuzz_getline(char **line, size_t *cap, FILE *f)
{
	char *old = *line;
	ssize_t n = getline(line, cap, f);
	if (*line != old) {
		fuzz_disown(old);
		fuzz_own(*line, fuzz_release_free);
	}
	return n;
}

#define fopen(p, m) fuzz_fopen(p, m)
#define open_memstream(b, l) fuzz_open_memstream(b, l)
#define fclose(f) fuzz_fclose(f)
#define getline(l, c, f) fuzz_getline(l, c, f)

/* ---- libarchive ---- */

#ifdef ARCHIVE_H_INCLUDED
static inline void fuzz_release_archive_read(void *a)
{
	archive_read_free(a);
}

static inline void fuzz_release_archive_write(void *a)
{
	archive_write_free(a);
}

#define archive_read_new() ((struct archive *)fuzz_own(archive_read_new(), fuzz_release_archive_read))
#define archive_write_disk_new() ((struct archive *)fuzz_own(archive_write_disk_new(), fuzz_release_archive_write))
#define archive_read_free(a) (fuzz_disown(a), archive_read_free(a))
#define archive_write_free(a) (fuzz_disown(a), archive_write_free(a))
#endif

/* ---- libxml2's reader ---- */

#ifdef __XML_XMLREADER_H__
static inline void fuzz_release_xmlreader(void *r)
{
	xmlFreeTextReader(r);
}

#define xmlReaderForIO(...) ((xmlTextReaderPtr)fuzz_own(xmlReaderForIO(__VA_ARGS__), fuzz_release_xmlreader))
#define xmlFreeTextReader(r) (fuzz_disown(r), xmlFreeTextReader(r))
#endif

/* ---- libelf ---- */

#ifdef _LIBELF_H
static inline void fuzz_release_elf(void *e)
{
	elf_end(e);
}

#define elf_begin(fd, cmd, ref) ((Elf *)fuzz_own(elf_begin(fd, cmd, ref), fuzz_release_elf))
#define elf_end(e) (fuzz_disown(e), elf_end(e))
#endif

#endif
