/* bpf-load: load a legacy Falco eBPF probe into the running kernel and show that it works.
 *
 *   bpf-load [options] PROBE.o
 *     --tables FILE      the driver version's userspace tables (scap-tables); without them the
 *                        probe is only loaded (nothing fills its maps, so no events can flow)
 *     --any-kernel       go on when the probe's kernel_version is not `uname -r` (reported)
 *     --no-attach        load the programs through the verifier and stop
 *     --expect-exec PATH run PATH in a child and require its execve events (the enter event
 *                        only where the driver version makes one: not from 9.0.0)
 *     --expect-open PATH open PATH and require its openat exit event
 *     --wait SECONDS     how long to wait for the expected events (default 10)
 *     --log-lines N      verifier log lines shown for a failing program (default 40, 0: all)
 *     --ring-pages N     pages of each per-CPU perf ring (power of two, default 256)
 *
 * Prints one PASS/FAIL line per program (the tail of the verifier's log on FAIL), then
 * key=value lines (programs_loaded, tracepoints_attached, events_seen, ... result=PASS|FAIL).
 * Exit status: 0 PASS, 1 FAIL, 2 usage or input error.
 *
 * Why our own loader: the legacy probe declares its maps as an array of struct bpf_map_def in
 * a section named "maps", which current libbpf refuses, and it only produces events once
 * userspace fills the maps the way libscap does (falcosecurity/libs scap_bpf.c):
 *   - a map whose max_entries is 0 gets one entry per CPU;
 *   - "raw_tracepoint/filler/NAME" programs are tail-call targets: tail_map[id of NAME];
 *   - every other "raw_tracepoint/X" is attached to raw tracepoint X, and "tracepoint/C/X"
 *     through perf_event_open on tracefs' C/X/id; a trailing "&N" (two programs for one
 *     tracepoint, from 5.0.1) is not part of the tracepoint's name;
 *   - the tables the probe reads (syscall_table, event_info_table, fillers_table, and by
 *     driver version syscall_code_routing_table or interesting_syscalls_table, ia32_64_map)
 *     and the settings come from the driver's sources (--tables);
 *   - perf_map[cpu] holds a PERF_COUNT_SW_BPF_OUTPUT event per online CPU;
 *   - the capture starts with the last map written: the settings' capture_enabled up to
 *     3.0.1, the interesting_syscalls_table from 3.0.1 on (there is no flag from 4.0.0).
 * Each perf ring is mapped once. libscap of that era mapped it twice, the second mapping
 * overlapping the first as a wrap-around mirror; kernels with "perf/core: Prevent VMA split
 * of buffer mappings" (Debian 6.1.148 and later) refuse that with ENOMEM. We copy a record
 * that wraps instead.
 *
 * The probes of 2021 (Falco 0.28-0.31) have no api_version or schema_version section, and
 * the oldest no license section (libscap then said "GPL" itself): such a probe is accepted
 * when its tables have no API version either.
 *
 * Statically linked (tools/bpf-load.mk) so that it runs alone in a busybox initramfs. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/version.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "verify-events.h"

#define MAX_MAPS 64
#define MAX_PROGS 512
#define MAX_FILLERS 512
#define MAP_DEF_WORDS 7 /* type key_size value_size max_entries map_flags inner_map_idx numa_node */

static const char *probe_path;

/* A reader of our key=value lines always gets a verdict, a failure to get as far as one too. */
static void print_fail(void)
{
	printf("result=FAIL\n");
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* ---- options ---- */

static const char *tables_path;
static const char *expect_exec;
static const char *expect_open;
static bool any_kernel, no_attach;
static double wait_s = 10;
static long log_lines = 40;
static long ring_pages = 256;

/* ---- the probe ---- */

struct map {
	char name[64];
	size_t offset; /* in the maps section: what relocations refer to */
	uint32_t def[MAP_DEF_WORDS];
	int fd;
};

struct prog {
	char *section;
	struct bpf_insn *insns;
	size_t n_insns;
	int fd;
};

static struct map maps[MAX_MAPS];
static int n_maps;
static struct prog progs[MAX_PROGS];
static int n_progs;
static char license[128];
static bool license_default;
static char kernel_version[256];
static char probe_version[256];
static uint64_t api_version, schema_version;
static bool have_api, have_schema;
/* The probe stays open: the programs' instructions live in libelf's copies of the sections. */
static int probe_fd = -1;
static Elf *elf;
static size_t shnum, shstrndx, maps_idx;
static Elf_Data *symbols;

static struct map *map_named(const char *name)
{
	for (int i = 0; i < n_maps; i++)
		if (strcmp(maps[i].name, name) == 0)
			return &maps[i];
	return NULL;
}

/* Section data as a NUL-terminated string, whatever the section holds. */
static void section_string(Elf_Data *d, char *out, size_t n)
{
	size_t len = d->d_size < n - 1 ? d->d_size : n - 1;
	memcpy(out, d->d_buf, len);
	out[len] = 0;
}

static bool is_prog_section(const char *name)
{
	return strncmp(name, "raw_tracepoint/", 15) == 0 || strncmp(name, "tracepoint/", 11) == 0;
}

static int cmp_map_offset(const void *a, const void *b)
{
	const struct map *l = a, *r = b;
	return l->offset < r->offset ? -1 : l->offset > r->offset;
}

static void read_probe(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	probe_fd = open(probe_path, O_RDONLY | O_CLOEXEC);
	if (probe_fd < 0)
		die_at(probe_path, "%s", strerror(errno));
	/* ELF_C_READ copies the sections into memory we may patch (relocations). */
	elf = elf_begin(probe_fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		die_at(probe_path, "not an ELF object (%s)", elf_errmsg(-1));
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		die_at(probe_path, "unreadable ELF header: %s", elf_errmsg(-1));
	if (eh.e_machine != EM_BPF || eh.e_ident[EI_CLASS] != ELFCLASS64)
		die_at(probe_path, "not a 64-bit BPF object (e_machine %u)", eh.e_machine);
	/* clang writes the section table last: a probe cut short has lost it. */
	struct stat st;
	if (fstat(probe_fd, &st) == 0 && eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)st.st_size)
		die_at(probe_path, "truncated probe: its section table ends at byte %llu, the file has %lld bytes",
		       (unsigned long long)(eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize), (long long)st.st_size);
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		die_at(probe_path, "unreadable section table, truncated or corrupted probe: %s",
		    elf_errmsg(-1));

	size_t strtab_idx = 0;
	size_t bad_sections = 0;
	/* First pass: metadata, maps and symbols. A section libelf cannot read counts as absent,
	 * as in libscap, so that a truncated probe reports what it lacks. */
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh)) {
			bad_sections++;
			continue;
		}
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size != sh.sh_size) {
			bad_sections++;
			continue;
		}
		if (sh.sh_type == SHT_SYMTAB) {
			symbols = d;
			strtab_idx = sh.sh_link;
		} else if (strcmp(name, "maps") == 0) {
			maps_idx = i;
		} else if (strcmp(name, "license") == 0) {
			section_string(d, license, sizeof(license));
		} else if (strcmp(name, "kernel_version") == 0) {
			section_string(d, kernel_version, sizeof(kernel_version));
		} else if (strcmp(name, "probe_version") == 0) {
			section_string(d, probe_version, sizeof(probe_version));
		} else if (strcmp(name, "api_version") == 0 && d->d_size == 8) {
			memcpy(&api_version, d->d_buf, 8);
			have_api = true;
		} else if (strcmp(name, "schema_version") == 0 && d->d_size == 8) {
			memcpy(&schema_version, d->d_buf, 8);
			have_schema = true;
		}
	}
	const char *hint = bad_sections ? " (some sections are unreadable: truncated probe?)" : "";
	/* A 2021 probe has neither version section (its tables tell: fill_tables); one that has
	 * only one of them is damaged, as is one whose sections libelf could not all read. */
	if (have_api != have_schema || (!have_api && bad_sections))
		die_at(probe_path, "missing %s section%s", have_api ? "schema_version" : "api_version", hint);
	if (!symbols)
		die_at(probe_path, "missing symbol table%s", hint);
	if (!license[0]) {
		if (bad_sections)
			die_at(probe_path, "missing license section%s", hint);
		/* The oldest probes (5c0b863) have none; libscap then passed "GPL" itself. */
		snprintf(license, sizeof(license), "GPL");
		license_default = true;
	}
	if (!maps_idx)
		die_at(probe_path, "missing maps section%s", hint);

	Elf_Scn *mscn = elf_getscn(elf, maps_idx);
	Elf_Data *mdata = elf_getdata(mscn, NULL);
	size_t nsyms = symbols->d_size / sizeof(Elf64_Sym);
	for (size_t i = 0; i < nsyms; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(symbols, (int)i, &sym) || sym.st_shndx != maps_idx)
			continue;
		if (GELF_ST_TYPE(sym.st_info) == STT_SECTION)
			continue;
		if (n_maps == MAX_MAPS)
			die_at(probe_path, "more than %d maps", MAX_MAPS);
		struct map *m = &maps[n_maps++];
		const char *nm = elf_strptr(elf, strtab_idx, sym.st_name);
		snprintf(m->name, sizeof(m->name), "%s", nm ? nm : "?");
		m->offset = sym.st_value;
		m->fd = -1;
	}
	if (!n_maps)
		die_at(probe_path, "the maps section declares no map");
	qsort(maps, (size_t)n_maps, sizeof(maps[0]), cmp_map_offset);
	/* Each definition runs to the next one, or to the end of the section (a symbol may place
	 * the next one beyond it); the old layout is 7 words (28 bytes). */
	for (int i = 0; i < n_maps; i++) {
		size_t end = i + 1 < n_maps ? maps[i + 1].offset : mdata->d_size;
		if (end > mdata->d_size)
			end = mdata->d_size;
		size_t len = end > maps[i].offset ? end - maps[i].offset : 0;
		if (maps[i].offset >= mdata->d_size || len < 4 * 4)
			die_at(probe_path, "map %s: definition outside the maps section", maps[i].name);
		if (len > sizeof(maps[i].def))
			len = sizeof(maps[i].def);
		memcpy(maps[i].def, (char *)mdata->d_buf + maps[i].offset, len);
	}

	/* Programs, then their relocations (which need the programs' buffers). */
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !sh.sh_size)
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || !is_prog_section(name))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || d->d_size != sh.sh_size || d->d_size % sizeof(struct bpf_insn))
			die_at(probe_path, "program section %s is unreadable or not whole instructions%s", name, hint);
		if (n_progs == MAX_PROGS)
			die_at(probe_path, "more than %d programs", MAX_PROGS);
		struct prog *p = &progs[n_progs++];
		p->section = strdup(name);
		p->insns = d->d_buf;
		p->n_insns = d->d_size / sizeof(struct bpf_insn);
		p->fd = -1;
	}
	if (!n_progs)
		die_at(probe_path, "no tracepoint or raw_tracepoint program");
}

/* Relocations are applied after the maps exist, since they carry the maps' fds. */
static void relocate(void)
{
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		Elf_Scn *tscn = elf_getscn(elf, sh.sh_info);
		GElf_Shdr tsh;
		if (!tscn || !gelf_getshdr(tscn, &tsh))
			continue;
		const char *tname = elf_strptr(elf, shstrndx, tsh.sh_name);
		if (!tname || !is_prog_section(tname))
			continue; /* debug info, BTF */
		struct prog *p = NULL;
		for (int k = 0; k < n_progs; k++)
			if (strcmp(progs[k].section, tname) == 0)
				p = &progs[k];
		if (!p)
			continue;
		Elf_Data *rd = elf_getdata(scn, NULL);
		if (!rd || !sh.sh_entsize)
			die_at(probe_path, "unreadable relocations for %s", tname);
		size_t nrel = sh.sh_size / sh.sh_entsize;
		for (size_t r = 0; r < nrel; r++) {
			GElf_Rel rel;
			GElf_Sym sym;
			if (!gelf_getrel(rd, (int)r, &rel) ||
			    !gelf_getsym(symbols, (int)GELF_R_SYM(rel.r_info), &sym))
				die_at(probe_path, "%s: unreadable relocation %zu", tname, r);
			size_t idx = rel.r_offset / sizeof(struct bpf_insn);
			if (idx + 1 >= p->n_insns)
				die_at(probe_path, "%s: relocation %zu beyond the program", tname, r);
			struct bpf_insn *insn = &p->insns[idx];
			if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
				die_at(probe_path, "%s: relocation for instruction %zu (code 0x%x), not a 64-bit load",
				       tname, idx, insn->code);
			if (sym.st_shndx != maps_idx)
				die_at(probe_path, "%s: relocation %zu refers to section %u, not to a map (the legacy "
				       "probe inlines everything)", tname, r, sym.st_shndx);
			struct map *m = NULL;
			for (int k = 0; k < n_maps; k++)
				if (maps[k].offset == sym.st_value)
					m = &maps[k];
			if (!m)
				die_at(probe_path, "%s: relocation %zu names no map (offset %llu)", tname,
				    r, (unsigned long long)sym.st_value);
			insn->src_reg = BPF_PSEUDO_MAP_FD;
			insn->imm = m->fd;
		}
	}
}

/* ---- maps ---- */

static int ncpus;

static void create_maps(void)
{
	for (int i = 0; i < n_maps; i++) {
		struct map *m = &maps[i];
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_type = m->def[0];
		a.key_size = m->def[1];
		a.value_size = m->def[2];
		a.max_entries = m->def[3] ? m->def[3] : (uint32_t)ncpus; /* per-CPU by convention */
		a.map_flags = m->def[4];
		/* A name helps bpftool users; kernels before 4.15 refuse the field, so retry. */
		size_t j = 0;
		for (const char *s = m->name; *s && j < sizeof(a.map_name) - 1; s++)
			if (isalnum((unsigned char)*s) || *s == '_')
				a.map_name[j++] = *s;
		m->fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
		if (m->fd < 0 && errno == EINVAL) {
			memset(a.map_name, 0, sizeof(a.map_name));
			m->fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
		}
		if (m->fd < 0)
			die_with(1, NULL, "map %s (type %u, key %u, value %u, entries %u): %s", m->name,
				 a.map_type, a.key_size, a.value_size, a.max_entries, strerror(errno));
		m->def[3] = a.max_entries;
	}
	printf("maps_created=%d\n", n_maps);
}

static int map_update(struct map *m, uint32_t key, const void *value)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)m->fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = BPF_ANY;
	return (int)sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int map_lookup(struct map *m, uint32_t key, void *value)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)m->fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)value;
	return (int)sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

/* ---- programs ---- */

static char *log_buf;
static const size_t log_size = UINT32_MAX >> 8; /* the most kernels before 5.2 accept */

static void print_log_tail(const char *log)
{
	size_t len = strlen(log);
	const char *start = log;
	if (log_lines > 0) {
		long seen = 0;
		for (const char *p = log + len; p > log; p--)
			if (p[-1] == '\n' && p != log + len && ++seen == log_lines) {
				start = p;
				break;
			}
	}
	printf("-- verifier log%s --\n%s%s-- end of verifier log --\n",
	       start != log ? " (tail)" : "", start, len && log[len - 1] != '\n' ? "\n" : "");
}

static unsigned running_version_code(void)
{
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	return KERNEL_VERSION(a, b, c > 255 ? 255 : c);
}

static int load_programs(void)
{
	log_buf = xmalloc(log_size);
	int failed = 0;
	unsigned kver = running_version_code();
	for (int i = 0; i < n_progs; i++) {
		struct prog *p = &progs[i];
		bool raw = strncmp(p->section, "raw_tracepoint/", 15) == 0;
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.prog_type = raw ? BPF_PROG_TYPE_RAW_TRACEPOINT : BPF_PROG_TYPE_TRACEPOINT;
		a.insns = (uint64_t)(uintptr_t)p->insns;
		a.insn_cnt = (uint32_t)p->n_insns;
		a.license = (uint64_t)(uintptr_t)license;
		a.kern_version = kver;
		/* Without a log first: a level-1 log of a large program costs seconds. */
		p->fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
		if (p->fd >= 0) {
			printf("PASS %s (%zu insns)\n", p->section, p->n_insns);
			continue;
		}
		int err = errno;
		log_buf[0] = 0;
		a.log_buf = (uint64_t)(uintptr_t)log_buf;
		a.log_size = (uint32_t)log_size;
		a.log_level = 1;
		int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0) /* loads only with a log: report the first failure anyway */
			close(fd);
		printf("FAIL %s (%zu insns): %s\n", p->section, p->n_insns, strerror(err));
		print_log_tail(log_buf);
		failed++;
	}
	return failed;
}

/* ---- tables ---- */

static struct ve_tables tables;
static char *filler_name[MAX_FILLERS];
static bool fillers_strict = true;
static size_t off_boot_time = SIZE_MAX, off_capture = SIZE_MAX;
static size_t off_counters[5] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
static const char *const counter_names[5] = {"n_evts", "n_drops_buffer", "n_drops_scratch_map",
					     "n_drops_pf", "n_drops_bug"};
static unsigned char *settings_blob;
static size_t settings_size;
/* From 3.0.1 the probe captures only the syscalls this table names: written last, it starts
 * the capture, and cleared it stops it (so it is never frozen). */
static unsigned char *interesting_blob;
static size_t interesting_size, interesting_count;
static int table_problems;

static void api_check(const char *what, uint64_t probe, uint64_t tables_value)
{
	if (probe != tables_value)
		die_with(1, probe_path, "%s %" PRIu64 ".%" PRIu64 ".%" PRIu64 " but the tables (%s) are for %" PRIu64
			 ".%" PRIu64 ".%" PRIu64, what, probe >> 44, (probe >> 24) & 0xfffff, probe & 0xffffff,
			 tables_path, tables_value >> 44, (tables_value >> 24) & 0xfffff, tables_value & 0xffffff);
}

static size_t offset_of(const char *rest, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "%s=", key);
	for (const char *p = rest; (p = strstr(p, k)); p++)
		if (p == rest || p[-1] == ' ')
			return strtoul(p + strlen(k), NULL, 10);
	return SIZE_MAX;
}

/* The probe's own lines of the tables file (the events are verify-events.c's). */
static void table_line(const char *key, char *rest, long ln)
{
	if (strcmp(key, "probe") == 0) {
		/* present in every tables file of a driver with a legacy probe */
	} else if (strcmp(key, "settings_offsets") == 0) {
		off_boot_time = offset_of(rest, "boot_time");
		off_capture = offset_of(rest, "capture_enabled");
	} else if (strcmp(key, "state_counters") == 0) {
		for (int k = 0; k < 5; k++)
			off_counters[k] = offset_of(rest, counter_names[k]);
	} else if (strcmp(key, "fillers_strict") == 0) {
		fillers_strict = strcmp(rest, "0") != 0;
	} else if (strcmp(key, "filler") == 0) {
		char name[256];
		int id;
		if (sscanf(rest, "%d %255s", &id, name) != 2 || id < 0 || id >= MAX_FILLERS)
			die_line(tables_path, ln, "bad filler line");
		filler_name[id] = xstrdup(name);
	} else {
		die_line(tables_path, ln, "unknown line '%s'", key);
	}
}

static void table_blob(const char *name, size_t size, size_t count, unsigned char *buf, long ln)
{
	(void)ln;
	struct map *m = map_named(name);
	if (!m) {
		printf("FAIL tables: the probe has no map %s\n", name);
		table_problems++;
	} else if (m->def[2] != size) {
		printf("FAIL tables: map %s holds %u-byte values, the tables %zu-byte ones "
		       "(tables of another driver version?)\n", name, m->def[2], size);
		table_problems++;
	} else if (strcmp(name, "settings_map") == 0) {
		settings_blob = buf; /* written last, when everything is ready */
		settings_size = size;
		return;
	} else if (strcmp(name, "interesting_syscalls_table") == 0) {
		interesting_blob = buf; /* written after the settings */
		interesting_size = size;
		interesting_count = count;
		return;
	} else {
		for (size_t k = 0; k < count && k < m->def[3]; k++)
			if (map_update(m, (uint32_t)k, buf + k * size)) {
				printf("FAIL tables: %s[%zu]: %s\n", name, k, strerror(errno));
				table_problems++;
				break;
			}
		/* As libscap: tables the probe only reads are frozen (5.2+; best effort). */
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)m->fd;
		sys_bpf(BPF_MAP_FREEZE, &a);
	}
	free(buf);
}

/* Reads the tables and fills every map they name but the two that start the capture.
 * Returns the number of problems. */
static int fill_tables(void)
{
	ve_read_tables(&tables, tables_path, table_line, table_blob);
	if (probe_version[0] && strcmp(probe_version, tables.driver_version) != 0)
		die_with(1, probe_path, "driver version %s but the tables (%s) are for %s", probe_version,
			 tables_path, tables.driver_version);
	if (tables.have_api && !have_api)
		die_with(1, probe_path, "missing api_version section, which the tables (%s) of driver version %s have",
			 tables_path, tables.driver_version);
	if (have_api && !tables.have_api)
		die_with(1, probe_path, "an api_version section, but the tables (%s) are of a driver version "
			 "without one", tables_path);
	if (have_api) {
		api_check("API version", api_version, tables.api_version);
		api_check("schema version", schema_version, tables.schema_version);
	}
	int problems = table_problems;
	if (!settings_blob) {
		printf("FAIL tables: no settings (tables of a driver without a legacy probe?)\n");
		problems++;
	}

	/* Tail calls: each filler program under the id its name has in this driver version. */
	struct map *tail = NULL;
	for (int i = 0; i < n_maps; i++)
		if (maps[i].def[0] == BPF_MAP_TYPE_PROG_ARRAY)
			tail = &maps[i];
	bool have[MAX_FILLERS] = {false};
	for (int i = 0; i < n_progs; i++) {
		const char *s = strstr(progs[i].section, "/filler/");
		if (!s || progs[i].fd < 0)
			continue;
		s += strlen("/filler/");
		int id = -1;
		for (int k = 0; k < MAX_FILLERS; k++)
			if (filler_name[k] && strcmp(filler_name[k], s) == 0)
				id = k;
		if (id < 0) {
			printf("FAIL %s: no filler of that name in the tables\n", progs[i].section);
			problems++;
		} else if (!tail || map_update(tail, (uint32_t)id, &progs[i].fd)) {
			printf("FAIL %s: cannot enter it in the tail-call map: %s\n", progs[i].section,
			       tail ? strerror(errno) : "no program array map");
			problems++;
		} else {
			have[id] = true;
		}
	}
	/* Up to schema 1.x libscap refused a probe that lacked a filler; later trees list fillers
	 * that have no program on x86_64 (arm64-only tracepoints), so there it is a note. */
	int missing = 0;
	for (int k = 0; k < MAX_FILLERS; k++)
		if (filler_name[k] && !have[k]) {
			printf("%s missing filler %d (%s)\n", fillers_strict ? "FAIL" : "WARN", k, filler_name[k]);
			missing++;
		}
	printf("fillers_missing=%d\n", missing);
	if (fillers_strict)
		problems += missing;
	return problems;
}

/* ---- attaching ---- */

/* The attachments, closed to stop the capture where no flag can (from 4.0.0). */
static int attach_fds[MAX_PROGS];
static int n_attach_fds;

static int attach(void)
{
	int attached = 0, failed = 0;
	char names[4096] = "";
	for (int i = 0; i < n_progs; i++) {
		struct prog *p = &progs[i];
		if (p->fd < 0 || strstr(p->section, "/filler/"))
			continue;
		int efd;
		bool raw = strncmp(p->section, "raw_tracepoint/", 15) == 0;
		/* "sched_process_fork&1": a second program for a tracepoint, named apart. */
		char tp[256];
		snprintf(tp, sizeof(tp), "%s", p->section + (raw ? 15 : 11));
		char *amp = strchr(tp, '&');
		if (amp)
			*amp = 0;
		if (raw) {
			union bpf_attr a;
			memset(&a, 0, sizeof(a));
			a.raw_tracepoint.name = (uint64_t)(uintptr_t)tp;
			a.raw_tracepoint.prog_fd = (uint32_t)p->fd;
			efd = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
		} else {
			char path[512], buf[64];
			snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", tp);
			int idfd = open(path, O_RDONLY | O_CLOEXEC);
			if (idfd < 0) {
				snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s/id", tp);
				idfd = open(path, O_RDONLY | O_CLOEXEC);
			}
			ssize_t n = idfd >= 0 ? read(idfd, buf, sizeof(buf) - 1) : -1;
			if (idfd >= 0)
				close(idfd);
			efd = -1;
			if (n > 0) {
				buf[n] = 0;
				struct perf_event_attr pa;
				memset(&pa, 0, sizeof(pa));
				pa.size = sizeof(pa);
				pa.type = PERF_TYPE_TRACEPOINT;
				pa.sample_type = PERF_SAMPLE_RAW;
				pa.sample_period = 1;
				pa.wakeup_events = 1;
				pa.config = strtoull(buf, NULL, 10);
				efd = (int)syscall(__NR_perf_event_open, &pa, -1, 0, -1, 0);
				if (efd >= 0 && ioctl(efd, PERF_EVENT_IOC_SET_BPF, p->fd)) {
					close(efd);
					efd = -1;
				}
			} else {
				errno = ENOENT;
			}
		}
		if (efd < 0) {
			/* A kernel without the x86 exception tracepoints has no page faults to give;
			 * libscap goes on without them. */
			if (errno == ENOENT && strstr(tp, "page_fault_")) {
				printf("WARN attach %s: %s (no such tracepoint in this kernel)\n", tp, strerror(errno));
				continue;
			}
			printf("FAIL attach %s: %s\n", tp, strerror(errno));
			failed++;
			continue;
		}
		attach_fds[n_attach_fds++] = efd;
		attached++;
		size_t len = strlen(names);
		snprintf(names + len, sizeof(names) - len, "%s%s", len ? " " : "", tp);
	}
	printf("tracepoints_attached=%d\ntracepoints=%s\n", attached, names);
	return failed;
}

/* ---- perf rings ---- */

struct ring {
	int cpu, fd;
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;
};

static struct ring rings[1024];
static int n_rings;
static long page_size;

static int open_rings(void)
{
	struct map *pm = map_named("perf_map");
	if (!pm)
		for (int i = 0; i < n_maps; i++)
			if (maps[i].def[0] == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
				pm = &maps[i];
	if (!pm) {
		printf("FAIL the probe has no perf event array\n");
		return 1;
	}
	for (int cpu = 0; cpu < ncpus && n_rings < 1024; cpu++) {
		if (cpu > 0) {
			char path[128];
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
			FILE *f = fopen(path, "r");
			int online = 1;
			if (f) {
				if (fscanf(f, "%d", &online) != 1)
					online = 1;
				fclose(f);
			}
			if (!online)
				continue;
		}
		struct perf_event_attr pa;
		memset(&pa, 0, sizeof(pa));
		pa.size = sizeof(pa);
		pa.type = PERF_TYPE_SOFTWARE;
		pa.config = PERF_COUNT_SW_BPF_OUTPUT;
		pa.sample_type = PERF_SAMPLE_RAW;
		int fd = (int)syscall(__NR_perf_event_open, &pa, -1, cpu, -1, 0);
		if (fd < 0) {
			printf("FAIL perf_event_open cpu %d: %s\n", cpu, strerror(errno));
			return 1;
		}
		if (map_update(pm, (uint32_t)cpu, &fd)) {
			printf("FAIL perf_map[%d]: %s\n", cpu, strerror(errno));
			return 1;
		}
		if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
			printf("FAIL PERF_EVENT_IOC_ENABLE cpu %d: %s\n", cpu, strerror(errno));
			return 1;
		}
		size_t size = (size_t)ring_pages * (size_t)page_size;
		void *base = mmap(NULL, size + (size_t)page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				  fd, 0);
		if (base == MAP_FAILED) {
			printf("FAIL mmap perf ring cpu %d (%zu bytes): %s\n", cpu, size, strerror(errno));
			return 1;
		}
		struct ring *r = &rings[n_rings++];
		r->cpu = cpu;
		r->fd = fd;
		r->meta = base;
		r->data = (unsigned char *)base + page_size;
		r->size = size;
	}
	printf("perf_rings=%d\n", n_rings);
	return 0;
}

/* ---- events ---- */

static struct ve_expect expect;
static long long events_lost;
static unsigned char *rec_buf;

static void drain(struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	while (tail < head) {
		struct perf_event_header h;
		size_t at = tail % r->size;
		/* A record may wrap around the end of the ring: copy it out whole. */
		for (size_t k = 0; k < sizeof(h); k++)
			((unsigned char *)&h)[k] = r->data[(at + k) % r->size];
		if (h.size < sizeof(h) || h.size > r->size)
			break;
		for (size_t k = 0; k < h.size; k++)
			rec_buf[k] = r->data[(at + k) % r->size];
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 4) {
			uint32_t raw;
			memcpy(&raw, rec_buf + sizeof(h), 4);
			if (raw <= h.size - sizeof(h) - 4)
				ve_handle_event(&expect, &tables, rec_buf + sizeof(h) + 4, raw);
			else
				expect.events_malformed++;
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;
			memcpy(&lost, rec_buf + sizeof(h) + 8, 8);
			events_lost += (long long)lost;
		}
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
}

static void set_boot_time(unsigned char *settings)
{
	if (off_boot_time == SIZE_MAX || off_boot_time + 8 > settings_size)
		return;
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	uint64_t boot = (uint64_t)(rt.tv_sec - bt.tv_sec) * 1000000000ull +
			(uint64_t)(rt.tv_nsec - bt.tv_nsec);
	memcpy(settings + off_boot_time, &boot, 8);
}

/* Writes the interesting_syscalls_table, all of it (on) or zeros (off). */
static int set_interesting(bool on)
{
	struct map *m = map_named("interesting_syscalls_table");
	unsigned char *zero = xcalloc(1, interesting_size);
	int rc = 0;
	for (size_t k = 0; m && k < interesting_count && k < m->def[3]; k++)
		if (map_update(m, (uint32_t)k, on ? interesting_blob + k * interesting_size : zero)) {
			printf("FAIL interesting_syscalls_table[%zu]: %s\n", k, strerror(errno));
			rc = 1;
			break;
		}
	free(zero);
	return rc;
}

/* Turns capture on, makes the expected syscalls and reads the rings until every expected
 * event arrived or the wait is over. Returns the number of expectations not met. */
static int capture(void)
{
	rec_buf = xmalloc((size_t)ring_pages * (size_t)page_size);
	struct map *sm = map_named("settings_map");
	set_boot_time(settings_blob);
	if (!sm || map_update(sm, 0, settings_blob)) {
		printf("FAIL settings_map: %s\n", strerror(errno));
		return 1;
	}
	if (interesting_blob && set_interesting(true))
		return 1;
	/* As libscap: one socket so that the probe learns the socket file operations. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s >= 0)
		close(s);

	double t0 = now_s();
	ve_expect_init(&expect, expect_exec, expect_open);
	ve_make_syscalls(&expect);
	for (;;) {
		for (int i = 0; i < n_rings; i++)
			drain(&rings[i]);
		if (ve_done(&expect, &tables) || now_s() - t0 > wait_s)
			break;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	double dt = now_s() - t0;
	/* Stop the probe before reading its counters: by its flag where it has one, else by
	 * taking its syscalls away and detaching it. */
	if (off_capture != SIZE_MAX && off_capture < settings_size) {
		settings_blob[off_capture] = 0;
		map_update(sm, 0, settings_blob);
	}
	if (interesting_blob)
		set_interesting(false);
	if (off_capture == SIZE_MAX)
		for (int i = 0; i < n_attach_fds; i++)
			close(attach_fds[i]);
	if (expect.open_fd >= 0)
		close(expect.open_fd);

	printf("events_lost=%lld\ncapture_seconds=%.2f\n", events_lost, dt);
	struct map *ls = map_named("local_state_map");
	unsigned long long tot[5] = {0};
	if (ls && off_counters[0] != SIZE_MAX) {
		unsigned char *v = xcalloc(1, ls->def[2] + 8);
		for (int cpu = 0; cpu < ncpus; cpu++)
			if (map_lookup(ls, (uint32_t)cpu, v) == 0)
				for (int k = 0; k < 5; k++)
					if (off_counters[k] != SIZE_MAX && off_counters[k] + 8 <= ls->def[2]) {
						uint64_t x;
						memcpy(&x, v + off_counters[k], 8);
						tot[k] += x;
					}
		free(v);
		for (int k = 0; k < 5; k++)
			if (off_counters[k] != SIZE_MAX)
				printf("probe_%s=%llu\n", counter_names[k], tot[k]);
	}
	char drops[128];
	snprintf(drops, sizeof(drops), "(probe drops: %llu invalid memory, %llu bug, %llu buffer)",
		 tot[3], tot[4], tot[1]);
	return ve_report(&expect, &tables, drops);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bpf-load [--tables FILE] [--any-kernel] [--no-attach] [--expect-exec PATH]\n"
		"                [--expect-open PATH] [--wait SECONDS] [--log-lines N]\n"
		"                [--ring-pages N] PROBE.o\n");
	exit(2);
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	die_status = 2;
	die_hook = print_fail;
	setvbuf(stdout, NULL, _IOLBF, 0);
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--any-kernel") == 0)
			any_kernel = true;
		else if (strcmp(o, "--no-attach") == 0)
			no_attach = true;
		else if (!v)
			usage();
		else if (strcmp(o, "--tables") == 0)
			tables_path = v, i++;
		else if (strcmp(o, "--expect-exec") == 0)
			expect_exec = v, i++;
		else if (strcmp(o, "--expect-open") == 0)
			expect_open = v, i++;
		else if (strcmp(o, "--wait") == 0)
			wait_s = strtod(v, NULL), i++;
		else if (strcmp(o, "--log-lines") == 0)
			log_lines = strtol(v, NULL, 10), i++;
		else if (strcmp(o, "--ring-pages") == 0)
			ring_pages = strtol(v, NULL, 10), i++;
		else
			usage();
	}
	if (i + 1 != argc || ring_pages < 1 || (ring_pages & (ring_pages - 1)) || wait_s < 0)
		usage();
	if ((expect_exec || expect_open) && (!tables_path || no_attach))
		die("--expect-exec/--expect-open need --tables and attaching");
	probe_path = argv[i];
	page_size = sysconf(_SC_PAGESIZE);
	ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ncpus < 1)
		ncpus = 1;

	read_probe();
	struct utsname u;
	uname(&u);
	printf("probe=%s\nprobe_version=%s\nkernel_version=%s\nrunning_kernel=%s\nlicense=%s%s\n",
	       probe_path, probe_version, kernel_version, u.release, license,
	       license_default ? " (no license section)" : "");
	if (have_api)
		printf("api_version=%llu.%llu.%llu\nschema_version=%llu.%llu.%llu\n",
		       (unsigned long long)(api_version >> 44), (unsigned long long)((api_version >> 24) & 0xfffff),
		       (unsigned long long)(api_version & 0xffffff), (unsigned long long)(schema_version >> 44),
		       (unsigned long long)((schema_version >> 24) & 0xfffff),
		       (unsigned long long)(schema_version & 0xffffff));
	else
		printf("api_version=none\nschema_version=none\n");
	int failures = 0;
	/* libscap refuses a probe built for another kernel; so do we, unless told to go on. */
	if (strcmp(kernel_version, u.release) != 0) {
		printf("%s kernel_version: the probe is for %s, this kernel is %s\n",
		       any_kernel ? "WARN" : "FAIL", kernel_version, u.release);
		if (!any_kernel) {
			printf("result=FAIL\n");
			return 1;
		}
	}

	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_MEMLOCK, &rl); /* kernels before 5.11 charge maps to it */
	create_maps();
	relocate();
	double t0 = now_s();
	int failed = load_programs();
	double load_s = now_s() - t0;
	printf("programs_loaded=%d\nprograms_failed=%d\nload_seconds=%.2f\n", n_progs - failed, failed,
	       load_s);
	failures += failed;
	if (tables_path)
		failures += fill_tables();
	if (!no_attach && !failures) {
		failures += attach();
		if (tables_path && !failures) {
			failures += open_rings();
			if (!failures)
				failures += capture();
		}
	}
	printf("result=%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
