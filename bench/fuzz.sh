#!/bin/bash
# bench/fuzz.sh [HARNESS...]: a fuzzing campaign. Runs each harness of mk/fuzz.mk (all, or those
# named) for FUZZ_SECONDS (default 1800: 30 CPU-minutes each), one after the other, on one core,
# with its corpus in build/fuzz/<harness>/ (kept: a campaign goes on from the last one), and
# prints per harness: executions, executions per second, coverage (libFuzzer's cov: edges and
# ft: features, at the end), corpus files and bytes, and the crashes found.
#
# libFuzzer stops at a crash; the campaign then runs that harness again for the rest of its time,
# at most FUZZ_RESTARTS (default 5) times, so that one shallow bug does not hide the others.
# Crash inputs are left in build/fuzz/<harness>/crashes/ with libFuzzer's report; keep each
# fixed one in tests/fixtures/fuzz/<harness>/.
#
#   nice -n 19 bench/fuzz.sh                   # the whole campaign, about 6.5 hours
#   FUZZ_SECONDS=60 bench/fuzz.sh deb-index    # a minute of one
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-1800}
restarts=${FUZZ_RESTARTS:-5}
if [ $# -gt 0 ]; then
	harnesses=("$@")
else
	read -ra harnesses <<<"$(make -s --no-print-directory print-FUZZERS)"
fi
make -s --no-print-directory fuzzers fuzz-seeds || exit 1

printf 'fuzzing campaign: %s s per harness, %s, %s\n' "$seconds" "$(nproc) CPUs here, one used" "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-18s %12s %8s %7s %7s %8s %11s %7s\n' harness executions exec/s cov ft corpus bytes crashes
summary=()
for h in "${harnesses[@]}"; do
	start=$(date +%s) execs=0 crashes=0 cov=? ft=? files=? bytes=? runs=0
	while :; do
		left=$((seconds - ($(date +%s) - start)))
		[ "$left" -gt 0 ] || break
		line=$(make -s --no-print-directory "fuzz-$h" FUZZ_SECONDS="$left" 2>&1)
		runs=$((runs + 1))
		echo "$line" >&2
		# "<h>: <n> execs, <n> exec/s, cov <c> ft <f>, corpus <files> (<bytes> B), crashes <n>"
		first=$(grep -m1 "^$h: " <<<"$line")
		read -r n c f fl b k < <(sed -n 's/^[^:]*: \([0-9?]*\) execs, [0-9?]* exec\/s, cov \([0-9?]*\) ft \([0-9?]*\), corpus \([0-9]*\) (\([0-9]*\) B), crashes \([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' <<<"$first")
		[[ ${n:-} =~ ^[0-9]+$ ]] && execs=$((execs + n))
		[[ ${c:-} =~ ^[0-9]+$ ]] && cov=$c
		[[ ${f:-} =~ ^[0-9]+$ ]] && ft=$f
		files=${fl:-?} bytes=${b:-?}
		crashes=$((crashes + ${k:-0}))
		[ "${k:-0}" -gt 0 ] && [ "$runs" -le "$restarts" ] || break
	done
	elapsed=$(($(date +%s) - start))
	speed=$((execs / (elapsed > 0 ? elapsed : 1)))
	row=$(printf '%-18s %12s %8s %7s %7s %8s %11s %7s' "$h" "$execs" "$speed" "$cov" "$ft" "$files" "$bytes" "$crashes")
	echo "$row"
	summary+=("$row")
done
echo
echo "summary ($seconds s each):"
printf '%-18s %12s %8s %7s %7s %8s %11s %7s\n' harness executions exec/s cov ft corpus bytes crashes
printf '%s\n' "${summary[@]}"
