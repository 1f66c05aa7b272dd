/* extract: unpack one package or archive into a directory, and never outside it.
 *
 *   extract [--quiet] [--exclude GLOB]... ARCHIVE DESTDIR
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
 * not restored and device nodes are not created. */
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
static bool quiet;
static const char **excludes;
static size_t nexcludes;

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
	unsigned long files = 0;
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
			/* (A tar hard link has no file type of its own: it is whatever it links to.) */
			continue; /* devices, fifos and sockets have no place in a header tree */
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
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: extract [--quiet] [--exclude GLOB]... ARCHIVE DESTDIR\n");
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
