#!/usr/bin/env bash
# Per-probe overhead of the pipeline: the end-to-end build of one real Debian probe with its
# packages already cached (extraction, identity checks, kbuild, publishing), divided by the
# bare clang + llc compile of the same probe (the two commands kbuild runs, run alone in a tree
# prepared beforehand). Target: <= 1.10. Uses this machine's apt mirror (MIRRORS_FROM_APT).
#   bench/overhead.sh [WORKDIR]     (default build/bench; reused between runs)
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
probe=$(grep -E '/falco_debian_[0-9.]+-[0-9]+-amd64_1\.o$' "$w.list" | sort -V | tail -n 1)
[ -n "$probe" ] || { echo "no bookworm amd64 kernel listed" >&2; exit 1; }
# Fill the cache first: downloads are not what is measured.
make -s "${args[@]}" "$probe" >/dev/null

TIMEFORMAT=%R
runs=3
e2e=()
for _ in $(seq $runs); do
	rm -f "$probe"
	e2e+=("$({ time make -s "${args[@]}" "$probe" >/dev/null 2>&1; } 2>&1)")
done

# The bare compile: the same kbuild run once with V=1 in a kept work tree shows the two
# commands; run them alone.
name=$(basename "$probe")
keep=$w/bare
rm -rf "$keep"
mkdir -p "$keep"
rm -f "$probe"
make -s "${args[@]}" V=1 FP_KBUILD_ARGS=V=1 "$probe" >/dev/null 2>&1
log=$w/build/logs/$(basename "$(dirname "$(dirname "$probe")")")/$name.log
clang_cmd=$(awk '/^  clang |^clang /{p=1} p{print} p && !/\\$/{exit}' "$log")
llc_cmd=$(grep -m1 -E '^ *llc ' "$log")
[ -n "$clang_cmd" ] && [ -n "$llc_cmd" ] || { echo "could not find the compile commands in $log" >&2; exit 1; }
# Re-create the work tree the commands name (the pipeline removed it), from the same packages.
work=$(echo "$llc_cmd" | sed -n 's#.* -o \(.*\)/driver/bpf/probe.o .*#\1#p')
rm -rf "$work"
mkdir -p "$work/root"
rec=$(find "$w/build/records" -name "$name.rec" | head -n 1)
pkgs=$(sed -n 's/^packages=//p' "$rec")
for p in $pkgs; do build/bin/extract --quiet "$w/cache/packages/$p" "$work/root"; done
kdir=$(ls -d "$work"/root/usr/src/linux-headers-*-amd64 | head -n 1)
sed -i "s#^include /#include $work/root/#" "$kdir/Makefile"
dv_dir=$(sed -n 's/^DRIVER_DIR := //p' "$w/build/driver/debian-dkms.mk")
cp -R "$dv_dir" "$work/driver"
bare=()
for _ in $(seq $runs); do
	bare+=("$({ time { (cd "$kdir" && eval "$clang_cmd" && eval "$llc_cmd") >/dev/null 2>&1; }; } 2>&1)")
done
rm -rf "$work" "$keep"
make -s "${args[@]}" "$probe" >/dev/null

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
e=$(median "${e2e[@]}")
b=$(median "${bare[@]}")
echo "probe: $name"
echo "end-to-end, packages cached (median of $runs): ${e} s   [${e2e[*]}]"
echo "bare clang + llc (median of $runs):            ${b} s   [${bare[*]}]"
awk -v e="$e" -v b="$b" 'BEGIN { printf "overhead ratio: %.3f (target <= 1.10)\n", e / b }'
