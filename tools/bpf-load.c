/* bpf-load: load a legacy Falco eBPF probe into the running kernel and show that it works.
 *
 *   bpf-load [options] PROBE.o
 *     --tables FILE      the driver version's userspace tables (scap-tables); without them the
 *                        probe is only loaded (nothing fills its maps, so no events can flow)
 *     --any-kernel       go on when the probe's kernel_version is not `uname -r` (reported)
 *     --no-attach        load the programs through the verifier and stop
 *     --expect-exec PATH run PATH in a child and require its execve enter and exit events
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
 *     through perf_event_open on tracefs' C/X/id;
 *   - syscall_table, event_info_table, fillers_table, syscall_code_routing_table and the
 *     settings come from the driver's sources (--tables);
 *   - perf_map[cpu] holds a PERF_COUNT_SW_BPF_OUTPUT event per online CPU.
 * Each perf ring is mapped once. libscap of that era mapped it twice, the second mapping
 * overlapping the first as a wrap-around mirror; kernels with "perf/core: Prevent VMA split
 * of buffer mappings" (Debian 6.1.148 and later) refuse that with ENOMEM. We copy a record
 * that wraps instead.
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

#define MAX_MAPS 64
#define MAX_PROGS 512
#define MAX_EVENTS 1024
#define MAX_PARAMS 32
#define MAX_FILLERS 512
#define MAP_DEF_WORDS 7 /* type key_size value_size max_entries map_flags inner_map_idx numa_node */
#define EF_LARGE_PAYLOAD (1u << 11)
#define EVT_HDR_LEN 26 /* packed ppm_evt_hdr: ts u64, tid u64, len u32, type u16, nparams u32 */

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
static char kernel_version[256];
static char probe_version[256];
static uint64_t api_version, schema_version;
static bool have_api, have_schema;
/* The probe stays open: the programs' instructions live in libelf's copies of the sections. */
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
	int fd = open(probe_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_at(probe_path, "%s", strerror(errno));
	/* ELF_C_READ copies the sections into memory we may patch (relocations). */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		die_at(probe_path, "not an ELF object (%s)", elf_errmsg(-1));
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		die_at(probe_path, "unreadable ELF header: %s", elf_errmsg(-1));
	if (eh.e_machine != EM_BPF || eh.e_ident[EI_CLASS] != ELFCLASS64)
		die_at(probe_path, "not a 64-bit BPF object (e_machine %u)", eh.e_machine);
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
	if (!have_api)
		die_at(probe_path, "missing api_version section%s", hint);
	if (!have_schema)
		die_at(probe_path, "missing schema_version section%s", hint);
	if (!symbols)
		die_at(probe_path, "missing symbol table%s", hint);
	if (!license[0])
		die_at(probe_path, "missing license section%s", hint);
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
	/* Each definition runs to the next one; the old layout is 7 words (28 bytes). */
	for (int i = 0; i < n_maps; i++) {
		size_t end = i + 1 < n_maps ? maps[i + 1].offset : mdata->d_size;
		size_t len = end - maps[i].offset;
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

struct event_info {
	char name[64];
	unsigned flags, nparams;
	char pname[MAX_PARAMS][64];
	int ptype[MAX_PARAMS];
	bool known;
};

static struct event_info events[MAX_EVENTS];
static int n_event_types;
static char *filler_name[MAX_FILLERS];
static size_t off_boot_time = SIZE_MAX, off_capture = SIZE_MAX;
static size_t off_counters[5] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
static const char *const counter_names[5] = {"n_evts", "n_drops_buffer", "n_drops_scratch_map",
					     "n_drops_pf", "n_drops_bug"};
static unsigned char *settings_blob;
static size_t settings_size;

static void api_check(const char *what, uint64_t probe, uint64_t tables)
{
	if (probe != tables)
		die_with(1, probe_path, "%s %" PRIu64 ".%" PRIu64 ".%" PRIu64 " but the tables (%s) are for %" PRIu64
			 ".%" PRIu64 ".%" PRIu64, what, probe >> 44, (probe >> 24) & 0xfffff, probe & 0xffffff,
			 tables_path, tables >> 44, (tables >> 24) & 0xfffff, tables & 0xffffff);
}

/* Reads the tables and fills every map they name. Returns the number of problems. */
static int fill_tables(void)
{
	FILE *f = fopen(tables_path, "rb");
	if (!f)
		die_at(tables_path, "%s", strerror(errno));
	char line[8192];
	long ln = 0;
	int problems = 0;
	bool ended = false;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "fp-scap-tables 1\n") != 0)
		die_line(tables_path, 1, "not a scap-tables file (version 1)");
	ln = 1;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		line[strcspn(line, "\n")] = 0;
		char *sp = strchr(line, ' ');
		char *rest = sp ? sp + 1 : line + strlen(line);
		if (sp)
			*sp = 0;
		if (strcmp(line, "end") == 0) {
			ended = true;
			break;
		} else if (strcmp(line, "driver_version") == 0) {
			if (probe_version[0] && strcmp(probe_version, rest) != 0)
				die_with(1, probe_path, "driver version %s but the tables (%s) are for %s",
				    probe_version, tables_path, rest);
		} else if (strcmp(line, "api_version") == 0) {
			api_check("API version", api_version, strtoull(rest, NULL, 10));
		} else if (strcmp(line, "schema_version") == 0) {
			api_check("schema version", schema_version, strtoull(rest, NULL, 10));
		} else if (strcmp(line, "settings_offsets") == 0) {
			char *p = strstr(rest, "boot_time=");
			if (p)
				off_boot_time = strtoul(p + 10, NULL, 10);
			p = strstr(rest, "capture_enabled=");
			if (p)
				off_capture = strtoul(p + 16, NULL, 10);
		} else if (strcmp(line, "state_counters") == 0) {
			for (int k = 0; k < 5; k++) {
				char key[64];
				snprintf(key, sizeof(key), "%s=", counter_names[k]);
				char *p = strstr(rest, key);
				if (p)
					off_counters[k] = strtoul(p + strlen(key), NULL, 10);
			}
		} else if (strcmp(line, "filler") == 0) {
			char name[256];
			int id;
			if (sscanf(rest, "%d %255s", &id, name) != 2 || id < 0 || id >= MAX_FILLERS)
				die_line(tables_path, ln, "bad filler line");
			filler_name[id] = strdup(name);
		} else if (strcmp(line, "event") == 0) {
			int type, consumed;
			struct event_info e;
			memset(&e, 0, sizeof(e));
			if (sscanf(rest, "%d %63s %u %u%n", &type, e.name, &e.flags, &e.nparams,
				   &consumed) != 4 || type < 0 || type >= MAX_EVENTS ||
			    e.nparams > MAX_PARAMS)
				die_line(tables_path, ln, "bad event line");
			char *p = rest + consumed;
			for (unsigned k = 0; k < e.nparams; k++) {
				int c;
				if (sscanf(p, " %63[^:]:%d%n", e.pname[k], &e.ptype[k], &c) != 2)
					die_line(tables_path, ln, "bad event parameter");
				p += c;
			}
			e.known = true;
			events[type] = e;
			if (type + 1 > n_event_types)
				n_event_types = type + 1;
		} else if (strcmp(line, "blob") == 0) {
			char name[128];
			size_t size, count;
			if (sscanf(rest, "%127s %zu %zu", name, &size, &count) != 3 || !size ||
			    size > (1u << 20) || count > (1u << 16))
				die_line(tables_path, ln, "bad blob line");
			unsigned char *buf = malloc(size * count + 1);
			if (!buf || fread(buf, size, count, f) != count || fgetc(f) != '\n')
				die_line(tables_path, ln, "truncated blob");
			struct map *m = map_named(name);
			if (!m) {
				printf("FAIL tables: the probe has no map %s\n", name);
				problems++;
			} else if (m->def[2] != size) {
				printf("FAIL tables: map %s holds %u-byte values, the tables %zu-byte ones "
				       "(tables of another driver version?)\n", name, m->def[2], size);
				problems++;
			} else if (strcmp(name, "settings_map") == 0) {
				settings_blob = buf; /* written last, when everything is ready */
				settings_size = size;
				continue;
			} else {
				for (size_t k = 0; k < count && k < m->def[3]; k++)
					if (map_update(m, (uint32_t)k, buf + k * size)) {
						printf("FAIL tables: %s[%zu]: %s\n", name, k, strerror(errno));
						problems++;
						break;
					}
				/* As libscap: tables the probe only reads are frozen (5.2+; best effort). */
				union bpf_attr a;
				memset(&a, 0, sizeof(a));
				a.map_fd = (uint32_t)m->fd;
				sys_bpf(BPF_MAP_FREEZE, &a);
			}
			free(buf);
		} else {
			die_line(tables_path, ln, "unknown line");
		}
	}
	if (!ended)
		die_line(tables_path, ln, "missing end line (truncated?)");
	fclose(f);
	if (!settings_blob) {
		printf("FAIL tables: no settings\n");
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
	for (int k = 0; k < MAX_FILLERS; k++)
		if (filler_name[k] && !have[k]) {
			printf("FAIL missing filler %d (%s)\n", k, filler_name[k]);
			problems++;
		}
	return problems;
}

/* ---- attaching ---- */

static int attach(void)
{
	int attached = 0, failed = 0;
	char names[4096] = "";
	for (int i = 0; i < n_progs; i++) {
		struct prog *p = &progs[i];
		if (p->fd < 0 || strstr(p->section, "/filler/"))
			continue;
		int efd;
		const char *tp;
		if (strncmp(p->section, "raw_tracepoint/", 15) == 0) {
			tp = p->section + 15;
			union bpf_attr a;
			memset(&a, 0, sizeof(a));
			a.raw_tracepoint.name = (uint64_t)(uintptr_t)tp;
			a.raw_tracepoint.prog_fd = (uint32_t)p->fd;
			efd = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
		} else {
			tp = p->section + 11;
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
			printf("FAIL attach %s: %s\n", tp, strerror(errno));
			failed++;
			continue;
		}
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

static long long events_seen, events_malformed, events_lost;
static pid_t child_pid;
static int open_fd = -1;
static bool seen_exec_enter, seen_exec_exit, seen_open;
static int near_misses;

struct param {
	const unsigned char *p;
	size_t len;
	int type;
};

static bool param_by_name(const struct event_info *e, const struct param *ps, const char *name,
			  struct param *out)
{
	for (unsigned k = 0; k < e->nparams; k++)
		if (strcmp(e->pname[k], name) == 0) {
			*out = ps[k];
			return true;
		}
	return false;
}

static bool param_str(const struct param *p, char *out, size_t n)
{
	size_t len = p->len < n - 1 ? p->len : n - 1;
	memcpy(out, p->p, len);
	out[len] = 0;
	return true;
}

static long long param_int(const struct param *p)
{
	switch (p->len) {
	case 1: return (int8_t)p->p[0];
	case 2: { int16_t v; memcpy(&v, p->p, 2); return v; }
	case 4: { int32_t v; memcpy(&v, p->p, 4); return v; }
	case 8: { int64_t v; memcpy(&v, p->p, 8); return v; }
	default: return LLONG_MIN;
	}
}

static void miss(const char *fmt, ...)
{
	if (near_misses++ >= 10)
		return;
	va_list ap;
	printf("near miss: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void handle_event(const unsigned char *ev, size_t size)
{
	if (size < EVT_HDR_LEN) {
		events_malformed++;
		return;
	}
	uint64_t tid;
	uint32_t len, nparams;
	uint16_t type;
	memcpy(&tid, ev + 8, 8);
	memcpy(&len, ev + 16, 4);
	memcpy(&type, ev + 20, 2);
	memcpy(&nparams, ev + 22, 4);
	const struct event_info *e = type < n_event_types ? &events[type] : NULL;
	if (len > size || !e || !e->known || nparams != e->nparams) {
		events_malformed++;
		return;
	}
	events_seen++;
	bool exec = strcmp(e->name, "execve") == 0, open = strcmp(e->name, "openat") == 0;
	if (!exec && !open)
		return;
	size_t lw = e->flags & EF_LARGE_PAYLOAD ? 4 : 2;
	size_t off = EVT_HDR_LEN + lw * nparams;
	struct param ps[MAX_PARAMS];
	for (unsigned k = 0; k < nparams; k++) {
		uint32_t l = 0;
		memcpy(&l, ev + EVT_HDR_LEN + lw * k, lw);
		if (off + l > len) {
			events_malformed++;
			return;
		}
		ps[k].p = ev + off;
		ps[k].len = l;
		ps[k].type = e->ptype[k];
		off += l;
	}
	bool is_exit = type & 1;
	char s[512] = "";
	struct param p;
	if (exec && expect_exec && tid == (uint64_t)child_pid) {
		if (!is_exit && param_by_name(e, ps, "filename", &p)) {
			param_str(&p, s, sizeof(s));
			if (strcmp(s, expect_exec) == 0)
				seen_exec_enter = true;
			else
				miss("execve enter of tid %llu: filename '%s'", (unsigned long long)tid, s);
		} else if (is_exit) {
			struct param res, exe, pid, ptid;
			bool ok = param_by_name(e, ps, "res", &res) && param_int(&res) == 0 &&
				  param_by_name(e, ps, "exe", &exe);
			if (ok) {
				param_str(&exe, s, sizeof(s));
				ok = strcmp(s, expect_exec) == 0;
			}
			/* pid and ptid come from the task structure: wrong offsets show here. */
			long long vpid = param_by_name(e, ps, "pid", &pid) ? param_int(&pid) : child_pid;
			long long vptid = param_by_name(e, ps, "ptid", &ptid) ? param_int(&ptid) : getpid();
			if (ok && vpid == child_pid && vptid == getpid())
				seen_exec_exit = true;
			else
				miss("execve exit of tid %llu: res %lld exe '%s' pid %lld ptid %lld "
				     "(expected 0 '%s' %d %d)", (unsigned long long)tid,
				     param_by_name(e, ps, "res", &res) ? param_int(&res) : -1LL, s,
				     vpid, vptid, expect_exec, (int)child_pid, (int)getpid());
		}
	}
	if (open && expect_open && is_exit && tid == (uint64_t)getpid()) {
		struct param fd, name;
		if (param_by_name(e, ps, "name", &name) && param_by_name(e, ps, "fd", &fd)) {
			param_str(&name, s, sizeof(s));
			if (strcmp(s, expect_open) == 0 && param_int(&fd) == open_fd)
				seen_open = true;
			else if (strcmp(s, expect_open) == 0)
				miss("openat exit: name '%s' fd %lld (expected fd %d)", s, param_int(&fd),
				     open_fd);
		}
	}
}

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
				handle_event(rec_buf + sizeof(h) + 4, raw);
			else
				events_malformed++;
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
	/* As libscap: one socket so that the probe learns the socket file operations. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s >= 0)
		close(s);

	double t0 = now_s();
	if (expect_exec) {
		child_pid = fork();
		if (child_pid == 0) {
			char *argv[] = {(char *)expect_exec, NULL};
			execv(expect_exec, argv);
			_exit(127);
		}
		int st;
		if (child_pid < 0 || waitpid(child_pid, &st, 0) != child_pid)
			die("fork/wait for %s: %s", expect_exec, strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st) == 127)
			printf("warning: %s did not run (status %d)\n", expect_exec, st);
	}
	if (expect_open) {
		open_fd = open(expect_open, O_RDONLY | O_CLOEXEC);
		if (open_fd < 0)
			printf("warning: open %s: %s\n", expect_open, strerror(errno));
	}
	for (;;) {
		for (int i = 0; i < n_rings; i++)
			drain(&rings[i]);
		bool done = (!expect_exec || (seen_exec_enter && seen_exec_exit)) &&
			    (!expect_open || seen_open);
		if (done || now_s() - t0 > wait_s)
			break;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	double dt = now_s() - t0;
	/* Stop the probe before reading its counters. */
	if (off_capture < settings_size) {
		settings_blob[off_capture] = 0;
		map_update(sm, 0, settings_blob);
	}
	if (open_fd >= 0)
		close(open_fd);

	printf("events_seen=%lld\nevents_malformed=%lld\nevents_lost=%lld\ncapture_seconds=%.2f\n",
	       events_seen, events_malformed, events_lost, dt);
	struct map *ls = map_named("local_state_map");
	unsigned long long tot[5] = {0};
	if (ls && off_counters[0] != SIZE_MAX) {
		unsigned char *v = calloc(1, ls->def[2] + 8);
		for (int cpu = 0; v && cpu < ncpus; cpu++)
			if (map_lookup(ls, (uint32_t)cpu, v) == 0)
				for (int k = 0; k < 5; k++)
					if (off_counters[k] + 8 <= ls->def[2]) {
						uint64_t x;
						memcpy(&x, v + off_counters[k], 8);
						tot[k] += x;
					}
		free(v);
		for (int k = 0; k < 5; k++)
			printf("probe_%s=%llu\n", counter_names[k], tot[k]);
	}
	int missing = 0;
	/* One FAIL line per missing event, with what the probe says it dropped: a probe reading
	 * a kernel's structures at the wrong offsets drops events on faults (pf) or bugs. */
	char drops[128];
	snprintf(drops, sizeof(drops), "(probe drops: %llu invalid memory, %llu bug, %llu buffer)",
		 tot[3], tot[4], tot[1]);
	if (expect_exec && !seen_exec_enter)
		printf("FAIL event: no execve enter event of %s from pid %d %s\n", expect_exec,
		       (int)child_pid, drops);
	if (expect_exec && !seen_exec_exit)
		printf("FAIL event: no matching execve exit event of %s from pid %d %s\n", expect_exec,
		       (int)child_pid, drops);
	if (expect_open && !seen_open)
		printf("FAIL event: no matching openat exit event of %s from pid %d %s\n", expect_open,
		       (int)getpid(), drops);
	if (!events_seen)
		printf("FAIL event: no event at all\n");
	if (expect_exec) {
		printf("event_execve_enter=%s\nevent_execve_exit=%s\n", seen_exec_enter ? "seen" : "missing",
		       seen_exec_exit ? "seen" : "missing");
		missing += !seen_exec_enter + !seen_exec_exit;
	}
	if (expect_open) {
		printf("event_openat=%s\n", seen_open ? "seen" : "missing");
		missing += !seen_open;
	}
	if (!events_seen)
		missing++;
	return missing;
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
	printf("probe=%s\nprobe_version=%s\nkernel_version=%s\nrunning_kernel=%s\nlicense=%s\n",
	       probe_path, probe_version, kernel_version, u.release, license);
	printf("api_version=%llu.%llu.%llu\nschema_version=%llu.%llu.%llu\n",
	       (unsigned long long)(api_version >> 44), (unsigned long long)((api_version >> 24) & 0xfffff),
	       (unsigned long long)(api_version & 0xffffff), (unsigned long long)(schema_version >> 44),
	       (unsigned long long)((schema_version >> 24) & 0xfffff),
	       (unsigned long long)(schema_version & 0xffffff));
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
