#!/usr/bin/env bash
# A whole distribution's figure: every listed bookworm kernel's outputs for three driver versions
# (Falco 0.44.1, 0.43.1 and 0.42.1: 10.2.0, 9.1.0 and 9.0.0+driver) and both kinds, built from a
# warm package cache; the run's total CPU time (user + system of make and everything it ran)
# divided by the sum of the CPU time of the outputs' own compiles (kbuild, timed in each
# output's log by mk/build-output.sh). What the pipeline adds per distribution: extraction,
# identity checks, planning, records. Target: <= 1.10.
#   bench/distribution.sh [WORKDIR]      (default build/bench)
# SHARD=i/N builds a stable share of the outputs for a quicker figure (the ratio of a share is
# the ratio of the whole: shards are drawn by a hash of the path); JOBS (default nproc) is -j.
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
# shellcheck source=libs.sh
source "$(dirname "$0")/libs.sh"
args+=(FALCO_VERSIONS="0.44.1 0.43.1 0.42.1" LIBS_ARCHIVES="$LIBS_ARCHIVES" ${SHARD:+SHARD=$SHARD})
jobs=${JOBS:-$(nproc)}
# The packages and the prepared drivers first: downloads are not what is measured.
make -s "${args[@]}" list-debian >"$w.dist-list"
n=$(wc -l <"$w.dist-list")
make -s -k -j"$jobs" "${args[@]}" debian >/dev/null 2>&1 || true
# Then every output again, from the cache.
xargs -a "$w.dist-list" rm -f
rm -rf "$w/build/verdicts"
start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$w.dist-time" make -s -k -j"$jobs" "${args[@]}" debian >/dev/null 2>"$w.dist-err" || true
read -r user sys <"$w.dist-time"
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
built=0 kbuild=0
while read -r o; do
	[ -f "$o" ] || continue
	built=$((built + 1))
	log=$w/build/logs/${o#"$w/dist/"}.log
	kbuild=$(sed -n 's/^kbuild-time:[0-9.]*:\([0-9.]*\):\([0-9.]*\)$/\1 \2/p' "$log" | tail -n 1 |
		awk -v s="$kbuild" '{ printf "%.2f", s + $1 + $2 }')
done <"$w.dist-list"
printf 'outputs: %d listed (SHARD=%s), %d built, at -j%d; wall %.1f s\n' "$n" "${SHARD:-all}" "$built" "$jobs" "$wall"
printf 'CPU: the run %.1f s (user %.1f + system %.1f); its compiles %.1f s\n' "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$user" "$sys" "$kbuild"
echo "$user $sys $kbuild" | awk '{ printf "ratio: %.3f = run CPU / compiles CPU (target <= 1.10)\n", ($1 + $2) / $3 }'
