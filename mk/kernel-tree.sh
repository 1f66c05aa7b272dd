#!/bin/sh
# One kernel's work tree, made once in a run for every output of that kernel (mk/outputs.mk):
#
#   kernel-tree.sh ID_FILE DIR PACKAGE...
#
# ID_FILE is the kernel's identity (tools/kernels-mk: distro, os_release, uname_m, uname_r,
# uname_v, kdir, packages). The packages are extracted into DIR/root (only the target
# architecture's headers: creating files is most of what extraction costs), the tree is prepared
# as the distribution's hosts prepare it (FP_FIXUP, the distribution's d_FIXUP: a script given the
# tree and the root, printing extra kbuild arguments), and its UTS_RELEASE must be the release the
# index names: a tree of another kernel would give outputs named after the wrong one.
#
# Writes DIR/.tree (key=value: root, tree, uname_r, uname_v, uname_v_from, cc, cc_from, cc_error,
# fixup, fixup_args),
# with a time older than any output, so that making it never makes another output of the kernel
# out of date. A failure is logged at FP_LOGS/<distro>/<kernel id>.tree.log; under make -k
# (FP_KEEP_GOING=1) DIR/.tree then holds error=<reason> for the outputs to report (verdict=1
# only where the packages themselves say the same would happen again: they hold no build tree
# where the index says, or another kernel's; the outputs record it as their verdict. A package
# that could not be had, an extraction or a fixup that failed is a fault), and the script
# succeeds; otherwise DIR is removed and it fails. FP_CONTEXT is the run's settings (mk/lib.sh:
# FP_BIN, FP_LOGS, FP_RUN, this run's download failures).
set -u
. "$(dirname "$0")/lib.sh"
id_file=$1 dir=$2
shift 2
get() { sed -n "s/^$1=//p" "$id_file"; }
distro=$(get distro) uname_m=$(get uname_m) uname_r=$(get uname_r) uname_v=$(get uname_v) kdir=$(get kdir)
kid=$(basename "$id_file" .id)
log=${FP_LOGS:?}/$distro/$kid.tree.log
mkdir -p "$(dirname "$log")"
: >"$log"

verdict=0
fail() {
	why=$*
	echo "error: $why" >>"$log"
	# A full disk, or a run stopped under us, is no fact about the packages.
	if full=$(disk_full "$log" "$(dirname "$(dirname "$(dirname "$dir")")")"); then
		verdict=0
		why="$why: $full"
	elif interrupted "$dir"; then
		verdict=0
	fi
	rm -rf "$dir/root"
	if [ "${FP_KEEP_GOING:-}" = 1 ]; then
		mkdir -p "$dir"
		printf 'error=%s\nverdict=%s\nlog=%s\n' "$why" "$verdict" "$log" >"$dir/.tree.tmp" &&
			touch -d @1 "$dir/.tree.tmp" && mv -f "$dir/.tree.tmp" "$dir/.tree"
		exit 0
	fi
	rm -rf "$dir"
	echo "  FAILED  $distro $uname_r: $why (log: $log)" >&2
	exit 1
}
# verdict REASON: what the packages themselves say, which the same packages would say again.
verdict() {
	verdict=1
	fail "$@"
}
trap 'rm -rf "$dir"; exit 130' INT TERM HUP

rm -rf "$dir"
mkdir -p "$dir/root" || fail "cannot create $dir"
case $uname_m in
x86_64 | i?86) keep=x86 ;;
aarch64) keep="arm64 arm" ;;
s390x) keep=s390 ;;
ppc64le) keep=powerpc ;;
riscv64) keep=riscv ;;
*) keep=$uname_m ;;
esac
excludes="--exclude usr/share/doc/*"
for a in alpha arc arm arm64 csky hexagon ia64 loongarch m68k microblaze mips nios2 openrisc \
	parisc powerpc riscv s390 sh sparc um x86 xtensa; do
	case " $keep " in *" $a "*) continue ;; esac
	excludes="$excludes --exclude usr/src/*/arch/$a/*"
done
for pkg in "$@"; do
	if [ ! -f "$pkg" ]; then
		why=$(awk -F'\t' -v p="$pkg" '$1 == p { print $2; exit }' "${FP_RUN:?}/packages.failed" 2>/dev/null)
		fail "${why:-the package $pkg is not in the cache}"
	fi
	# shellcheck disable=SC2086 # the globs are for extract, not the shell
	(set -f && "$FP_BIN/extract" --quiet $excludes "$pkg" "$dir/root") >>"$log" 2>&1 ||
		fail "cannot extract $pkg"
done
root=$(cd "$dir/root" && pwd)
tree=$root/$kdir
[ -f "$tree/Makefile" ] || verdict "the packages hold no kernel build tree at $kdir"

fixup_args=
if [ -n "${FP_FIXUP:-}" ]; then
	fixup_args=$(sh "$FP_FIXUP" "$tree" "$root" 2>>"$log") || fail "$FP_FIXUP could not prepare $tree"
fi

uts_release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h" 2>/dev/null)
[ "$uts_release" = "$uname_r" ] || verdict "the headers' UTS_RELEASE is '$uts_release', not $uname_r"
# uname -v as the kernel prints it, where the headers say; else as far as the index tells.
uts_version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$tree/include/generated/utsversion.h" \
	"$tree/include/generated/compile.h" 2>/dev/null | head -n 1)
from=headers
if [ -z "$uts_version" ]; then
	uts_version=$uname_v from=index
	echo "note: $tree has no UTS_VERSION; uname -v '$uname_v' from the package index" >>"$log"
fi

# The compiler the kernel was built with (cc), and what named it (cc_from), the first of:
# - CONFIG_CC_VERSION_TEXT (Linux 5.8 and later), in kbuild's auto.conf or the generated
#   autoconf.h where a distribution ships only that (Debian's arch packages);
# - LINUX_COMPILER in include/generated/compile.h ("gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)");
# - CONFIG_GCC_VERSION (Linux 4.18 and later: 80500 is gcc 8.5.0);
# - the banner of the kernel image package (FP_IMAGE: its sha256, size and URL), downloaded into
#   the package cache only then (tools/kernel-banner).
# An image that cannot be had is a fault (cc_error), not a kernel without a compiler.
config() {
	{
		sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$tree/include/config/auto.conf" 2>/dev/null
		sed -n "s/^#define $1 \"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$tree/include/generated/autoconf.h" 2>/dev/null
	} | head -n 1
}
cc_text=$(config CONFIG_CC_VERSION_TEXT) cc_from=CONFIG_CC_VERSION_TEXT cc_error=
if [ -z "$cc_text" ]; then
	cc_text=$(sed -n 's/^#define LINUX_COMPILER "\(.*\)"$/\1/p' "$tree/include/generated/compile.h" 2>/dev/null | head -n 1)
	cc_from=compile.h
fi
if [ -z "$cc_text" ]; then
	n=$(config CONFIG_GCC_VERSION)
	case $n in
	[1-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9])
		cc_text="gcc version $((n / 10000)).$((n / 100 % 100)).$((n % 100))" cc_from=CONFIG_GCC_VERSION ;;
	esac
fi
if [ -z "$cc_text" ] && [ -n "${FP_IMAGE:-}" ]; then
	cc_from=image
	# shellcheck disable=SC2086 # three words: sha256, size, URL
	set -- $FP_IMAGE
	image=$FP_CACHE/packages/$1
	if ! "$FP_BIN/fetch" --quiet --retries "${FP_FETCH_RETRIES:-4}" --sha256 "$1" --size "$2" "$3" "$image" 2>>"$log"; then
		cc_error="cannot download the kernel image $3 to read its compiler: $(tail -n 1 "$log")"
	else
		# Only the image itself: the modules and firmware an image package may carry are left out.
		mkdir -p "$dir/image" &&
			"$FP_BIN/extract" --quiet --exclude 'lib/modules/*/kernel/*' --exclude 'lib/firmware/*' \
				--exclude 'usr/*' "$image" "$dir/image" >>"$log" 2>&1 ||
			fail "cannot extract the kernel image $image"
		vmlinuz=$(find "$dir/image" -type f \( -path '*/boot/vmlinuz-*' -o -path '*/lib/modules/*/vmlinuz' \) | head -n 1)
		[ -z "$vmlinuz" ] || cc_text=$("$FP_BIN/kernel-banner" --compiler "$vmlinuz" 2>>"$log")
		rm -rf "$dir/image"
	fi
fi
[ -n "$cc_text" ] || [ -n "$cc_error" ] || cc_from=

{
	echo "root=$root"
	echo "tree=$tree"
	echo "uname_r=$uts_release"
	echo "uname_v=$uts_version"
	echo "uname_v_from=$from"
	echo "cc=$cc_text"
	echo "cc_from=$cc_from"
	echo "cc_error=$cc_error"
	if [ -n "${FP_FIXUP:-}" ]; then
		echo "fixup=$FP_FIXUP $(sha256sum "$FP_FIXUP" | cut -d' ' -f1)"
		echo "fixup_args=$fixup_args"
	fi
	echo "log=$log"
} >"$dir/.tree.tmp" && touch -d @1 "$dir/.tree.tmp" && mv -f "$dir/.tree.tmp" "$dir/.tree" ||
	fail "cannot write $dir/.tree"
