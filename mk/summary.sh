#!/bin/sh
# What one make run did for one distribution, and whether it failed:
#   summary.sh RUN_DIR DISTRO PLANNED UP_TO_DATE DIST LOG_DIR PLAN_REPORT [--quiet]
# Counts every output of the distribution: those planned (built, up to date, failed in this run),
# those already up to date (the plan had no work for them), and those the plan left out
# (PLAN_REPORT, tools/plan): failed earlier with the inputs they still have (verdicts, not tried
# again), unservable, published. Lists this run's failures with their logs: a verdict as
# "failed:", a fault (no fact about the kernel or the driver: tried again next run) as "fault:".
# Fails when an output failed in this run. --quiet (make -s): nothing when nothing failed.
run=$1 distro=$2 total=$3 fresh=$4 dist=$5 logs=$6 report=$7 quiet=${8:-}
count() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }
left() { [ -f "$report" ] && awk -F'\t' -v w="$1" '$5 ~ "^" w { n++ } END { print n + 0 }' "$report" || echo 0; }
built=$(count "$run/$distro.built")
failed=$(count "$run/$distro.failed")
faults=$([ -f "$run/$distro.failed" ] && awk -F'\t' '$3 != 1 { n++ } END { print n + 0 }' "$run/$distro.failed" || echo 0)
earlier=$(left failed) unservable=$(left unservable) published=$(left published)
if [ "$failed" = 0 ] && [ -n "$quiet" ]; then
	exit 0
fi
line="$distro: $((total + fresh + earlier + unservable + published)) outputs: $built built, $((fresh + total - built - failed)) up to date, $failed failed"
case $faults in
0) ;;
1) line="$line (1 fault: tried again next run)" ;;
*) line="$line ($faults faults: tried again next run)" ;;
esac
[ "$earlier" = 0 ] || line="$line; $earlier failed before with the same inputs (RETRY_FAILED=1 tries them)"
[ "$unservable" = 0 ] || line="$line; $unservable unservable"
[ "$published" = 0 ] || line="$line; $published published"
echo "$line"
if [ "$failed" -gt 0 ]; then
	while IFS='	' read -r out why is_verdict; do
		if [ "$is_verdict" = 1 ]; then
			echo "  failed: $out: $why (log: $logs/${out#"$dist/"}.log)"
		else
			echo "  fault:  $out: $why (log: $logs/${out#"$dist/"}.log)"
		fi
	done <"$run/$distro.failed"
	exit 1
fi
