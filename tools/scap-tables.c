/* scap-tables: write the userspace tables of one legacy-eBPF driver version to a file that
 * tools/bpf-load.c reads.
 *
 *   scap-tables OUT
 *
 * A legacy probe does nothing until userspace fills its maps with tables that live in the
 * driver's sources, not in the probe: the syscall table (which syscalls make which events),
 * the event table (names and parameters of each event), the fillers table (which filler
 * program fills each event) and the filler names that key the tail-call table. libscap
 * compiles those sources into itself; we compile them (event_table.c, fillers_table.c,
 * syscall_table.c, flags_table.c, dynamic_params_table.c) with this file, once per driver
 * tree, and dump them, so that bpf-load itself stays one static binary for every version.
 * Built by mk/verify.mk:
 *   cc -I<driver tree> -I tools/scap-compat/userspace tools/scap-tables.c <tree>/<tables>.c
 *
 * Output (text lines; each `blob` line is followed by COUNT*SIZE raw bytes and a newline):
 *   fp-scap-tables 1
 *   driver_version V
 *   api_version N / schema_version N        (packed as in the probe's sections)
 *   settings_offsets boot_time=N capture_enabled=N
 *   state_counters NAME=OFFSET ...          (u64 counters in the per-CPU local state)
 *   filler ID NAME
 *   event TYPE NAME FLAGS NPARAMS [PNAME:PTYPE ...]
 *   blob MAPNAME SIZE COUNT
 * The map names are the probe's symbol names for its maps: bpf-load refuses a blob whose SIZE
 * differs from that map's value size, which catches tables from another driver version. */
#include "ppm_events_public.h"
#include "bpf/types.h"
#include "driver_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct ppm_event_info g_event_info[];
extern const struct ppm_event_entry g_ppm_events[];
extern const struct syscall_evt_pair g_syscall_table[];
extern const enum ppm_syscall_code g_syscall_code_routing_table[];

#define FILLER_NAME_FN(x) #x,
static const char *const filler_names[PPM_FILLER_MAX] = {FILLER_LIST_MAPPER(FILLER_NAME_FN)};
#undef FILLER_NAME_FN

static const char *out_path;

static void fail(const char *what)
{
	fprintf(stderr, "scap-tables: %s: %s: %s\n", out_path, what, strerror(errno));
	exit(1);
}

static void blob(FILE *f, const char *map, size_t size, size_t count, const void *data)
{
	fprintf(f, "blob %s %zu %zu\n", map, size, count);
	if (fwrite(data, size, count, f) != count)
		fail("write");
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: scap-tables OUT\n");
		return 2;
	}
	out_path = argv[1];
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", out_path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		fail("path");
	}
	FILE *f = fopen(tmp, "wb");
	if (!f)
		fail("open");

	fprintf(f, "fp-scap-tables 1\n");
	fprintf(f, "driver_version %s\n", DRIVER_VERSION);
	fprintf(f, "api_version %llu\n", (unsigned long long)PPM_API_CURRENT_VERSION);
	fprintf(f, "schema_version %llu\n", (unsigned long long)PPM_SCHEMA_CURRENT_VERSION);
	fprintf(f, "settings_offsets boot_time=%zu capture_enabled=%zu\n",
		offsetof(struct scap_bpf_settings, boot_time),
		offsetof(struct scap_bpf_settings, capture_enabled));
	/* Where the probe counts, per CPU, the events it made and the ones it dropped. */
	fprintf(f, "state_counters n_evts=%zu n_drops_buffer=%zu n_drops_scratch_map=%zu "
		   "n_drops_pf=%zu n_drops_bug=%zu\n",
		offsetof(struct scap_bpf_per_cpu_state, n_evts),
		offsetof(struct scap_bpf_per_cpu_state, n_drops_buffer),
		offsetof(struct scap_bpf_per_cpu_state, n_drops_scratch_map),
		offsetof(struct scap_bpf_per_cpu_state, n_drops_pf),
		offsetof(struct scap_bpf_per_cpu_state, n_drops_bug));

	for (int i = 0; i < PPM_FILLER_MAX; i++)
		fprintf(f, "filler %d %s\n", i, filler_names[i]);

	/* Names and parameter types only: enough for bpf-load to find an execve's path or an
	 * openat's file name in a captured event without knowing this version's event numbers. */
	for (int i = 0; i < PPM_EVENT_MAX; i++) {
		const struct ppm_event_info *e = &g_event_info[i];
		fprintf(f, "event %d %s %u %u", i, e->name[0] ? e->name : "-", (unsigned)e->flags,
			(unsigned)e->nparams);
		for (unsigned p = 0; p < e->nparams && p < PPM_MAX_EVENT_PARAMS; p++)
			fprintf(f, " %s:%d", e->params[p].name, (int)e->params[p].type);
		fputc('\n', f);
	}

	/* libscap's defaults (set_default_settings), with capture already on: bpf-load writes the
	 * settings only once everything else is in place, and patches boot_time. */
	struct scap_bpf_settings s;
	memset(&s, 0, sizeof(s));
	s.snaplen = RW_SNAPLEN;
	s.sampling_ratio = 1;
	s.capture_enabled = true;
	s.statsd_port = 8125;
	blob(f, "settings_map", sizeof(s), 1, &s);

	blob(f, "syscall_table", sizeof(struct syscall_evt_pair), SYSCALL_TABLE_SIZE, g_syscall_table);
	blob(f, "event_info_table", sizeof(struct ppm_event_info), PPM_EVENT_MAX, g_event_info);
	blob(f, "fillers_table", sizeof(struct ppm_event_entry), PPM_EVENT_MAX, g_ppm_events);

	/* The probe's routing map holds 64-bit values (maps.h), the table 32-bit enums. */
	static uint64_t routing[SYSCALL_TABLE_SIZE];
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++)
		routing[i] = (uint64_t)g_syscall_code_routing_table[i];
	blob(f, "syscall_code_routing_table", sizeof(routing[0]), SYSCALL_TABLE_SIZE, routing);

	fprintf(f, "end\n");
	if (fflush(f) || ferror(f) || fsync(fileno(f)) || fclose(f))
		fail("write");
	if (rename(tmp, out_path))
		fail("rename");
	return 0;
}
