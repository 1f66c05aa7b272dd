#!/usr/bin/env bash
# Per-output overhead of the pipeline, on one real Debian 12 kernel with its packages cached:
# the outputs the default releases ask for (Falco 0.43.1's probe and module of 9.1.0+driver,
# Falco 0.44.1's module of 10.2.0+driver), built end to end in one run (one extraction for the
# three, identity checks, kbuild, checks, publishing), divided by the sum of their bare builds:
# each driver's own build run alone in the kernel's tree prepared beforehand (the probe: its
# bpf/Makefile, whose configure checks, clang and llc are the driver's; a module: `make -C
# <headers> M=<driver> modules`). Target: <= 1.10.
# Uses this machine's apt mirror (MIRRORS_FROM_APT) and the falcosecurity/libs archives of
# ../shared/libs served on 127.0.0.1 (or LIBS_ARCHIVES).
#   bench/overhead.sh [WORKDIR]     (default build/bench; reused between runs)
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
# shellcheck source=libs.sh
source "$(dirname "$0")/libs.sh"
args+=(FALCO_VERSIONS="0.44.1 0.43.1" LIBS_ARCHIVES="$LIBS_ARCHIVES")
make -s "${args[@]}" list-debian >"$w.list"
probe=$(grep -E '/9\.1\.0\+driver/x86_64/falco_debian_6\.1\.[0-9]+-[0-9]+-amd64_1\.o$' "$w.list" | sort -V | tail -n 1)
[ -n "$probe" ] || { echo "no bookworm 6.1 amd64 kernel listed" >&2; exit 1; }
module=${probe%.o}.ko
module10=${module/9.1.0+driver/10.2.0+driver}
outputs=("$probe" "$module" "$module10")
grep -qxF "$module10" "$w.list" || { echo "$module10 is not listed" >&2; exit 1; }
# Fill the cache and prepare the drivers first: downloads are not what is measured.
make -s "${args[@]}" "${outputs[@]}" >/dev/null

TIMEFORMAT=%R
runs=3
e2e=() inrun=()
log_of() { echo "$w/build/logs/${1#"$w/dist/"}.log"; }
for _ in $(seq $runs); do
	rm -f "${outputs[@]}"
	e2e+=("$({ time make -s -j1 "${args[@]}" "${outputs[@]}" >/dev/null 2>&1; } 2>&1)")
	# The same run's compiles, as each output's log times them (mk/build-output.sh).
	inrun+=("$(for o in "${outputs[@]}"; do sed -n 's/^kbuild-time:\([0-9.]*\):.*/\1/p' "$(log_of "$o")" | tail -n 1; done |
		awk '{ s += $1 } END { printf "%.2f", s }')")
done

# The bare compiles, in the kernel's tree as the pipeline prepares it (mk/kernel-tree.sh).
rec() { echo "$w/build/records/${1#"$w/dist/"}.rec"; }
kid=$(grep -l "^uname_r=$(sed -n 's/^uname_r=//p' "$(rec "$probe")")$" "$w/build/kernels/debian/"*.id | head -n 1)
bare_dir=$w/bare
rm -rf "$bare_dir"
mkdir -p "$bare_dir"
pkgs=$(for p in $(sed -n 's/^packages=//p' "$(rec "$probe")"); do echo "$w/cache/packages/$p"; done)
# shellcheck disable=SC2086 # the packages are words
FP_BIN=$top/build/bin FP_LOGS=$bare_dir/logs FP_RUN=$bare_dir FP_FIXUP=mk/fixup-debian.sh \
	sh mk/kernel-tree.sh "$kid" "$bare_dir/kernel" $pkgs
tree=$(sed -n 's/^tree=//p' "$bare_dir/kernel/.tree")

# The probe: the driver's own build (its bpf/Makefile: kbuild's configure checks, clang, llc),
# alone, in a fresh copy of the prepared driver.
drv9=$w/build/driver/9.1.0+driver
bare_probe=()
for _ in $(seq $runs); do
	rm -rf "$bare_dir/p"
	cp -RL "$drv9/bpf-unit" "$bare_dir/p"
	bare_probe+=("$({ time (cd "$bare_dir/p/bpf" && make -s -j1 KERNELDIR="$tree" >/dev/null 2>&1); } 2>&1)")
	[ -f "$bare_dir/p/bpf/probe.o" ] || { echo "the bare probe build failed" >&2; exit 1; }
done
bare_module() {
	local drv=$1 cc=gcc-12 out=()
	for _ in $(seq $runs); do
		rm -rf "$bare_dir/m"
		cp -RL "$drv/$(sed -n 's/^kmod_dir=//p' "$drv/.prepared")" "$bare_dir/m"
		out+=("$({ time make -s -C "$tree" M="$bare_dir/m" CC="$cc" modules >/dev/null 2>&1; } 2>&1)")
		[ -f "$bare_dir/m/falco.ko" ] || { echo "the bare module build failed" >&2; exit 1; }
	done
	echo "${out[*]}"
}
read -ra bare_m9 <<<"$(bare_module "$drv9")"
read -ra bare_m10 <<<"$(bare_module "$w/build/driver/10.2.0+driver")"
rm -rf "$bare_dir"

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
e=$(median "${e2e[@]}")
bp=$(median "${bare_probe[@]}") b9=$(median "${bare_m9[@]}") b10=$(median "${bare_m10[@]}")
echo "kernel: $(sed -n 's/^uname_r=//p' "$(rec "$probe")") (Debian 12), three outputs"
echo "  bare $(basename "$probe") (9.1.0+driver, its bpf/Makefile): ${bp} s   [${bare_probe[*]}]"
echo "  bare $(basename "$module") (9.1.0+driver, kbuild modules): ${b9} s   [${bare_m9[*]}]"
echo "  bare $(basename "$module10") (10.2.0+driver, kbuild modules): ${b10} s   [${bare_m10[*]}]"
echo "end to end, the three in one run, packages cached (median of $runs): ${e} s   [${e2e[*]}]"
awk -v e="$e" -v a="$bp" -v b="$b9" -v c="$b10" \
	'BEGIN { printf "overhead ratio against the bare builds run apart: %.3f = %.2f / (%.2f + %.2f + %.2f) (target <= 1.10)\n", e / (a + b + c), e, a, b, c }'
# The same ratio within each run, against its own compiles: what the pipeline adds, without
# the noise between runs.
ratios=$(for i in $(seq 0 $((runs - 1))); do echo "${e2e[$i]} ${inrun[$i]}"; done | awk '{ printf "%.3f\n", $1 / $2 }')
echo "overhead ratio within each run (end to end / that run's own compiles): $(echo "$ratios" | sort -n | sed -n "$(( (runs + 1) / 2 ))p") median [$(echo $ratios)] (target <= 1.10)"
