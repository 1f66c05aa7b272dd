/* What the two boot verifiers share (tools/bpf-load.c for legacy probes, tools/kmod-read.c for
 * kernel modules): the driver version's tables as tools/scap-tables.c writes them, the
 * syscalls they make to have something to see, and the check of every captured event.
 *
 * Both drivers write the same records (a packed 26-byte ppm_evt_hdr, then one length per
 * parameter, then the parameters), so one check serves both: an execve of a known program by
 * a child of ours, and an openat of a known file by ourselves, each matched on its parameters
 * (file names, result, pid and ptid, which a driver reading the kernel's structures at the
 * wrong offsets gets wrong). Parameters are found by name in the tables, so that no event
 * number or parameter position of one driver version is assumed. */
#ifndef VERIFY_EVENTS_H
#define VERIFY_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define VE_MAX_EVENTS 1024
#define VE_MAX_PARAMS 32
#define VE_EVT_HDR_LEN 26 /* packed ppm_evt_hdr: ts u64, tid u64, len u32, type u16, nparams u32 */

struct ve_event_info {
	char name[64];
	unsigned flags, nparams;
	char pname[VE_MAX_PARAMS][64];
	int ptype[VE_MAX_PARAMS];
	bool known;
};

/* The lines of a tables file every reader understands; the rest goes to the reader's hooks. */
struct ve_tables {
	const char *path;
	char driver_version[256];
	bool have_api;
	uint64_t api_version, schema_version;
	bool expect_execve_enter;
	/* The kernel module's ring header (struct ppm_ring_buffer_info): 0 where not told. */
	size_t ring_info_size, ring_n_evts, ring_n_drops_buffer, ring_n_drops_pf;
	struct ve_event_info events[VE_MAX_EVENTS];
	int n_event_types;
};

/* Reads the tables at path into t. A line the reader does not know goes to line_hook (key, the
 * rest of the line, the line number), a blob to blob_hook (its bytes stay the hook's to keep
 * or free); either may be NULL, which skips such lines. Dies (status 2, naming the file and the
 * line) on a file that is not version 2 tables, or is truncated. */
void ve_read_tables(struct ve_tables *t, const char *path,
		    void (*line_hook)(const char *key, char *rest, long line),
		    void (*blob_hook)(const char *name, size_t size, size_t count, unsigned char *data,
				      long line));

/* What a run expects and what it saw. */
struct ve_expect {
	const char *exec_path; /* run in a child; its execve events are required (NULL: none) */
	const char *open_path; /* opened by us; its openat exit event is required (NULL: none) */
	pid_t child, self;
	int open_fd;
	bool seen_exec_enter, seen_exec_exit, seen_open;
	long long events_seen, events_malformed;
	int near_misses;
};

void ve_expect_init(struct ve_expect *x, const char *exec_path, const char *open_path);
/* Makes the syscalls the events are expected of: the child's execve, then our openat. */
void ve_make_syscalls(struct ve_expect *x);
/* Checks one captured record of size bytes (a record longer than its len field is fine). */
void ve_handle_event(struct ve_expect *x, const struct ve_tables *t, const unsigned char *ev, size_t size);
/* Whether every expected event has been seen. */
bool ve_done(const struct ve_expect *x, const struct ve_tables *t);
/* Prints the events_* and event_* lines and one FAIL line per expected event not seen (drops
 * names what the driver says it dropped, for that line); returns how many were missing, an
 * empty capture counting as one. */
int ve_report(struct ve_expect *x, const struct ve_tables *t, const char *drops);

#endif
