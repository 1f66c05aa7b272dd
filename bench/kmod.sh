#!/usr/bin/env bash
# Kernel modules: the end-to-end build of one real Debian 12 module (Falco 0.43.1's driver,
# 9.1.0+driver) with its packages cached, against the bare kbuild compile of the same module
# (`make -C <headers> M=<driver> modules` alone, in a tree prepared beforehand); and the cost of
# making a compiler root once (Debian 13's gcc-14, by mmdebstrap) and of finding it made.
# Uses this machine's apt mirror (MIRRORS_FROM_APT) and the falcosecurity/libs archives of
# ../shared/libs served on 127.0.0.1 (or LIBS_ARCHIVES).
#   bench/kmod.sh [WORKDIR]     (default build/bench; reused between runs)
# shellcheck source=bookworm.sh
source "$(dirname "$0")/bookworm.sh"
# shellcheck source=libs.sh
source "$(dirname "$0")/libs.sh"
args+=(FALCO_VERSIONS=0.43.1 LIBS_ARCHIVES="$LIBS_ARCHIVES")
module=$(make -s "${args[@]}" list-debian | grep -E '/9\.1\.0\+driver/x86_64/falco_debian_[0-9.]+-[0-9]+-amd64_1\.ko$' |
	sort -V | tail -n 1)
[ -n "$module" ] || { echo "no bookworm amd64 kernel listed" >&2; exit 1; }
# Fill the cache and prepare the driver first: downloads are not what is measured.
make -s "${args[@]}" "$module" >/dev/null

TIMEFORMAT=%R
runs=3
e2e=()
for _ in $(seq $runs); do
	rm -f "$module"
	e2e+=("$({ time make -s "${args[@]}" "$module" >/dev/null 2>&1; } 2>&1)")
done

# The bare compile: the kernel's tree as the pipeline prepares it (mk/kernel-tree.sh), the
# prepared driver's module sources, and kbuild alone.
rec=$w/build/records/${module#"$w/dist/"}.rec
kid=$(grep -l "^uname_r=$(sed -n 's/^uname_r=//p' "$rec")$" "$w/build/kernels/debian/"*.id | head -n 1)
bare_dir=$w/bare-kmod
rm -rf "$bare_dir"
pkgs=$(for p in $(sed -n 's/^packages=//p' "$rec"); do echo "$w/cache/packages/$p"; done)
# shellcheck disable=SC2086 # the packages are words
FP_BIN=$top/build/bin FP_LOGS=$bare_dir/logs FP_RUN=$bare_dir FP_FIXUP=mk/fixup-debian.sh \
	sh mk/kernel-tree.sh "$kid" "$bare_dir/kernel" $pkgs
tree=$(sed -n 's/^tree=//p' "$bare_dir/kernel/.tree")
drv=$w/build/driver/9.1.0+driver
kmod_dir=$drv/$(sed -n 's/^kmod_dir=//p' "$drv/.prepared")
cc=$(sed -n 's/^compiler=\(gcc-[0-9]*\) .*/\1/p' "$rec")
[ "$(sed -n 's/^toolchain_root=//p' "$rec")" = - ] || { echo "the module was built in a root: no bare compile on this host" >&2; exit 1; }
bare=()
for _ in $(seq $runs); do
	rm -rf "$bare_dir/m"
	cp -RL "$kmod_dir" "$bare_dir/m"
	bare+=("$({ time make -s -C "$tree" M="$bare_dir/m" CC="$cc" modules >/dev/null 2>&1; } 2>&1)")
done
[ -f "$bare_dir/m/falco.ko" ] || { echo "the bare kbuild made no falco.ko" >&2; exit 1; }
rm -rf "$bare_dir"

# A compiler root from nothing, then found made.
roots=$w/bench-roots
rm -rf "$roots"
# distros/toolchains.mk's specs with their mirrors' URLs, as mk/outputs.mk passes them.
toolchains=
for spec in $(make -s "${args[@]}" print-TOOLCHAINS); do
	toolchains="$toolchains ${spec%|*}|$(make -s "${args[@]}" "print-${spec##*|}")"
done
packages=$(make -s "${args[@]}" print-TOOLCHAIN_PACKAGES)
export TOOLCHAINS=$toolchains TOOLCHAIN_PACKAGES=$packages FP_KEYRING_debian=/usr/share/keyrings/debian-archive-keyring.gpg
mkdir -p "$roots/tree"
root_first=$({ time sh mk/toolchain.sh 'gcc-14 (Debian 14.2.0-19) 14.2.0' "$roots/tree" "$roots" >/dev/null; } 2>&1)
root_again=$({ time sh mk/toolchain.sh 'gcc-14 (Debian 14.2.0-19) 14.2.0' "$roots/tree" "$roots" >/dev/null; } 2>&1)
root_size=$(du -sm "$roots/toolchains" | cut -f1)
root_debs=$(cat "$roots"/toolchains/*.manifest | wc -l)
rm -rf "$roots"

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
e=$(median "${e2e[@]}")
b=$(median "${bare[@]}")
echo "module: $(basename "$module") for $(sed -n 's/^uname_r=//p' "$rec") (9.1.0+driver, $(sed -n 's/^compiler=//p' "$rec"))"
echo "end-to-end, packages cached (median of $runs): ${e} s   [${e2e[*]}]"
echo "bare kbuild modules (median of $runs):         ${b} s   [${bare[*]}]"
awk -v e="$e" -v b="$b" 'BEGIN { printf "overhead ratio: %.3f\n", e / b }'
echo "gcc-14 root (Debian 13, $root_debs packages, $root_size MiB): made in ${root_first} s, found made in ${root_again} s"
