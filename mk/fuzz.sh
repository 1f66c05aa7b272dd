#!/bin/bash
# mk/fuzz.sh NAME SECONDS: runs the harness tools/fuzz/fuzz_NAME.c for SECONDS with its corpus,
# then prints one line of figures:
#   NAME: <executions> execs, <n> exec/s, cov <edges> ft <features>, corpus <files> (<bytes> B), crashes <n>
# and, for each input that crashed (or leaked, timed out, ran out of memory), its path and the
# tail of libFuzzer's report. Exit status: 0 no crash, 1 a crash, 2 the harness would not run.
#
# Environment (mk/fuzz.mk sets them):
#   FUZZ_BIN   the harness binary (default build/fuzz/bin/fuzz_NAME)
#   FUZZ_SEEDS its seed corpus, read only (default build/fuzz/NAME/seeds)
#   FUZZ_WORK  where its corpus grows (WORK/corpus) and crashes land (WORK/crashes/), kept
#              from run to run (default build/fuzz/NAME)
#   FUZZ_LEAKS 1 (default) to detect leaks, 0 not to
#   FUZZ_FLAGS more libFuzzer flags
set -uo pipefail

name=$1 seconds=$2
bin=${FUZZ_BIN:-build/fuzz/bin/fuzz_$name}
seeds=${FUZZ_SEEDS:-build/fuzz/$name/seeds}
work=${FUZZ_WORK:-build/fuzz/$name}
corpus=$work/corpus crashes=$work/crashes
log=$work/last.log
mkdir -p "$corpus" "$crashes"
[ -x "$bin" ] || { echo "fuzz: $bin: no such harness (make fuzzers)" >&2; exit 2; }
[ -d "$seeds" ] || { echo "fuzz: $seeds: no seeds (make fuzz-seeds)" >&2; exit 2; }

before=$(find "$crashes" -type f | sort)
# -close_fd_mask=3: the tools' own output and messages go nowhere (libFuzzer and the sanitizers
# keep theirs). -timeout: an input that takes 10 s is a hang (the biggest seed takes
# milliseconds). The scratch files of harnesses that write go under WORK.
mkdir -p "$work/tmp"
# Reports go to the log, whatever a caller's options say (tests/setup_suite.bash sends them to
# files of its own).
san=${ASAN_OPTIONS:-}:detect_leaks=${FUZZ_LEAKS:-1}:log_path=stderr
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-}:log_path=stderr
TMPDIR=$(cd "$work/tmp" && pwd) ASAN_OPTIONS=$san \
	"$bin" -max_total_time="$seconds" -print_final_stats=1 -close_fd_mask=3 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} "$corpus" "$seeds" >"$log" 2>&1
rc=$?
rm -rf "$work/tmp"/fuzz-scratch.*

stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
execs=$(stat number_of_executed_units)
speed=$(stat average_exec_per_sec)
# The last status line libFuzzer printed: "#N  DONE  cov: C ft: F corp: ..." (or its last pulse).
last=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -n 1)
cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
files=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
new=$(comm -13 <(echo "$before") <(find "$crashes" -type f | sort) | sed '/^$/d')
ncrash=$(sed '/^$/d' <<<"$new" | wc -l)

printf '%s: %s execs, %s exec/s, cov %s ft %s, corpus %s (%s B), crashes %s\n' "$name" "${execs:-?}" \
	"${speed:-?}" "${cov:-?}" "${ft:-?}" "$files" "$bytes" "$ncrash"
if [ "$ncrash" -gt 0 ] || [ "$rc" -ne 0 ]; then
	for f in $new; do
		echo "  crash: $f"
	done
	# The report, from its first ERROR line on; a crash input is run again alone with the slow
	# unwinder, so that allocations made inside libc (vasprintf, getline) show their callers.
	report=$log
	if [ "$ncrash" -gt 0 ]; then
		report=$work/last-crash.log
		first=$(head -n 1 <<<"$new")
		TMPDIR=$(cd "$work/tmp" && pwd) ASAN_OPTIONS=$san:fast_unwind_on_malloc=0 \
			"$bin" -close_fd_mask=3 "$first" >"$report" 2>&1
		rm -rf "$work/tmp"/fuzz-scratch.*
		grep -q 'ERROR\|runtime error:' "$report" || report=$log
	fi
	sed -n '/ERROR: \|==ERROR\|runtime error:\|^SUMMARY/,$p' "$report" | grep -v '^ *#[0-9]* .* in fuzzer::' |
		head -n 40 | sed 's/^/  | /'
	[ "$ncrash" -gt 0 ] || { echo "  (exit status $rc, no crash input: see $log)"; exit 2; }
	exit 1
fi
exit 0
