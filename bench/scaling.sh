#!/usr/bin/env bash
# Parallel scaling: four real Debian probes (the newest bookworm kernels' amd64, cloud-amd64
# and rt-amd64 flavours, and the previous ABI's amd64) built with -j1 and then -j2, packages
# cached. Prints both times and the speed-up (target >= 1.8 on 2 cores).
#   bench/scaling.sh [WORKDIR]      (default build/bench; shares its cache with overhead.sh)
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
abis=$(sed -n 's#.*/falco_debian_\([0-9.]*-[0-9]*\)-amd64_1\.o$#\1#p' "$w.list" | sort -V | tail -n 2)
newest=$(echo "$abis" | tail -n 1)
previous=$(echo "$abis" | head -n 1)
probes=()
for f in "$newest-amd64" "$newest-cloud-amd64" "$newest-rt-amd64" "$previous-amd64"; do
	probes+=("$(grep "/falco_debian_${f}_1\.o$" "$w.list")")
done
make -s -j2 "${args[@]}" "${probes[@]}" >/dev/null # fill the package cache

TIMEFORMAT=%R
declare -A took
for j in 1 2; do
	rm -f "${probes[@]}"
	took[$j]=$({ time make -s -j$j "${args[@]}" "${probes[@]}" >/dev/null 2>&1; } 2>&1)
done
echo "probes: ${probes[*]##*/}"
echo "make -j1: ${took[1]} s"
echo "make -j2: ${took[2]} s"
awk -v a="${took[1]}" -v b="${took[2]}" 'BEGIN { printf "speed-up: %.2f (target >= 1.8 on 2 cores)\n", a / b }'
