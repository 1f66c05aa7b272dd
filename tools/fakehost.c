/* fakehost.so: an LD_PRELOAD library that makes a dynamically linked program see a target
 * host's identity instead of this machine's (tools/as-host sets it up).
 *
 *   FAKEHOST_UNAME_R, FAKEHOST_UNAME_V, FAKEHOST_UNAME_M
 *       what uname(2) returns as release, version and machine (each one only when set), and
 *       what reading /proc/sys/kernel/osrelease and /proc/sys/kernel/version shows
 *   FAKEHOST_OS_RELEASE
 *       a file that opening /etc/os-release or /usr/lib/os-release opens instead
 *
 * Only calls through libc's exported symbols are caught: uname, the open family (with the
 * fortified __open_2 variants and the *64 names) and fopen. A static program, or one that
 * makes system calls itself (Go), sees the real machine; as-host refuses those. */
#undef _FILE_OFFSET_BITS /* else glibc renames open and fopen to their *64 twins */
#undef _FORTIFY_SOURCE   /* else open is an inline wrapper we cannot define */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* Fortified entry points glibc's headers declare only under _FORTIFY_SOURCE. */
EXPORT int __open_2(const char *path, int flags);
EXPORT int __open64_2(const char *path, int flags);
EXPORT int __openat_2(int dirfd, const char *path, int flags);
EXPORT int __openat64_2(int dirfd, const char *path, int flags);

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void put(char *field, size_t len, const char *value)
{
	if (!value)
		return;
	strncpy(field, value, len - 1);
	field[len - 1] = 0;
}

EXPORT int uname(struct utsname *buf)
{
	static int (*real)(struct utsname *);
	if (!real)
		real = (int (*)(struct utsname *))next("uname");
	int rc = real(buf);
	if (rc == 0) {
		put(buf->release, sizeof buf->release, env("FAKEHOST_UNAME_R"));
		put(buf->version, sizeof buf->version, env("FAKEHOST_UNAME_V"));
		put(buf->machine, sizeof buf->machine, env("FAKEHOST_UNAME_M"));
	}
	return rc;
}

enum target { REAL, OS_RELEASE, PROC_OSRELEASE, PROC_VERSION };

/* Removes "." and "" components and resolves ".." lexically, in place. Symlinks are not
 * followed: /etc/os-release is itself a link to ../usr/lib/os-release and both are caught. */
static void normalize(char *path)
{
	char *out = path, *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		char *end = p + strcspn(p, "/");
		size_t n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p = end;
	}
	if (out == path)
		*out++ = '/';
	*out = 0;
}

static enum target classify(int dirfd, const char *path, int flags)
{
	if (!path || (flags & O_ACCMODE) != O_RDONLY)
		return REAL;
	/* Cheap test first: every name we catch ends in one of these. */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, "os-release") && strcmp(base, "osrelease") && strcmp(base, "version"))
		return REAL;
	char full[PATH_MAX * 2];
	if (path[0] == '/') {
		snprintf(full, sizeof full, "%s", path);
	} else {
		char dir[PATH_MAX];
		if (dirfd == AT_FDCWD) {
			if (!getcwd(dir, sizeof dir))
				return REAL;
		} else {
			char link[64];
			snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
			ssize_t n = readlink(link, dir, sizeof dir - 1);
			if (n < 0)
				return REAL;
			dir[n] = 0;
		}
		snprintf(full, sizeof full, "%s/%s", dir, path);
	}
	normalize(full);
	if (!strcmp(full, "/etc/os-release") || !strcmp(full, "/usr/lib/os-release"))
		return env("FAKEHOST_OS_RELEASE") ? OS_RELEASE : REAL;
	if (!strcmp(full, "/proc/sys/kernel/osrelease"))
		return env("FAKEHOST_UNAME_R") ? PROC_OSRELEASE : REAL;
	if (!strcmp(full, "/proc/sys/kernel/version"))
		return env("FAKEHOST_UNAME_V") ? PROC_VERSION : REAL;
	return REAL;
}

/* A read-only view of one line, as procfs shows these values. */
static int memfd_with(const char *value)
{
	int fd = memfd_create("fakehost", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(value);
	if (write(fd, value, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || lseek(fd, 0, SEEK_SET) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Opens the replacement for a caught target; -1 with errno like open(2). */
static int open_fake(enum target t, int flags, mode_t mode)
{
	static int (*real_open)(const char *, int, ...);
	if (!real_open)
		real_open = (int (*)(const char *, int, ...))next("open");
	switch (t) {
	case OS_RELEASE:
		return real_open(env("FAKEHOST_OS_RELEASE"), flags, mode);
	case PROC_OSRELEASE:
	case PROC_VERSION: {
		int fd = memfd_with(env(t == PROC_OSRELEASE ? "FAKEHOST_UNAME_R" : "FAKEHOST_UNAME_V"));
		if (fd >= 0 && !(flags & O_CLOEXEC)) {
			int fl = fcntl(fd, F_GETFD);
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
		}
		return fd;
	}
	default:
		errno = EINVAL;
		return -1;
	}
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_LIKE(name)                                                                            \
	EXPORT int name(const char *path, int flags, ...)                                          \
	{                                                                                          \
		static int (*real)(const char *, int, ...);                                        \
		va_list ap;                                                                        \
		va_start(ap, flags);                                                               \
		mode_t mode = mode_arg(flags, ap);                                                 \
		va_end(ap);                                                                        \
		enum target t = classify(AT_FDCWD, path, flags);                                   \
		if (t != REAL)                                                                     \
			return open_fake(t, flags, mode);                                          \
		if (!real)                                                                         \
			real = (int (*)(const char *, int, ...))next(#name);                       \
		return real(path, flags, mode);                                                    \
	}
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(name)                                                                          \
	EXPORT int name(int dirfd, const char *path, int flags, ...)                               \
	{                                                                                          \
		static int (*real)(int, const char *, int, ...);                                   \
		va_list ap;                                                                        \
		va_start(ap, flags);                                                               \
		mode_t mode = mode_arg(flags, ap);                                                 \
		va_end(ap);                                                                        \
		enum target t = classify(dirfd, path, flags);                                      \
		if (t != REAL)                                                                     \
			return open_fake(t, flags, mode);                                          \
		if (!real)                                                                         \
			real = (int (*)(int, const char *, int, ...))next(#name);                  \
		return real(dirfd, path, flags, mode);                                             \
	}
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

#define OPEN2_LIKE(name)                                                                           \
	EXPORT int name(const char *path, int flags)                                               \
	{                                                                                          \
		static int (*real)(const char *, int);                                             \
		enum target t = classify(AT_FDCWD, path, flags);                                   \
		if (t != REAL)                                                                     \
			return open_fake(t, flags, 0);                                             \
		if (!real)                                                                         \
			real = (int (*)(const char *, int))next(#name);                            \
		return real(path, flags);                                                          \
	}
OPEN2_LIKE(__open_2)
OPEN2_LIKE(__open64_2)

#define OPENAT2_LIKE(name)                                                                         \
	EXPORT int name(int dirfd, const char *path, int flags)                                    \
	{                                                                                          \
		static int (*real)(int, const char *, int);                                        \
		enum target t = classify(dirfd, path, flags);                                      \
		if (t != REAL)                                                                     \
			return open_fake(t, flags, 0);                                             \
		if (!real)                                                                         \
			real = (int (*)(int, const char *, int))next(#name);                       \
		return real(dirfd, path, flags);                                                   \
	}
OPENAT2_LIKE(__openat_2)
OPENAT2_LIKE(__openat64_2)

/* fopen opens through libc's internal __open, which no preload can catch. */
static FILE *fopen_fake(enum target t, const char *mode)
{
	if (t == OS_RELEASE) {
		static FILE *(*real)(const char *, const char *);
		if (!real)
			real = (FILE * (*)(const char *, const char *)) next("fopen");
		return real(env("FAKEHOST_OS_RELEASE"), mode);
	}
	int fd = open_fake(t, O_RDONLY | (strchr(mode, 'e') ? O_CLOEXEC : 0), 0);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, mode);
	if (!f)
		close(fd);
	return f;
}

static int fopen_flags(const char *mode)
{
	return mode[0] == 'r' && !strchr(mode, '+') ? O_RDONLY : O_RDWR;
}

#define FOPEN_LIKE(name)                                                                           \
	EXPORT FILE *name(const char *path, const char *mode)                                      \
	{                                                                                          \
		static FILE *(*real)(const char *, const char *);                                  \
		enum target t = classify(AT_FDCWD, path, fopen_flags(mode));                       \
		if (t != REAL)                                                                     \
			return fopen_fake(t, mode);                                                \
		if (!real)                                                                         \
			real = (FILE * (*)(const char *, const char *)) next(#name);               \
		return real(path, mode);                                                           \
	}
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)
