/* The tables and the event checks both boot verifiers share (see verify-events.h). */
#include "verify-events.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EF_LARGE_PAYLOAD (1u << 11)

static size_t key_value(const char *rest, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "%s=", key);
	for (const char *p = rest; (p = strstr(p, k)); p++)
		if (p == rest || p[-1] == ' ')
			return strtoul(p + strlen(k), NULL, 10);
	return 0;
}

void ve_read_tables(struct ve_tables *t, const char *path,
		    void (*line_hook)(const char *key, char *rest, long line),
		    void (*blob_hook)(const char *name, size_t size, size_t count, unsigned char *data,
				      long line))
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->expect_execve_enter = true;
	FILE *f = fopen(path, "rb");
	if (!f)
		die_with(2, path, "%s", strerror(errno));
	char line[8192];
	long ln = 1;
	bool ended = false;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "fp-scap-tables 2\n") != 0)
		die_with(2, path, "not a scap-tables file of version 2 (tools/scap-tables.c writes them)");
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
			snprintf(t->driver_version, sizeof(t->driver_version), "%s", rest);
		} else if (strcmp(line, "api_version") == 0) {
			t->api_version = strtoull(rest, NULL, 10);
			t->have_api = true;
		} else if (strcmp(line, "schema_version") == 0) {
			t->schema_version = strtoull(rest, NULL, 10);
		} else if (strcmp(line, "expect_execve_enter") == 0) {
			t->expect_execve_enter = strcmp(rest, "0") != 0;
		} else if (strcmp(line, "ring_info") == 0) {
			t->ring_info_size = key_value(rest, "size");
			t->ring_n_evts = key_value(rest, "n_evts");
			t->ring_n_drops_buffer = key_value(rest, "n_drops_buffer");
			t->ring_n_drops_pf = key_value(rest, "n_drops_pf");
		} else if (strcmp(line, "event") == 0) {
			int type, consumed;
			struct ve_event_info e;
			memset(&e, 0, sizeof(e));
			if (sscanf(rest, "%d %63s %u %u%n", &type, e.name, &e.flags, &e.nparams, &consumed) != 4 ||
			    type < 0 || type >= VE_MAX_EVENTS || e.nparams > VE_MAX_PARAMS)
				die_line(path, ln, "bad event line");
			char *p = rest + consumed;
			for (unsigned k = 0; k < e.nparams; k++) {
				int c;
				if (sscanf(p, " %63[^:]:%d%n", e.pname[k], &e.ptype[k], &c) != 2)
					die_line(path, ln, "bad event parameter");
				p += c;
			}
			e.known = true;
			t->events[type] = e;
			if (type + 1 > t->n_event_types)
				t->n_event_types = type + 1;
		} else if (strcmp(line, "blob") == 0) {
			char name[128];
			size_t size, count;
			if (sscanf(rest, "%127s %zu %zu", name, &size, &count) != 3 || !size || size > (1u << 20) ||
			    count > (1u << 16))
				die_line(path, ln, "bad blob line");
			unsigned char *buf = xmalloc(size * count + 1);
			if (fread(buf, size, count, f) != count || fgetc(f) != '\n')
				die_line(path, ln, "truncated blob %s", name);
			if (blob_hook)
				blob_hook(name, size, count, buf, ln);
			else
				free(buf);
		} else if (line_hook) {
			line_hook(line, rest, ln);
		}
	}
	if (!ended)
		die_line(path, ln, "missing end line (truncated?)");
	fclose(f);
	if (!t->n_event_types)
		die_at(path, "no event table");
}

void ve_expect_init(struct ve_expect *x, const char *exec_path, const char *open_path)
{
	memset(x, 0, sizeof(*x));
	x->exec_path = exec_path;
	x->open_path = open_path;
	x->self = getpid();
	x->open_fd = -1;
}

void ve_make_syscalls(struct ve_expect *x)
{
	if (x->exec_path) {
		x->child = fork();
		if (x->child == 0) {
			char *argv[] = {(char *)x->exec_path, NULL};
			execv(x->exec_path, argv);
			_exit(127);
		}
		int st;
		if (x->child < 0 || waitpid(x->child, &st, 0) != x->child)
			die("fork/wait for %s: %s", x->exec_path, strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st) == 127)
			printf("warning: %s did not run (status %d)\n", x->exec_path, st);
	}
	if (x->open_path) {
		x->open_fd = open(x->open_path, O_RDONLY | O_CLOEXEC);
		if (x->open_fd < 0)
			printf("warning: open %s: %s\n", x->open_path, strerror(errno));
	}
}

struct param {
	const unsigned char *p;
	size_t len;
};

static bool param_by_name(const struct ve_event_info *e, const struct param *ps, const char *name,
			  struct param *out)
{
	for (unsigned k = 0; k < e->nparams; k++)
		if (strcmp(e->pname[k], name) == 0) {
			*out = ps[k];
			return true;
		}
	return false;
}

/* The drivers write strings with their NUL; the length covers it. */
static void param_str(const struct param *p, char *out, size_t n)
{
	size_t len = p->len < n - 1 ? p->len : n - 1;
	memcpy(out, p->p, len);
	out[len] = 0;
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

static void miss(struct ve_expect *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void miss(struct ve_expect *x, const char *fmt, ...)
{
	if (x->near_misses++ >= 10)
		return;
	va_list ap;
	printf("near miss: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void ve_handle_event(struct ve_expect *x, const struct ve_tables *t, const unsigned char *ev, size_t size)
{
	if (size < VE_EVT_HDR_LEN) {
		x->events_malformed++;
		return;
	}
	uint64_t tid;
	uint32_t len, nparams;
	uint16_t type;
	memcpy(&tid, ev + 8, 8);
	memcpy(&len, ev + 16, 4);
	memcpy(&type, ev + 20, 2);
	memcpy(&nparams, ev + 22, 4);
	const struct ve_event_info *e = type < t->n_event_types ? &t->events[type] : NULL;
	if (len > size || len < VE_EVT_HDR_LEN || !e || !e->known || nparams != e->nparams) {
		x->events_malformed++;
		return;
	}
	x->events_seen++;
	bool exec = strcmp(e->name, "execve") == 0, open = strcmp(e->name, "openat") == 0;
	if (!exec && !open)
		return;
	size_t lw = e->flags & EF_LARGE_PAYLOAD ? 4 : 2;
	size_t off = VE_EVT_HDR_LEN + lw * nparams;
	if (off > len) {
		x->events_malformed++;
		return;
	}
	struct param ps[VE_MAX_PARAMS];
	for (unsigned k = 0; k < nparams; k++) {
		uint32_t l = 0;
		memcpy(&l, ev + VE_EVT_HDR_LEN + lw * k, lw);
		if (off + l > len) {
			x->events_malformed++;
			return;
		}
		ps[k].p = ev + off;
		ps[k].len = l;
		off += l;
	}
	/* Enter events are even, exit events odd, in every version's numbering. */
	bool is_exit = type & 1;
	char s[512] = "";
	struct param p;
	if (exec && x->exec_path && tid == (uint64_t)x->child) {
		if (!is_exit && param_by_name(e, ps, "filename", &p)) {
			param_str(&p, s, sizeof(s));
			if (strcmp(s, x->exec_path) == 0)
				x->seen_exec_enter = true;
			else
				miss(x, "execve enter of tid %llu: filename '%s'", (unsigned long long)tid, s);
		} else if (is_exit) {
			struct param res, exe, pid, ptid;
			bool ok = param_by_name(e, ps, "res", &res) && param_int(&res) == 0 &&
				  param_by_name(e, ps, "exe", &exe);
			if (ok) {
				param_str(&exe, s, sizeof(s));
				ok = strcmp(s, x->exec_path) == 0;
			}
			/* pid and ptid come from the task structure: wrong offsets show here. */
			long long vpid = param_by_name(e, ps, "pid", &pid) ? param_int(&pid) : x->child;
			long long vptid = param_by_name(e, ps, "ptid", &ptid) ? param_int(&ptid) : x->self;
			if (ok && vpid == x->child && vptid == x->self)
				x->seen_exec_exit = true;
			else
				miss(x, "execve exit of tid %llu: res %lld exe '%s' pid %lld ptid %lld "
				     "(expected 0 '%s' %d %d)", (unsigned long long)tid,
				     param_by_name(e, ps, "res", &res) ? param_int(&res) : -1LL, s, vpid, vptid,
				     x->exec_path, (int)x->child, (int)x->self);
		}
	}
	if (open && x->open_path && is_exit && tid == (uint64_t)x->self) {
		struct param fd, name;
		if (param_by_name(e, ps, "name", &name) && param_by_name(e, ps, "fd", &fd)) {
			param_str(&name, s, sizeof(s));
			if (strcmp(s, x->open_path) == 0 && param_int(&fd) == x->open_fd)
				x->seen_open = true;
			else if (strcmp(s, x->open_path) == 0)
				miss(x, "openat exit: name '%s' fd %lld (expected fd %d)", s, param_int(&fd), x->open_fd);
		}
	}
}

bool ve_done(const struct ve_expect *x, const struct ve_tables *t)
{
	return (!x->exec_path || ((x->seen_exec_enter || !t->expect_execve_enter) && x->seen_exec_exit)) &&
	       (!x->open_path || x->seen_open);
}

int ve_report(struct ve_expect *x, const struct ve_tables *t, const char *drops)
{
	printf("events_seen=%lld\nevents_malformed=%lld\n", x->events_seen, x->events_malformed);
	int missing = 0;
	/* One FAIL line per missing event, with what the driver says it dropped: a driver reading
	 * a kernel's structures at the wrong offsets drops events on faults or bugs. */
	if (x->exec_path && t->expect_execve_enter && !x->seen_exec_enter)
		printf("FAIL event: no execve enter event of %s from pid %d %s\n", x->exec_path, (int)x->child,
		       drops);
	if (x->exec_path && !x->seen_exec_exit)
		printf("FAIL event: no matching execve exit event of %s from pid %d %s\n", x->exec_path,
		       (int)x->child, drops);
	if (x->open_path && !x->seen_open)
		printf("FAIL event: no matching openat exit event of %s from pid %d %s\n", x->open_path,
		       (int)x->self, drops);
	if (!x->events_seen)
		printf("FAIL event: no event at all\n");
	if (x->exec_path) {
		/* Driver versions from 9.0.0 make no execve enter event: not one to miss. */
		printf("event_execve_enter=%s\nevent_execve_exit=%s\n",
		       x->seen_exec_enter ? "seen" : t->expect_execve_enter ? "missing" : "not-made",
		       x->seen_exec_exit ? "seen" : "missing");
		missing += (t->expect_execve_enter && !x->seen_exec_enter) + !x->seen_exec_exit;
	}
	if (x->open_path) {
		printf("event_openat=%s\n", x->seen_open ? "seen" : "missing");
		missing += !x->seen_open;
	}
	if (!x->events_seen)
		missing++;
	return missing;
}
