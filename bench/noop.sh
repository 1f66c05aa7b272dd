#!/usr/bin/env bash
# No-op make with a large listing: every probe of N synthetic kernels is already built, so make
# must only read the fragment, stat the files and do nothing. Prints the figures.
#   bench/noop.sh [KERNELS]        (default 5000; target: under 1 s)
set -eu
n=${1:-5000}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
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
  DRIVER_SOURCE=$top/tests/fixtures/tiny-driver BUILD=$dir/build CACHE=$dir/cache DIST=$dir/dist \
  KERNELS=$dir/kernels REFRESH=0"
# shellcheck disable=SC2086
make -s $args list-bench | grep "^$dir/dist/" >"$dir/probes"
mkdir -p "$dir/cache/packages"
awk -F'\t' '{ n = split($6, p, " "); for (i = 1; i <= n; i++) { split(p[i], f, "|"); print f[2] } }' \
	"$dir/listing.tsv" | sort -u | (cd "$dir/cache/packages" && xargs touch)
# shellcheck disable=SC2086
make -s $args "$dir/build/toolchain/bpf.id" >/dev/null
sleep 1
xargs -n 500 dirname <"$dir/probes" | sort -u | xargs mkdir -p
xargs touch <"$dir/probes"

kernels=$(wc -l <"$dir/probes")
fragment=$(ls "$dir"/kernels/*/bench.mk)
# Wall time, and the CPU time of make itself, which a busy machine disturbs less.
TIMEFORMAT='%R %U %S'
# shellcheck disable=SC2086
{ time make -j2 $args bench >"$dir/out" 2>&1; } 2>"$dir/time"
out=$(cat "$dir/out")
read -r wall user sys <"$dir/time"
echo "$out" | tail -n 1
if echo "$out" | grep -q 'PROBE\|FETCH'; then
	echo "FAIL: the no-op run did work" >&2
	exit 1
fi
echo "kernels listed and built: $kernels"
echo "fragment: $(wc -c <"$fragment") bytes"
echo "no-op make -j2 bench: $wall s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }') s CPU (target <= 1 s)"
