# Shared helpers for the bats tests: `load lib/common` from a tests/*.bats file.
#
# Local HTTP servers. Tests are hermetic: they serve what they need on 127.0.0.1 only, on a
# port the kernel picks (no guessing, no clash with tests running beside them), and every server
# a test starts is killed in its teardown:
#
#   setup()    { load lib/common; }
#   teardown() { fp_http_stop_all; }
#   @test ... { fp_http_start "$dir"; fetch "$FP_HTTP_URL/file" ...; }
#
# fp_http_start DIR [PYTHON SCRIPT ARGS...]
#   Serves DIR with `python3 -m http.server --bind 127.0.0.1 0` (or, given a script, runs
#   `python3 SCRIPT ARGS...`, which must bind 127.0.0.1 on port 0 and print a line containing
#   "port N" once it listens, as http.server does). Waits until it listens, then sets
#   FP_HTTP_PID, FP_HTTP_PORT, FP_HTTP_URL (http://127.0.0.1:PORT) and FP_HTTP_LOG (its stdout
#   and stderr: http.server logs one line per request there).
# fp_http_stop [PID]      stops one server (default: the last one started)
# fp_http_stop_all        stops every server this test (or setup_file) started

FP_PYTHON=${FP_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

_fp_http_pidfile() {
	echo "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}/.fp-http-pids"
}

fp_http_start() {
	local dir=$1
	shift
	local log
	log=$(mktemp "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-/tmp}}/http.XXXXXX")
	if [ $# -gt 0 ]; then
		# Unbuffered, so that "port N" and the request lines reach the log at once; fd 3 closed,
		# or bats would wait for the server to end.
		(cd "$dir" && exec "$FP_PYTHON" -u "$@") >"$log" 2>&1 3>&- &
	else
		"$FP_PYTHON" -u -m http.server --bind 127.0.0.1 --directory "$dir" 0 >"$log" 2>&1 3>&- &
	fi
	local pid=$! port='' _
	echo "$pid" >>"$(_fp_http_pidfile)"
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$port" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "fp_http_start: the server for $dir died:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "fp_http_start: the server for $dir did not start in 5 s:" >&2
		cat "$log" >&2
		kill "$pid" 2>/dev/null
		return 1
	fi
	# shellcheck disable=SC2034 # set for the caller
	FP_HTTP_PID=$pid FP_HTTP_PORT=$port FP_HTTP_URL=http://127.0.0.1:$port FP_HTTP_LOG=$log
}

fp_http_stop() {
	local pid=${1:-${FP_HTTP_PID:-}}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	# Reap it where it is our child; otherwise wait until it is gone, so its port is free.
	wait "$pid" 2>/dev/null || true
	local _
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
}

fp_http_stop_all() {
	local pidfile pid
	pidfile=$(_fp_http_pidfile)
	[ -f "$pidfile" ] || return 0
	while read -r pid; do
		fp_http_stop "$pid"
	done <"$pidfile"
	rm -f "$pidfile"
}

# fp_make DIR ARGS...
#   make in the project as a user runs it, on a private tree: the test's tools (FP_BIN, the
#   sanitizer build) and DIR/build, DIR/cache, DIR/dist and DIR/kernels; FP_MAKE_TOP runs another
#   copy of the project. A test file adds its own settings in a wrapper of one line.
fp_make() {
	local dir=$1
	shift
	make -C "${FP_MAKE_TOP:-${TOP:?}}" --no-print-directory BIN="${FP_BIN:?}" SAN=1 BUILD="$dir/build" \
		CACHE="$dir/cache" DIST="$dir/dist" KERNELS="$dir/kernels" "$@"
}

# fp_mtime FILE: its modification time, in nanoseconds since the epoch.
fp_mtime() {
	stat -c %.9Y "$1" | tr -d .
}

# fp_sha256 FILE: its SHA-256, lowercase hex.
fp_sha256() {
	sha256sum "$1" | cut -d' ' -f1
}
