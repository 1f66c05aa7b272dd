#!/bin/sh
# Prints what one make run did for one distribution, and fails if any probe failed:
#   summary.sh RUN_DIR DISTRO TOTAL LOG_DIR
run=$1 distro=$2 total=$3 logs=$4
count() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }
built=$(count "$run/$distro.built")
failed=$(count "$run/$distro.failed")
echo "$distro: $total kernels: $built built, $((total - built - failed)) up to date, $failed failed"
if [ "$failed" -gt 0 ]; then
	while read -r probe; do
		echo "  failed: $probe (log: $logs/$(basename "$probe").log)"
	done <"$run/$distro.failed"
	exit 1
fi
