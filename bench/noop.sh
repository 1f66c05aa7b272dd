#!/usr/bin/env bash
# No-op make with a large listing: every output (a probe and a module per kernel, from a driver
# tree with both) of N/2 synthetic kernels is already built, so make must only read the
# fragments, stat the files and do nothing. Prints the figures.
#   bench/noop.sh [OUTPUTS] [TREE]  (default 50000 outputs, this tree; targets: <= 1 s at 200,000,
#                                   <= 2.5 s at 500,000)
set -eu
outputs=${1:-50000}
n=$((outputs / 2))
top=$(cd "${2:-$(dirname "$0")/..}" && pwd)
dir=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "keeping $dir" >&2 || trap 'rm -rf "$dir"' EXIT
cd "$top"
make -s tools >/dev/null

# Three packages per kernel, one of them shared by ten kernels, as Debian's -common is, and
# a kernel image package for boot verification.
awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++) {
		abi = sprintf("6.1.0-%d", i)
		common = sprintf("%064x", int(i / 10) + 1)
		printf "distros/os-release/debian-12\tx86_64\t%s-amd64\t#1 SMP Debian 6.1.%d-1\tusr/src/linux-headers-%s-amd64\t", abi, i, abi
		printf "file:///nonexistent/a%d.deb|%064x|1 file:///nonexistent/c%d.deb|%s|1 ", i, i + 100000, i, common
		printf "file:///nonexistent/k.deb|%064x|1\t", 99
		printf "file:///nonexistent/i%d.deb|%064x|1\n", i, i + 200000
	}
}' >"$dir/listing.tsv"

args="DISTROS=bench bench_FAMILY=listing bench_LISTING=$dir/listing.tsv bench_NAMES=falco_debian_% \
  DRIVER_SOURCE=$top/tests/fixtures/tiny-kmod-driver BUILD=$dir/build CACHE=$dir/cache DIST=$dir/dist \
  KERNELS=$dir/kernels REFRESH=0"
# shellcheck disable=SC2086
make -s $args list-bench | grep "^$dir/dist/" >"$dir/probes"
mkdir -p "$dir/cache/packages"
awk -F'\t' '{ n = split($6, p, " "); for (i = 1; i <= n; i++) { split(p[i], f, "|"); print f[2] } }' \
	"$dir/listing.tsv" | sort -u | (cd "$dir/cache/packages" && xargs touch)
# shellcheck disable=SC2086
make -s $args "$dir/build/toolchain/bpf.id" "$dir/build/toolchain/kmod.id" >/dev/null
sleep 1
xargs -n 500 dirname <"$dir/probes" | sort -u | xargs mkdir -p
xargs touch <"$dir/probes"

built=$(wc -l <"$dir/probes")
# What a run reads: the plan (the rules of the work: none here), and the tables it was made
# from (a tree before the tables kept a rule per output in kernels/).
fragments=$(ls "$dir"/kernels/*/bench.* "$dir"/kernels/bench.* "$dir/build/plan/bench.mk" 2>/dev/null | grep -v '\.verify\.mk$')
# The first run after the outputs appeared learns that (its plan changes); the runs measured
# come after it. Wall time, and the CPU time of make and what it runs, which a busy machine
# disturbs less; the median of three.
# shellcheck disable=SC2086
make -s -j2 $args bench >/dev/null
TIMEFORMAT='%R %U %S'
for i in 1 2 3; do
	# shellcheck disable=SC2086
	{ time make -j2 $args bench >"$dir/out" 2>&1; } 2>"$dir/time.$i"
	if grep -q 'PROBE\|FETCH\|KERNELS\|PLAN ' "$dir/out"; then
		cat "$dir/out" >&2
		echo "FAIL: the no-op run did work" >&2
		exit 1
	fi
done
tail -n 1 "$dir/out"
read -r wall user sys < <(for i in 1 2 3; do cat "$dir/time.$i"; done | sort -n | sed -n 2p)
target=$(awk -v n="$built" 'BEGIN { print n <= 200000 ? 1 : 2.5 * n / 500000 }')
echo "kernels: $n; outputs listed and built: $built"
# shellcheck disable=SC2086 # file names of our own
echo "tables and plan: $(cat $fragments | wc -c) bytes; the plan alone: $(wc -c <"$dir/build/plan/bench.mk") bytes"
echo "no-op make -j2 bench: $wall s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }') s CPU (target <= $target s)"
