#!/bin/sh
# Prints what one make run did for one distribution, and fails if an output failed:
#   summary.sh RUN_DIR DISTRO PLANNED DIST LOG_DIR [--quiet]
# --quiet (make -s): nothing on success.
run=$1 distro=$2 total=$3 dist=$4 logs=$5 quiet=${6:-}
count() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }
built=$(count "$run/$distro.built")
failed=$(count "$run/$distro.failed")
if [ "$failed" = 0 ] && [ -n "$quiet" ]; then
	exit 0
fi
echo "$distro: $total outputs: $built built, $((total - built - failed)) up to date, $failed failed"
if [ "$failed" -gt 0 ]; then
	while read -r out; do
		echo "  failed: $out (log: $logs/${out#"$dist/"}.log)"
	done <"$run/$distro.failed"
	exit 1
fi
