/* kmod-read: start a capture with a loaded Falco kernel module and show that it works.
 *
 *   kmod-read [options] --module NAME
 *     --module NAME      the loaded module (falco; Debian's and Ubuntu's dkms trees: scap):
 *                        its parameters are under /sys/module/NAME
 *     --devices PREFIX   its devices, PREFIX0 ... one per CPU (default /dev/NAME)
 *     --tables FILE      the driver version's tables (scap-tables): the event table, and the
 *                        versions the module must report
 *     --expect-exec PATH run PATH in a child and require its execve events (the enter event
 *                        only where the driver version makes one: not from 9.0.0)
 *     --expect-open PATH open PATH and require its openat exit event
 *     --wait SECONDS     how long to wait for the expected events (default 10)
 *
 * Prints key=value lines (devices_opened, driver_version, ioctls, events_seen, ...,
 * result=PASS|FAIL) and a FAIL line for each thing that failed. Exit status: 0 PASS, 1 FAIL, 2
 * usage or input error.
 *
 * One reader for every driver version, with no version knowledge of its own: the module
 * makes the same records in every version (verify-events.c checks them) into a ring per CPU
 * (ppm_ringbuffer.h: a header page with head and tail, and the buffer, which the module maps
 * twice back to back so that a record that wraps is whole), and the capture starts through
 * ioctls of which each version knows a subset; numbers are never reused, and an unknown one
 * gets ENOTTY. So all of them are issued, in the order that works for every version, and
 * ENOTTY is ignored:
 *   MANAGE_TP(sys_enter|sys_exit|sched_process_exit)   3.0.1, 4.0.0: tracepoints by mask
 *   ENABLE_SYSCALL(nr) for each syscall we make        from 4.0.0: the consumer's syscalls
 *   ENABLE_TP(code) for sys_enter, sys_exit, sched_process_exit, sched_process_exec
 *                                                      from 5.0.1; from 9.1.0 a successful
 *                                                      execve's exit event comes from
 *                                                      sched_process_exec alone
 *   ENABLE_CAPTURE on every device                     up to 3.0.1, per ring
 * The consumer is the thread that opened the devices, and each open resets what it enabled:
 * every device is opened, then mapped, then the ioctls are issued, all from this thread.
 *
 * Statically linked (mk/verify.mk) so that it runs alone in a busybox initramfs. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "verify-events.h"

/* _IO('s', n): direction none, size 0, in every driver version (ppm_events_public.h). */
#define PPM_IOCTL(n) _IO('s', (n))
#define IOCTL_ENABLE_CAPTURE PPM_IOCTL(1)
#define IOCTL_GET_DRIVER_VERSION PPM_IOCTL(21) /* GET_PROBE_VERSION in the 2021 trees */
#define IOCTL_GET_API_VERSION PPM_IOCTL(24)
#define IOCTL_GET_SCHEMA_VERSION PPM_IOCTL(25)
#define IOCTL_MANAGE_TP PPM_IOCTL(26)
#define IOCTL_ENABLE_SYSCALL PPM_IOCTL(29)
#define IOCTL_ENABLE_TP PPM_IOCTL(31)

/* Tracepoint codes (ppm_tp.h, the same from 3.0.1 on). */
#define TP_SYS_ENTER 0
#define TP_SYS_EXIT 1
#define TP_SCHED_PROCESS_EXIT 2
#define TP_SCHED_PROCESS_EXEC 8

/* The syscalls the check makes: execve, execveat, open, openat, openat2, and the ones the
 * child is made by (clone, fork, vfork, clone3) and exits by (exit, exit_group). The module
 * takes the numbers of its kernel's architecture, which is the one this program is compiled
 * for (a static guest tool): the C library's numbers are those. arm64's generic table has no
 * open, fork or vfork. */
static const unsigned wanted_syscalls[] = {
	SYS_execve, SYS_execveat,
#ifdef SYS_open
	SYS_open,
#endif
	SYS_openat, SYS_openat2, SYS_clone,
#ifdef SYS_fork
	SYS_fork,
#endif
#ifdef SYS_vfork
	SYS_vfork,
#endif
	SYS_clone3, SYS_exit, SYS_exit_group,
};

/* Up to 3.0.1 the ring is a fixed 8 MiB (RING_BUF_SIZE); later modules size it by their
 * g_buffer_bytes_dim parameter, whose default is the same. */
#define DEFAULT_RING_BYTES (8ul << 20)
#define MAX_CPUS 1024

static const char *module_name, *device_prefix, *tables_path, *expect_exec, *expect_open;
static double wait_s = 10;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_fail(void)
{
	printf("result=FAIL\n");
}

struct ring {
	int cpu, fd;
	volatile unsigned char *info; /* struct ppm_ring_buffer_info */
	const unsigned char *data;    /* 2 * size bytes: the buffer, then the same pages again */
};

static struct ring rings[MAX_CPUS];
static int n_rings;
static size_t ring_bytes = DEFAULT_RING_BYTES;
static struct ve_tables tables;
static struct ve_expect expect;

/* The device of a CPU: devtmpfs makes it; without devtmpfs it is made from sysfs. */
static int open_device(int cpu)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%d", device_prefix, cpu);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	const char *base = strrchr(device_prefix, '/');
	base = base ? base + 1 : device_prefix;
	char sys[512], buf[64];
	snprintf(sys, sizeof(sys), "/sys/class/%s/%s%d/dev", base, base, cpu);
	FILE *f = fopen(sys, "r");
	unsigned maj, min;
	if (!f) {
		errno = ENOENT;
		return -1;
	}
	bool ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%u:%u", &maj, &min) == 2;
	fclose(f);
	if (!ok || (mknod(path, S_IFCHR | 0600, makedev(maj, min)) && errno != EEXIST)) {
		errno = ENOENT;
		return -1;
	}
	return open(path, O_RDWR | O_CLOEXEC);
}

static void read_ring_size(void)
{
	char path[512];
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/g_buffer_bytes_dim", module_name);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	unsigned long v;
	if (fscanf(f, "%lu", &v) == 1 && v)
		ring_bytes = v;
	fclose(f);
}

/* Opens and maps the ring of every CPU. Returns the number of problems. */
static int open_rings(void)
{
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	long page = sysconf(_SC_PAGESIZE);
	if (ncpus < 1)
		ncpus = 1;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	read_ring_size();
	printf("ring_bytes=%zu\n", ring_bytes);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd = open_device(cpu);
		if (fd < 0) {
			/* An offline CPU's device refuses to open (libscap skips it too). */
			if (errno == ENODEV)
				continue;
			printf("FAIL open %s%d: %s\n", device_prefix, cpu, strerror(errno));
			return 1;
		}
		rings[n_rings].cpu = cpu;
		rings[n_rings++].fd = fd;
	}
	printf("devices_opened=%d\n", n_rings);
	if (!n_rings) {
		printf("FAIL no device of %s could be opened\n", device_prefix);
		return 1;
	}
	/* Only once every device is open: an open resets the consumer's settings. */
	for (int i = 0; i < n_rings; i++) {
		struct ring *r = &rings[i];
		void *info = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
		if (info == MAP_FAILED) {
			printf("FAIL mmap the ring header of %s%d: %s\n", device_prefix, r->cpu, strerror(errno));
			return 1;
		}
		/* Read-only: the module refuses a writable mapping of its buffer. */
		void *data = mmap(NULL, 2 * ring_bytes, PROT_READ, MAP_SHARED, r->fd, 0);
		if (data == MAP_FAILED) {
			printf("FAIL mmap the %zu-byte ring of %s%d: %s\n", ring_bytes, device_prefix, r->cpu,
			       strerror(errno));
			return 1;
		}
		r->info = info;
		r->data = data;
	}
	return 0;
}

/* The module's versions against the tables'. Returns the number of problems. */
static int check_versions(void)
{
	char version[256] = "";
	if (ioctl(rings[0].fd, IOCTL_GET_DRIVER_VERSION, version)) {
		printf("FAIL ioctl GET_DRIVER_VERSION: %s\n", strerror(errno));
		return 1;
	}
	version[sizeof(version) - 1] = 0;
	printf("driver_version=%s\n", version);
	int problems = 0;
	if (tables_path && strcmp(version, tables.driver_version) != 0) {
		printf("FAIL driver version: the module is %s, the tables (%s) are for %s\n", version, tables_path,
		       tables.driver_version);
		problems++;
	}
	uint64_t api = 0, schema = 0;
	if (ioctl(rings[0].fd, IOCTL_GET_API_VERSION, &api) == 0 &&
	    ioctl(rings[0].fd, IOCTL_GET_SCHEMA_VERSION, &schema) == 0) {
		printf("api_version=%" PRIu64 ".%" PRIu64 ".%" PRIu64 "\nschema_version=%" PRIu64 ".%" PRIu64 ".%" PRIu64 "\n",
		       api >> 44, (api >> 24) & 0xfffff, api & 0xffffff, schema >> 44, (schema >> 24) & 0xfffff,
		       schema & 0xffffff);
		if (tables_path && tables.have_api && (api != tables.api_version || schema != tables.schema_version)) {
			printf("FAIL API version: the module's API and schema versions are not those of the tables (%s)\n",
			       tables_path);
			problems++;
		}
	} else {
		printf("api_version=none\nschema_version=none\n");
		if (tables_path && tables.have_api) {
			printf("FAIL API version: the module gives none, but the tables (%s) have one\n", tables_path);
			problems++;
		}
	}
	return problems;
}

/* One ioctl of the start sequence: 1 done, 0 not this version's (ENOTTY), -1 refused. */
static int start_ioctl(int fd, unsigned long cmd, unsigned long arg, const char *what, char *log, size_t n)
{
	int rc = ioctl(fd, cmd, arg);
	size_t len = strlen(log);
	if (rc == 0) {
		snprintf(log + len, n - len, "%s%s", len ? " " : "", what);
		return 1;
	}
	if (errno == ENOTTY)
		return 0;
	printf("WARN ioctl %s: %s\n", what, strerror(errno));
	return -1;
}

/* Starts the capture with every ioctl any version needs. Returns the number of problems. */
static int start_capture(void)
{
	char log[4096] = "", what[64];
	int fd = rings[0].fd, started = 0;
	started += start_ioctl(fd, IOCTL_MANAGE_TP,
			       (1u << TP_SYS_ENTER) | (1u << TP_SYS_EXIT) | (1u << TP_SCHED_PROCESS_EXIT),
			       "MANAGE_TP", log, sizeof(log)) > 0;
	int syscalls = 0;
	for (size_t i = 0; i < sizeof(wanted_syscalls) / sizeof(wanted_syscalls[0]); i++) {
		snprintf(what, sizeof(what), "ENABLE_SYSCALL(%u)", wanted_syscalls[i]);
		char scratch[128] = "";
		syscalls += start_ioctl(fd, IOCTL_ENABLE_SYSCALL, wanted_syscalls[i], what, scratch,
					sizeof(scratch)) > 0;
	}
	if (syscalls) {
		size_t len = strlen(log);
		snprintf(log + len, sizeof(log) - len, "%sENABLE_SYSCALLx%d", len ? " " : "", syscalls);
	}
	static const unsigned tps[] = {TP_SYS_ENTER, TP_SYS_EXIT, TP_SCHED_PROCESS_EXIT, TP_SCHED_PROCESS_EXEC};
	for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		snprintf(what, sizeof(what), "ENABLE_TP(%u)", tps[i]);
		started += start_ioctl(fd, IOCTL_ENABLE_TP, tps[i], what, log, sizeof(log)) > 0;
	}
	int captures = 0;
	for (int i = 0; i < n_rings; i++) {
		char scratch[128] = "";
		captures += start_ioctl(rings[i].fd, IOCTL_ENABLE_CAPTURE, 0, "ENABLE_CAPTURE", scratch,
					sizeof(scratch)) > 0;
	}
	if (captures) {
		size_t len = strlen(log);
		snprintf(log + len, sizeof(log) - len, "%sENABLE_CAPTUREx%d", len ? " " : "", captures);
	}
	started += captures;
	printf("ioctls=%s\n", log);
	if (!started) {
		printf("FAIL the module took none of the ioctls that start a capture (ENABLE_CAPTURE, MANAGE_TP, "
		       "ENABLE_TP)\n");
		return 1;
	}
	return 0;
}

static uint64_t info_u64(const struct ring *r, size_t off)
{
	uint64_t v;
	memcpy(&v, (const unsigned char *)r->info + off, 8);
	return v;
}

/* Hands every record the module has written on this ring to the check, then gives the space
 * back. Returns false on a record the ring cannot hold (the ring is then left alone). */
static bool drain(struct ring *r)
{
	volatile uint32_t *head_p = (volatile uint32_t *)r->info, *tail_p = head_p + 1;
	uint32_t head = __atomic_load_n(head_p, __ATOMIC_ACQUIRE);
	uint32_t tail = *tail_p;
	size_t avail = tail > head ? ring_bytes - tail + head : (size_t)(head - tail);
	size_t at = tail;
	while (avail >= VE_EVT_HDR_LEN) {
		const unsigned char *ev = r->data + at;
		uint32_t len;
		memcpy(&len, ev + 16, 4);
		if (len < VE_EVT_HDR_LEN || len > avail) {
			expect.events_malformed++;
			return false;
		}
		ve_handle_event(&expect, &tables, ev, len);
		at += len;
		avail -= len;
	}
	if (at >= ring_bytes)
		at -= ring_bytes;
	__atomic_store_n(tail_p, (uint32_t)at, __ATOMIC_RELEASE);
	return true;
}

static void usage(void)
{
	fprintf(stderr, "usage: kmod-read --module NAME [--devices PREFIX] [--tables FILE] [--expect-exec PATH]\n"
			"                 [--expect-open PATH] [--wait SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	die_status = 2;
	die_hook = print_fail;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (strcmp(o, "--module") == 0)
			module_name = v;
		else if (strcmp(o, "--devices") == 0)
			device_prefix = v;
		else if (strcmp(o, "--tables") == 0)
			tables_path = v;
		else if (strcmp(o, "--expect-exec") == 0)
			expect_exec = v;
		else if (strcmp(o, "--expect-open") == 0)
			expect_open = v;
		else if (strcmp(o, "--wait") == 0)
			wait_s = strtod(v, NULL);
		else
			usage();
		i++;
	}
	if (!module_name || !*module_name || strchr(module_name, '/') || wait_s < 0)
		usage();
	if ((expect_exec || expect_open) && !tables_path)
		die("--expect-exec/--expect-open need --tables (the events are read by its event table)");
	static char prefix[512];
	if (!device_prefix) {
		snprintf(prefix, sizeof(prefix), "/dev/%s", module_name);
		device_prefix = prefix;
	}
	if (tables_path)
		ve_read_tables(&tables, tables_path, NULL, NULL);
	printf("module=%s\n", module_name);

	int failures = open_rings();
	if (!failures)
		failures += check_versions();
	if (!failures)
		failures += start_capture();
	if (!failures && (expect_exec || expect_open)) {
		double t0 = now_s();
		ve_expect_init(&expect, expect_exec, expect_open);
		ve_make_syscalls(&expect);
		bool whole = true;
		for (;;) {
			for (int i = 0; i < n_rings; i++)
				whole = drain(&rings[i]) && whole;
			if (ve_done(&expect, &tables) || now_s() - t0 > wait_s || !whole)
				break;
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (!whole) {
			printf("FAIL ring: a record longer than what the module says it wrote\n");
			failures++;
		}
		printf("capture_seconds=%.2f\n", now_s() - t0);
		/* What the module says of its rings: events it made, events it had no room for. */
		size_t off_evts = tables.ring_n_evts ? tables.ring_n_evts : 8;
		size_t off_drops = tables.ring_n_drops_buffer ? tables.ring_n_drops_buffer : 16;
		unsigned long long evts = 0, drops = 0, pf = 0;
		for (int i = 0; i < n_rings; i++) {
			evts += info_u64(&rings[i], off_evts);
			drops += info_u64(&rings[i], off_drops);
			if (tables.ring_n_drops_pf)
				pf += info_u64(&rings[i], tables.ring_n_drops_pf);
		}
		printf("module_n_evts=%llu\nmodule_n_drops_buffer=%llu\n", evts, drops);
		if (tables.ring_n_drops_pf)
			printf("module_n_drops_pf=%llu\n", pf);
		char why[128];
		snprintf(why, sizeof(why), "(module drops: %llu buffer, %llu invalid memory)", drops, pf);
		failures += ve_report(&expect, &tables, why);
		if (expect.open_fd >= 0)
			close(expect.open_fd);
	}
	for (int i = 0; i < n_rings; i++)
		close(rings[i].fd);
	printf("result=%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
