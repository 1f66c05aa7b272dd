/* scap-tables: write the userspace tables of one Falco driver version to a file that
 * tools/bpf-load.c and tools/kmod-read.c read.
 *
 *   scap-tables OUT
 *
 * A legacy probe does nothing until userspace fills its maps with tables that live in the
 * driver's sources, not in the probe: the syscall table (which syscalls make which events),
 * the event table (names and parameters of each event), the fillers table (which filler
 * program fills each event) and the filler names that key the tail-call table. libscap
 * compiles those sources into itself; we compile them with this file, once per driver tree,
 * and dump them, so that bpf-load stays one static binary for every driver version. The
 * kernel module needs none of it, but its reader uses the event table to check each record
 * and to know which events this version makes.
 *
 * Built by mk/verify.mk from the prepared tree, with the sources that driver version's libscap
 * compiles: event_table.c fillers_table.c flags_table.c dynamic_params_table.c, then
 * syscall_table64.c where it exists (from 5.0.1: it defines the syscall numbers
 * syscall_table.c uses, and includes it), else syscall_table.c, and syscall_ia32_64_map.c
 * where it exists (from 7.0.0; make then passes -DHAVE_IA32_64_MAP):
 *   cc -I<table sources> [-I<bpf-unit>] -I tools/scap-compat/userspace tools/scap-tables.c ...
 *
 * What differs between driver versions is found here with the preprocessor alone, so that
 * one file serves every tree (the groups are those of the research notes, verify.md):
 *   PROBE_VERSION defined         2021 trees (Falco 0.28-0.31): sysdig_bpf_* structures, no
 *                                 API or schema version, no scratch-map drop counter
 *   PPM_IOCTL_ENABLE_CAPTURE      the settings have capture_enabled (up to 3.0.1)
 *   ppm_tp.h exists               from 3.0.1: the syscall routing table is gone and the probe
 *                                 captures only the syscalls interesting_syscalls_table names
 *   bpf/types.h exists            the tree has a legacy probe (not 10.x)
 *
 * Output (text lines; each `blob` line is followed by COUNT*SIZE raw bytes and a newline):
 *   fp-scap-tables 2
 *   driver_version V
 *   api_version N / schema_version N        (packed as in the probe's sections; absent in
 *                                            the trees that have none)
 *   expect_execve_enter 0|1                 (9.x makes no execve enter event)
 *   ring_info size=N n_evts=N n_drops_buffer=N n_drops_pf=N   (the module's ring header)
 *   event TYPE NAME FLAGS NPARAMS [PNAME:PTYPE ...]
 * and, for a tree with a legacy probe:
 *   probe 1
 *   settings_offsets size=N boot_time=N [capture_enabled=N]
 *   state_counters NAME=OFFSET ...          (u64 counters in the per-CPU local state)
 *   fillers_strict 0|1                      (1: a filler without a program fails, as libscap
 *                                            of that version fails)
 *   filler ID NAME
 *   blob MAPNAME SIZE COUNT
 * The map names are the probe's symbol names for its maps: bpf-load refuses a blob whose SIZE
 * differs from that map's value size, which catches tables from another driver version. */

/* Before anything of the driver's: from 7.0.0 its headers use bool without including
 * <stdbool.h> (older ones had it from userspace/common/types.h). */
#include <stdbool.h>
/* ppm_ringbuffer.h uses __u32 and __u64 and includes <linux/types.h> only in the kernel. */
#include <linux/types.h>

#include "ppm_events_public.h"
#include "driver_config.h"
#include "ppm_ringbuffer.h"

#if __has_include("bpf/types.h")
#include "bpf/types.h"
#define HAVE_PROBE 1
#endif
#if __has_include("ppm_tp.h")
#define HAVE_INTERESTING_TABLE 1
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef PROBE_VERSION
#define TREE_VERSION PROBE_VERSION
#define SETTINGS struct sysdig_bpf_settings
#define CPU_STATE struct sysdig_bpf_per_cpu_state
#else
#define TREE_VERSION DRIVER_VERSION
#define SETTINGS struct scap_bpf_settings
#define CPU_STATE struct scap_bpf_per_cpu_state
#endif

/* libscap's defaults, the same in every version (RW_SNAPLEN, later SNAPLEN in
 * capture_macro.h, which not every tree has). */
#define DEFAULT_SNAPLEN 80
#define DEFAULT_STATSD_PORT 8125
/* x86_64 syscalls the verifiers make or need (execve, execveat, openat, open, socket): on
 * whatever the table says, since without them nothing can be checked. */
static const int wanted_syscalls[] = {59, 322, 257, 2, 41};
#define EXECVE_E 292 /* PPME_SYSCALL_EXECVE_19_E, the same number in every version */

extern const struct ppm_event_info g_event_info[];
extern const struct syscall_evt_pair g_syscall_table[];
#ifdef HAVE_PROBE
extern const struct ppm_event_entry g_ppm_events[];
#ifndef HAVE_INTERESTING_TABLE
extern const enum ppm_syscall_code g_syscall_code_routing_table[];
#endif
#ifdef HAVE_IA32_64_MAP
extern const int g_ia32_64_map[];
#endif
#define FILLER_NAME_FN(x) #x,
static const char *const filler_names[PPM_FILLER_MAX] = {FILLER_LIST_MAPPER(FILLER_NAME_FN)};
#undef FILLER_NAME_FN
#endif

static const char *out_path;

static void fail(const char *what)
{
	fprintf(stderr, "scap-tables: %s: %s: %s\n", out_path, what, strerror(errno));
	exit(1);
}

#ifdef HAVE_PROBE
static void blob(FILE *f, const char *map, size_t size, size_t count, const void *data)
{
	fprintf(f, "blob %s %zu %zu\n", map, size, count);
	if (fwrite(data, size, count, f) != count)
		fail("write");
	fputc('\n', f);
}

static void probe_tables(FILE *f)
{
	fprintf(f, "probe 1\n");
	fprintf(f, "settings_offsets size=%zu boot_time=%zu", sizeof(SETTINGS), offsetof(SETTINGS, boot_time));
#ifdef PPM_IOCTL_ENABLE_CAPTURE
	fprintf(f, " capture_enabled=%zu", offsetof(SETTINGS, capture_enabled));
#endif
	fputc('\n', f);
	/* Where the probe counts, per CPU, the events it made and the ones it dropped. */
	fprintf(f, "state_counters n_evts=%zu n_drops_buffer=%zu", offsetof(CPU_STATE, n_evts),
		offsetof(CPU_STATE, n_drops_buffer));
#ifndef PROBE_VERSION
	fprintf(f, " n_drops_scratch_map=%zu", offsetof(CPU_STATE, n_drops_scratch_map));
#endif
	fprintf(f, " n_drops_pf=%zu n_drops_bug=%zu\n", offsetof(CPU_STATE, n_drops_pf),
		offsetof(CPU_STATE, n_drops_bug));

	/* libscap refused a probe lacking a filler program up to schema 1.x; from 2.0.0 some
	 * fillers legitimately have none on x86_64 (arm64-only tracepoints, fillers listed but
	 * never written). */
#if defined(PROBE_VERSION) || PPM_SCHEMA_CURRENT_VERSION_MAJOR < 2
	fprintf(f, "fillers_strict 1\n");
#else
	fprintf(f, "fillers_strict 0\n");
#endif
	for (int i = 0; i < PPM_FILLER_MAX; i++)
		fprintf(f, "filler %d %s\n", i, filler_names[i]);

	/* libscap's defaults (set_default_settings), with capture already on where a flag says
	 * so: bpf-load writes the settings only once everything else is in place, and patches
	 * boot_time. */
	SETTINGS s;
	memset(&s, 0, sizeof(s));
	s.snaplen = DEFAULT_SNAPLEN;
	s.sampling_ratio = 1;
#ifdef PPM_IOCTL_ENABLE_CAPTURE
	s.capture_enabled = true;
#endif
	s.statsd_port = DEFAULT_STATSD_PORT;
	blob(f, "settings_map", sizeof(s), 1, &s);

	blob(f, "syscall_table", sizeof(struct syscall_evt_pair), SYSCALL_TABLE_SIZE, g_syscall_table);
	/* A parameter's info points into this program's flag tables, which the probe never reads
	 * (it cannot read our memory); only a small number there (a path's dirfd parameter) means
	 * something. Zeroed, the pointers no longer make each build's tables differ. */
	static struct ppm_event_info events[PPM_EVENT_MAX];
	memcpy(events, g_event_info, sizeof(events));
	for (int i = 0; i < PPM_EVENT_MAX; i++)
		for (int p = 0; p < PPM_MAX_EVENT_PARAMS; p++)
			if ((uintptr_t)events[i].params[p].info >= 4096)
				events[i].params[p].info = NULL;
	blob(f, "event_info_table", sizeof(struct ppm_event_info), PPM_EVENT_MAX, events);
	blob(f, "fillers_table", sizeof(struct ppm_event_entry), PPM_EVENT_MAX, g_ppm_events);

#ifdef HAVE_INTERESTING_TABLE
	/* What libscap's start_capture enables when it is asked for every syscall: each one the
	 * table knows. bpf-load writes it last, as it is the switch that starts the capture. */
	static bool interesting[SYSCALL_TABLE_SIZE];
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++)
		interesting[i] = (g_syscall_table[i].flags & UF_USED) != 0;
	for (size_t i = 0; i < sizeof(wanted_syscalls) / sizeof(wanted_syscalls[0]); i++)
		interesting[wanted_syscalls[i]] = true;
	blob(f, "interesting_syscalls_table", sizeof(interesting[0]), SYSCALL_TABLE_SIZE, interesting);
#else
	/* The probe's routing map holds 64-bit values (maps.h), the table 32-bit enums. */
	static uint64_t routing[SYSCALL_TABLE_SIZE];
	for (int i = 0; i < SYSCALL_TABLE_SIZE; i++)
		routing[i] = (uint64_t)g_syscall_code_routing_table[i];
	blob(f, "syscall_code_routing_table", sizeof(routing[0]), SYSCALL_TABLE_SIZE, routing);
#endif
#ifdef HAVE_IA32_64_MAP
	blob(f, "ia32_64_map", sizeof(g_ia32_64_map[0]), SYSCALL_TABLE_SIZE, g_ia32_64_map);
#endif
}
#endif

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

	fprintf(f, "fp-scap-tables 2\n");
	fprintf(f, "driver_version %s\n", TREE_VERSION);
#ifdef PPM_API_CURRENT_VERSION
	fprintf(f, "api_version %llu\n", (unsigned long long)PPM_API_CURRENT_VERSION);
	fprintf(f, "schema_version %llu\n", (unsigned long long)PPM_SCHEMA_CURRENT_VERSION);
#endif
	/* From 9.0.0 the drivers send only the exit event of execve; the table keeps the enter
	 * event for old captures and marks it so. */
	fprintf(f, "expect_execve_enter %d\n", (g_event_info[EXECVE_E].flags & EF_OLD_VERSION) ? 0 : 1);
	fprintf(f, "ring_info size=%zu n_evts=%zu n_drops_buffer=%zu n_drops_pf=%zu\n",
		sizeof(struct ppm_ring_buffer_info), offsetof(struct ppm_ring_buffer_info, n_evts),
		offsetof(struct ppm_ring_buffer_info, n_drops_buffer),
		offsetof(struct ppm_ring_buffer_info, n_drops_pf));

	/* Names and parameter types only: enough for the loaders to find an execve's path or an
	 * openat's file name in a captured event without knowing this version's event numbers. */
	for (int i = 0; i < PPM_EVENT_MAX; i++) {
		const struct ppm_event_info *e = &g_event_info[i];
		fprintf(f, "event %d %s %u %u", i, e->name[0] ? e->name : "-", (unsigned)e->flags,
			(unsigned)e->nparams);
		for (unsigned p = 0; p < e->nparams && p < PPM_MAX_EVENT_PARAMS; p++)
			fprintf(f, " %s:%d", e->params[p].name, (int)e->params[p].type);
		fputc('\n', f);
	}

#ifdef HAVE_PROBE
	probe_tables(f);
#endif

	fprintf(f, "end\n");
	if (fflush(f) || ferror(f) || fsync(fileno(f)) || fclose(f))
		fail("write");
	if (rename(tmp, out_path))
		fail("rename");
	return 0;
}
