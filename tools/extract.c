/* extract: unpack one package or archive into a directory, and never outside it.
 *
 *   extract [--quiet] [--exclude GLOB]... [--max-bytes N] [--max-entries N] ARCHIVE DESTDIR
 *
 * --exclude leaves out the entries whose path (without a leading "./") matches GLOB, as
 * fnmatch(3) without FNM_PATHNAME matches it ('*' crosses '/'): a probe needs the headers of
 * one architecture, and Debian's -common package carries every architecture's.
 *
 * Formats are libarchive's: a .deb is an ar archive whose data.tar.* member is unpacked; an
 * .rpm's cpio payload (gz, xz, zstd...) is unpacked; tar, cpio and their compressions as they
 * are. Packages come from mirrors we do not control, so an entry with an absolute path or a
 * `..` component refuses the whole archive (exit 1, naming the entry), and so does a hard link
 * to such a place. A symbolic link whose target is absolute, or climbs out of DESTDIR, is not
 * created (real kernel packages carry /lib/modules/<release>/build -> /usr/src/...), with a
 * note; libarchive's secure flags additionally refuse writing through any symlink. Owners are
 * not restored.
 *
 * An archive is refused, naming it and the entry, as soon as it reaches a limit no real package
 * reaches (see the limits below): a decompression bomb (more bytes in all, or more entries, or
 * more bytes for its own size, than any package holds), a file bigger than any package's (a
 * sparse file counts by its size, not by the little data it carries), a device node, FIFO or
 * socket (no package of ours has one). Excluded entries count too: they are decompressed all
 * the same. --max-bytes and --max-entries set smaller limits on the bytes and entries in all. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const char *archive_path;
static unsigned long long archive_size; /* of the file: the ratio's denominator */
static bool quiet;
static const char **excludes;
static size_t nexcludes;

/* ---- limits ----
 *
 * Measured on real packages (December 2026, the package cache of a live run): Debian's and
 * Ubuntu's linux-headers packages unpack to 2-66 MB in 6,500-18,700 entries, at 2:1 to 8:1
 * (Ubuntu's generic headers are the best compressed); linux-kbuild to 2-3 MB; Amazon Linux's
 * kernel-devel rpms to 60 MB; the linux-image packages extracted for boot verification to 410
 * MB; the libs driver archives to 4-21 MB. The biggest file of any is a 20 MB vmlinuz, none
 * holds a device, FIFO, socket or sparse file. The biggest archive extracted here is a kernel
 * source tarball (COS's kernel-src.tar.gz), not in that cache: kernel.org's 6.x tarballs
 * unpack to 1.3-1.5 GB in about 90,000 entries, at up to 11:1 (xz). Each limit is three (the
 * bytes in all) to fifty (one file) times the most seen, and stops a hostile archive long
 * before it fills a disk. Variables, so that --max-bytes, --max-entries and a fuzz harness can
 * lower them. */
static unsigned long long max_bytes = 4ull << 30;      /* unpacked, in all: 4 GiB */
static unsigned long long max_file_bytes = 1ull << 30; /* one file: 1 GiB */
static unsigned long long max_ratio = 100;             /* unpacked bytes per archive byte... */
static unsigned long long ratio_floor = 64ull << 20;   /* ...once past 64 MiB in all */
static unsigned long max_entries = 1000000;

/* What an entry's type is called in a refusal, for the types a package has no use for. */
static const char *odd_type(mode_t type)
{
	switch (type) {
	case AE_IFCHR:
		return "a character device";
	case AE_IFBLK:
		return "a block device";
	case AE_IFIFO:
		return "a FIFO";
	case AE_IFSOCK:
		return "a socket";
	default:
		return NULL;
	}
}

/* Counts entry e against the limits, and refuses the archive at the first one it passes. */
static void within_limits(struct archive_entry *e, const char *path, unsigned long entries,
			  unsigned long long *total)
{
	const char *odd = odd_type(archive_entry_filetype(e));
	if (odd)
		die_at(archive_path, "entry '%s' is %s, which no package holds: refusing the archive", path, odd);
	if (entries > max_entries)
		die_at(archive_path, "entry '%s': more than %lu entries, more than any package holds: refusing the archive",
		       path, max_entries);
	la_int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	if (size < 0)
		die_at(archive_path, "entry '%s' has a negative size: refusing the archive", path);
	if ((unsigned long long)size > max_file_bytes)
		die_at(archive_path, "entry '%s' is %lld bytes%s, more than any file of a package (%llu): refusing the archive",
		       path, (long long)size, archive_entry_sparse_count(e) > 0 ? " (a sparse file)" : "", max_file_bytes);
	*total += (unsigned long long)size;
	if (*total > max_bytes)
		die_at(archive_path, "entry '%s' takes it past %llu bytes unpacked, more than any package: refusing the archive",
		       path, max_bytes);
	if (*total > ratio_floor && *total / max_ratio > archive_size)
		die_at(archive_path,
		       "entry '%s' takes it to %llu bytes unpacked from %llu, more than %llu times its size: a decompression "
		       "bomb, refusing the archive",
		       path, *total, archive_size, max_ratio);
}

static bool excluded(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (size_t i = 0; i < nexcludes; i++)
		if (fnmatch(excludes[i], path, 0) == 0)
			return true;
	return false;
}

/* A path is safe when it is relative and never names a parent. "./x" and "x//y" are fine. */
static bool safe_relative_path(const char *p)
{
	if (p[0] == '/')
		return false;
	const char *s = p;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		while (*s == '/')
			s++;
	}
	return true;
}

/* Whether a path names the extraction root itself (".", "./", "./."). */
static bool names_root(const char *p)
{
	for (const char *s = p; *s; s++)
		if (*s != '.' && *s != '/')
			return false;
	return !strstr(p, "..");
}

/* Whether a relative symlink target, resolved from the directory holding the link, stays at or
 * below the extraction root. Depth counts directories below the root. libarchive refuses to
 * write through a symlink, so the directories of the link's own path are real ones and are
 * counted by name ("a/./b" is one deep, not two). Within the target, a ".." after a name is not
 * that name's parent when the name is itself a symlink ("x -> d/s/.." with d/s -> ".." is the
 * root's parent), so a target may climb first and then only descend. */
static bool symlink_stays_inside(const char *link_path, const char *target)
{
	if (target[0] == '/')
		return false;
	int depth = -1; /* the last name of the path is the link itself */
	for (const char *s = link_path; *s;) {
		size_t n = strcspn(s, "/");
		if (n > 0 && !(n == 1 && s[0] == '.'))
			depth++;
		s += n;
		while (*s == '/')
			s++;
	}
	bool descended = false;
	for (const char *s = target; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (descended || --depth < 0)
				return false;
		} else if (n > 0 && !(n == 1 && s[0] == '.')) {
			depth++;
			descended = true;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	return true;
}

static int copy_data(struct archive *in, struct archive *out, const char *entry)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	for (;;) {
		int r = archive_read_data_block(in, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			die_at(archive_path, "%s: %s", entry, archive_error_string(in));
		if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN)
			die_at(archive_path, "%s: %s", entry, archive_error_string(out));
	}
}

static void unpack(struct archive *in, const char *dest_label)
{
	struct archive *out = archive_write_disk_new();
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						    ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	archive_write_disk_set_standard_lookup(out);
	struct archive_entry *e;
	unsigned long files = 0, entries = 0;
	unsigned long long total = 0;
	int r;
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *path = archive_entry_pathname(e);
		if (!path || !*path)
			die_at(archive_path, "an entry has no name");
		if (!safe_relative_path(path))
			die_at(archive_path, "entry '%s' would be written outside %s: refusing the archive", path, dest_label);
		const char *hardlink = archive_entry_hardlink(e);
		if (hardlink && !safe_relative_path(hardlink))
			die_at(archive_path, "entry '%s' is a hard link to '%s', outside %s: refusing the archive", path,
			    hardlink, dest_label);
		/* libarchive skips such a link with a warning and takes no data for it after. */
		if (hardlink && !strcmp(hardlink, path))
			die_at(archive_path, "entry '%s' is a hard link to itself: refusing the archive", path);
		within_limits(e, path, ++entries, &total);
		/* The destination is this tool's: an archive's "./" does not set its mode or owner (a
		 * "./" of mode 0700 would shut out whoever builds from the tree). */
		if (names_root(path))
			continue;
		/* Checked first: an excluded entry still condemns a hostile archive. */
		if (nexcludes && excluded(path))
			continue;
		mode_t type = archive_entry_filetype(e);
		if (type == AE_IFLNK) {
			const char *target = archive_entry_symlink(e);
			if (!target || !symlink_stays_inside(path, target)) {
				if (!quiet)
					warn_at(archive_path, "not creating symlink '%s' -> '%s' (points outside %s)", path,
						target ? target : "", dest_label);
				continue;
			}
		} else if (type != AE_IFREG && type != AE_IFDIR && !(type == 0 && hardlink)) {
			/* (A tar hard link has no file type of its own: it is whatever it links to.)
			 * Devices, FIFOs and sockets were refused above; nothing else is made. */
			continue;
		}
		archive_entry_set_uid(e, getuid());
		archive_entry_set_gid(e, getgid());
		archive_entry_set_perm(e, archive_entry_perm(e) & 0755);
		r = archive_write_header(out, e);
		if (r < ARCHIVE_WARN)
			die_at(archive_path, "%s: %s", path, archive_error_string(out));
		if (archive_entry_size(e) > 0 && type == AE_IFREG)
			copy_data(in, out, path);
		if (archive_write_finish_entry(out) < ARCHIVE_WARN)
			die_at(archive_path, "%s: %s", path, archive_error_string(out));
		files++;
	}
	if (r != ARCHIVE_EOF)
		die_at(archive_path, "%s", archive_error_string(in));
	if (archive_write_close(out) != ARCHIVE_OK)
		die_at(archive_path, "%s", archive_error_string(out));
	archive_write_free(out);
	if (files == 0)
		die_at(archive_path, "no files in the archive");
}

static struct archive *reader(void)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a); /* gz, xz, zstd... and rpm, which is a filter here */
	archive_read_support_format_tar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	return a;
}

/* The data member of a .deb is read straight out of the outer ar archive. */
static la_ssize_t read_member(struct archive *nested, void *outer, const void **buf)
{
	static char block[1 << 16];
	(void)nested;
	la_ssize_t n = archive_read_data(outer, block, sizeof block);
	*buf = block;
	return n;
}

/* Unpacks the archive open at fd (archive_path names it) into dest, made if need be. */
static void extract(int fd, const char *dest)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_at(archive_path, "%s", strerror(errno));
	archive_size = (unsigned long long)st.st_size;
	struct archive *a = reader();
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK)
		die_at(archive_path, "%s", archive_error_string(a));
	if (mkdir(dest, 0755) != 0 && errno != EEXIST)
		die_at(archive_path, "%s: %s", dest, strerror(errno));
	if (chdir(dest) != 0)
		die_at(archive_path, "%s: %s", dest, strerror(errno));

	struct archive_entry *e;
	int r = archive_read_next_header(a, &e);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		die_at(archive_path, "%s", archive_error_string(a));
	if (archive_format(a) == ARCHIVE_FORMAT_AR_GNU || archive_format(a) == ARCHIVE_FORMAT_AR_BSD ||
	    archive_format(a) == ARCHIVE_FORMAT_AR) {
		/* A .deb: find data.tar.* and unpack it; the other members are metadata. */
		do {
			const char *name = archive_entry_pathname(e);
			if (name && strncmp(name, "data.tar", 8) == 0) {
				struct archive *inner = reader();
				if (archive_read_open(inner, a, NULL, read_member, NULL) != ARCHIVE_OK)
					die_at(archive_path, "%s: %s", name, archive_error_string(inner));
				unpack(inner, dest);
				archive_read_free(inner);
				archive_read_free(a);
				return;
			}
		} while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN);
		die_at(archive_path, "no data.tar member: not a Debian package");
	}
	/* Anything else is unpacked as it is; start again so the first entry is not lost. */
	archive_read_free(a);
	if (lseek(fd, 0, SEEK_SET) != 0)
		die_at(archive_path, "%s", strerror(errno));
	a = reader();
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK)
		die_at(archive_path, "%s", archive_error_string(a));
	unpack(a, dest);
	archive_read_free(a);
}

/* A limit given on the command line: a number, no more than the default. */
static unsigned long long lower_limit(const char *opt, const char *value, unsigned long long dflt)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(value, &end, 10);
	if (*end || !*value || *value == '-' || errno || n > dflt)
		die("%s %s: not a number up to %llu", opt, value, dflt);
	return n;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	int i = 1;
	excludes = xcalloc((size_t)argc, sizeof *excludes);
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (strcmp(argv[i], "--exclude") == 0 && i + 1 < argc)
			excludes[nexcludes++] = argv[++i];
		else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc)
			max_bytes = lower_limit("--max-bytes", argv[++i], max_bytes);
		else if (strcmp(argv[i], "--max-entries") == 0 && i + 1 < argc)
			max_entries = (unsigned long)lower_limit("--max-entries", argv[++i], max_entries);
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: extract [--quiet] [--exclude GLOB]... [--max-bytes N] [--max-entries N] ARCHIVE DESTDIR\n");
		return 2;
	}
	archive_path = argv[i];
	int fd = open(archive_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_at(archive_path, "%s", strerror(errno));
	extract(fd, argv[i + 1]);
	close(fd);
	free(excludes);
	return 0;
}
