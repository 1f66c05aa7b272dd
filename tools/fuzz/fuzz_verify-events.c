/* tools/verify-events.c, what both boot verifiers (bpf-load, kmod-read) read: a driver version's
 * tables (scap-tables' text lines and blobs) and the event records a driver writes to its rings,
 * each checked against the event table for the execve and openat of a known child. The input is
 * the tables, then a line "---", then records back to back (each as long as its header says).
 * Seeds: the text of real tables of 9.1.0+driver and of a 2021 tree, with their blobs cut to a
 * few entries, and records made as the drivers make them (tools/fuzz/seeds/verify-events). */
#include "fuzz.h"

#include <limits.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "../verify-events.h"

#include "fuzz-own.h"
#include "../verify-events.c"

static void keep_blob(const char *name, size_t size, size_t count, unsigned char *data, long line)
{
	(void)name, (void)size, (void)count, (void)line;
	free(data);
}

static void other_line(const char *key, char *rest, long line)
{
	(void)key, (void)rest, (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[2];
	size_t len[2];
	size_t n = fuzz_split(data, size, part, len, 2);
	static struct ve_tables t;
	const char *path = fuzz_file(0, part[0], len[0]);
	FUZZ_TRY {
		ve_read_tables(&t, path, other_line, keep_blob);
		struct ve_expect x = { .exec_path = "/bin/true", .open_path = "/etc/hostname", .child = 1234,
				       .self = 1000, .open_fd = 3 };
		const uint8_t *ev = n > 1 ? part[1] : NULL;
		size_t left = n > 1 ? len[1] : 0;
		while (left) {
			uint32_t rlen = 0;
			if (left >= 20)
				memcpy(&rlen, ev + 16, 4);
			size_t take = rlen >= VE_EVT_HDR_LEN && rlen <= left ? rlen : left;
			ve_handle_event(&x, &t, ev, take);
			ev += take, left -= take;
		}
		ve_done(&x, &t);
		ve_report(&x, &t, "(no drops)");
	}
	fuzz_end();
	return 0;
}
