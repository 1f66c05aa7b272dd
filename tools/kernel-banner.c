/* kernel-banner: the version banner a kernel image carries, and the compiler it names.
 *
 *   kernel-banner [--compiler | --version] IMAGE
 *
 * IMAGE is a kernel as its image package ships it: an x86 bzImage (vmlinuz: a setup header, then
 * the kernel compressed with gzip, xz, lzma, bzip2, lz4 or zstd), a compressed arm64 Image, or a
 * vmlinux as it is. Every kernel holds linux_banner,
 *
 *   Linux version <release> (<user>@<host>) (<compiler>) <uts version>
 *
 * which is the only place some kernels name the compiler they were built with: headers from
 * before Linux 5.8 have no CONFIG_CC_VERSION_TEXT, and some header packages carry no compile.h
 * either. Prints the banner, or with --compiler its compiler ("gcc version 7.3.1 20180712 (Red
 * Hat 7.3.1-17) (GCC) "), or with --version its uts version ("#1 SMP Wed Oct 14 17:23:41 UTC
 * 2020"), on one line. The image is searched as it is, then decompressed from each place a
 * compressed stream may start (as the kernel's scripts/extract-vmlinux does), at most
 * MAX_OUTPUT bytes each. Exit 1 when no banner is found or the file cannot be read (naming
 * it), 2 on a usage error. */
#include <archive.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"

#define MAX_IMAGE (256ul << 20)  /* no kernel image is near this: the biggest seen is 20 MB */
#define MAX_OUTPUT (512ul << 20) /* decompressed: a vmlinux with debug info is under 400 MB */
#define MAX_BANNER 1024

static const char prefix[] = "Linux version ";

/* Where a banner starts in buf: "Linux version " and a digit, or NULL. */
static const char *find_banner(const char *buf, size_t len)
{
	size_t n = sizeof prefix - 1;
	for (const char *p = buf; len >= n + 1 && (p = memmem(p, len - (size_t)(p - buf), prefix, n));) {
		if ((size_t)(p - buf) + n < len && p[n] >= '0' && p[n] <= '9')
			return p;
		p++;
		if ((size_t)(p - buf) + n + 1 > len)
			break;
	}
	return NULL;
}

/* The banner at p (at most avail bytes): up to its newline or NUL, malloc'd, or NULL when it
 * does not end within MAX_BANNER bytes (a string that only looks like it). */
static char *banner_at(const char *p, size_t avail)
{
	size_t len = 0;
	while (len < avail && len < MAX_BANNER && p[len] != '\n' && p[len] != '\0')
		len++;
	if (len == avail || len == MAX_BANNER)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] == 0x7f)
			return NULL;
	return xstrndup(p, len);
}

/* Decompresses buf[off..] with whatever filter libarchive recognizes there, looking for the
 * banner in its output; returns it (malloc'd) or NULL. */
static char *banner_in_stream(const unsigned char *buf, size_t len, size_t off)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	char *found = NULL;
	struct archive_entry *e;
	if (archive_read_open_memory(a, buf + off, len - off) != ARCHIVE_OK || archive_filter_count(a) < 2 ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	/* A window: what is left of the last chunk (a banner may span two) and the next chunk. */
	enum { CHUNK = 1 << 16, KEEP = MAX_BANNER + sizeof prefix };
	char *win = xmalloc(KEEP + CHUNK);
	size_t have = 0, total = 0;
	ssize_t n;
	while (!found && total < MAX_OUTPUT && (n = archive_read_data(a, win + have, CHUNK)) > 0) {
		have += (size_t)n;
		total += (size_t)n;
		const char *p = find_banner(win, have);
		while (p && !(found = banner_at(p, have - (size_t)(p - win)))) {
			/* Cut short by the window's end: read on with it kept whole. */
			if ((size_t)(p - win) + MAX_BANNER >= have)
				break;
			p = find_banner(p + 1, have - (size_t)(p + 1 - win));
		}
		if (!found && have > KEEP) {
			memmove(win, win + have - KEEP, KEEP);
			have = KEEP;
		}
	}
	free(win);
	archive_read_free(a);
	return found;
}

/* Where a compressed stream may start: the magic numbers extract-vmlinux looks for. */
static bool stream_magic(const unsigned char *p, size_t left)
{
	static const struct {
		unsigned char bytes[6];
		size_t n;
	} magic[] = {
		{ { 0x1f, 0x8b, 0x08 }, 3 },                   /* gzip */
		{ { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6 },     /* xz */
		{ { 'B', 'Z', 'h' }, 3 },                      /* bzip2 */
		{ { 0x5d, 0x00, 0x00 }, 3 },                   /* lzma */
		{ { 0x02, 0x21, 0x4c, 0x18 }, 4 },             /* lz4, the kernel's legacy frame */
		{ { 0x28, 0xb5, 0x2f, 0xfd }, 4 },             /* zstd */
	};
	for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
		if (left >= magic[i].n && !memcmp(p, magic[i].bytes, magic[i].n))
			return true;
	return false;
}

static unsigned long le32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

/* Where an x86 bzImage's compressed kernel starts (boot protocol 2.08 and later: the setup
 * header's payload_offset after the setup sectors), or 0 when buf is none. */
static size_t bzimage_payload(const unsigned char *buf, size_t len)
{
	if (len < 0x250 || memcmp(buf + 0x202, "HdrS", 4) || (buf[0x206] | buf[0x207] << 8) < 0x0208)
		return 0;
	size_t setup = (size_t)(buf[0x1f1] ? buf[0x1f1] : 4) + 1;
	size_t off = setup * 512 + le32(buf + 0x248);
	return off < len ? off : 0;
}

/* The most places a stream is tried at: a bzImage's payload is found at once, and an image
 * of another kind starts its stream near the beginning. */
#define MAX_TRIES 64

/* The banner of the image in buf (malloc'd), or NULL. */
static char *image_banner(const unsigned char *buf, size_t len)
{
	const char *p = find_banner((const char *)buf, len);
	for (; p; p = find_banner(p + 1, len - (size_t)(p + 1 - (const char *)buf))) {
		char *b = banner_at(p, len - (size_t)(p - (const char *)buf));
		if (b)
			return b;
	}
	size_t payload = bzimage_payload(buf, len);
	if (payload && stream_magic(buf + payload, len - payload)) {
		char *b = banner_in_stream(buf, len, payload);
		if (b)
			return b;
	}
	int tries = 0;
	for (size_t off = 0; off + 3 <= len && tries < MAX_TRIES; off++)
		if ((!payload || off != payload) && stream_magic(buf + off, len - off)) {
			tries++;
			char *b = banner_in_stream(buf, len, off);
			if (b)
				return b;
		}
	return NULL;
}

/* The text after s's opening '(' up to its matching ')', or NULL; *end is after the ')'. */
static char *parenthesized(const char *s, const char **end)
{
	if (*s != '(')
		return NULL;
	int depth = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0) {
			*end = p + 1;
			return xstrndup(s + 1, (size_t)(p - s - 1));
		}
	}
	return NULL;
}

/* Splits a banner into its compiler and its uts version (malloc'd); false when it is not of
 * linux_banner's form. */
static bool banner_parts(const char *banner, char **compiler, char **version)
{
	const char *p = banner + sizeof prefix - 1, *end;
	p = strchr(p, ' '); /* after the release */
	if (!p || p[1] != '(')
		return false;
	char *who = parenthesized(p + 1, &end);
	if (!who)
		return false;
	free(who);
	if (end[0] != ' ' || end[1] != '(')
		return false;
	*compiler = parenthesized(end + 1, &end);
	if (!*compiler)
		return false;
	while (*end == ' ')
		end++;
	*version = xstrdup(end);
	return true;
}

/* Reads path into memory (malloc'd), at most MAX_IMAGE bytes. */
static unsigned char *read_image(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die_at(path, "%s", strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0)
		die_at(path, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		die_at(path, "not a file");
	if ((unsigned long long)st.st_size > MAX_IMAGE)
		die_at(path, "%lld bytes: bigger than any kernel image", (long long)st.st_size);
	*len = (size_t)st.st_size;
	unsigned char *buf = xmalloc(*len ? *len : 1);
	if (fread(buf, 1, *len, f) != *len)
		die_at(path, "read error");
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *field = "banner";
	int i = 1;
	if (i < argc && !strcmp(argv[i], "--compiler"))
		field = "compiler", i++;
	else if (i < argc && !strcmp(argv[i], "--version"))
		field = "version", i++;
	if (i != argc - 1 || argv[i][0] == '-') {
		fprintf(stderr, "usage: kernel-banner [--compiler | --version] IMAGE\n");
		return 2;
	}
	const char *path = argv[i];
	size_t len;
	unsigned char *buf = read_image(path, &len);
	char *banner = image_banner(buf, len);
	free(buf);
	if (!banner)
		die_at(path, "no kernel version banner (Linux version ...) in it, as it is or decompressed");
	char *compiler = NULL, *version = NULL;
	if (strcmp(field, "banner") && !banner_parts(banner, &compiler, &version))
		die_at(path, "its banner is not Linux's (Linux version <release> (<who>) (<compiler>) <version>): %s", banner);
	puts(!strcmp(field, "compiler") ? compiler : !strcmp(field, "version") ? version : banner);
	free(compiler);
	free(version);
	free(banner);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
