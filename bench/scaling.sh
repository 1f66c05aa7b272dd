#!/usr/bin/env bash
# Parallel scaling on real Debian outputs, probes and modules mixed: every output the default
# releases ask for (Falco 0.43.1's probe and module of 9.1.0+driver, Falco 0.44.1's module of
# 10.2.0+driver) of the K newest Debian 12 amd64 kernels (one extraction each), packages cached,
# built with -j1 and then -jN. Prints both times and the speed-up against the target (1.8 at
# -j2; 12 at -j16).
#   bench/scaling.sh [-jN] [-kK] [WORKDIR]    (default -j2, K = 2N kernels, build/bench)
jobs=2 kernels=
while [ $# -gt 0 ]; do
	case $1 in
	-j*) jobs=${1#-j} ;;
	-k*) kernels=${1#-k} ;;
	*) break ;;
	esac
	shift
done
kernels=${kernels:-$((2 * jobs))}
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
# shellcheck source=libs.sh
source "$(dirname "$0")/libs.sh"
args+=(FALCO_VERSIONS="0.44.1 0.43.1" LIBS_ARCHIVES="$LIBS_ARCHIVES")
make -s "${args[@]}" list-debian >"$w.list"
outputs=()
for probe in $(grep -E '/9\.1\.0\+driver/x86_64/falco_debian_6\.1\.[0-9]+-[0-9]+-amd64_1\.o$' "$w.list" | sort -V | tail -n "$kernels"); do
	outputs+=("$probe" "${probe%.o}.ko" "$(echo "${probe%.o}.ko" | sed 's#/9\.1\.0+driver/#/10.2.0+driver/#')")
done
[ "${#outputs[@]}" -eq $((3 * kernels)) ] || { echo "fewer than $kernels bookworm 6.1 kernels listed" >&2; exit 1; }
make -s -j"$jobs" "${args[@]}" "${outputs[@]}" >/dev/null # fill the package cache, prepare the drivers

TIMEFORMAT=%R
declare -A took
for j in 1 "$jobs"; do
	rm -f "${outputs[@]}"
	took[$j]=$({ time make -s -j"$j" "${args[@]}" "${outputs[@]}" >/dev/null 2>&1; } 2>&1)
	for o in "${outputs[@]}"; do [ -f "$o" ] || { echo "make -j$j did not build $o" >&2; exit 1; }; done
done
target=$(awk -v j="$jobs" 'BEGIN { print j <= 2 ? 0.9 * j : 0.75 * j }')
echo "outputs: ${#outputs[@]} ($kernels kernels, a probe and two modules each)"
echo "make -j1: ${took[1]} s"
echo "make -j$jobs: ${took[$jobs]} s"
awk -v a="${took[1]}" -v b="${took[$jobs]}" -v j="$jobs" -v t="$target" \
	'BEGIN { printf "speed-up: %.2f at -j%d (target >= %.1f)\n", a / b, j, t }'
