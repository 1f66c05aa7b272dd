#!/bin/sh
# Builds one output of a kernel from the kernel's work tree (mk/kernel-tree.sh made it, once for
# all of its outputs), checks it, and publishes it atomically. Called by the rules of
# kernels/<driver version>/<distro>.mk (mk/outputs.mk):
#
#   build-output.sh OUT DISTRO/KERNEL_ID KIND RELEASE
#   build-output.sh --copy SOURCE OUT DISTRO/KERNEL_ID RELEASE
#
# KIND is bpf (the legacy eBPF probe, built by the driver's own kbuild with clang and llc).
# The name is computed again from what the headers say, by RELEASE's rules (FP_RULES, FP_LAYOUT
# for a custom driver source), and must be OUT's: a probe must never be published under a name
# that another kernel asks for. --copy publishes SOURCE's bytes under another release's name.
#
# Environment (mk/outputs.mk): FP_BIN (tools), FP_WORK (the run's work trees), FP_IDS (kernel
# identities), FP_DRIVER_DIR (the configured driver tree), FP_DRIVER_VERSION, FP_RULES,
# FP_LAYOUT, FP_LOGS, FP_RUN (this run's records of what it built and what failed),
# FP_KEEP_GOING (1 under make -k), CLANG, LLC, FP_KBUILD_ARGS, FP_RECORDS, FP_TOOLCHAIN,
# FP_DRIVER_TREE_SHA256, FP_DRIVER_SOURCE_SHA256.
#
# A failure keeps its log at FP_LOGS/<repository path>.log and leaves no output file behind.
set -u
. "$(dirname "$0")/lib.sh"

record() {
	# What went in, so that the repository index can say how to rebuild and compare it.
	rec=$FP_RECORDS/$repo_path.rec
	mkdir -p "$(dirname "$rec")"
	{
		echo "probe=$repo_path"
		echo "distro=$distro"
		echo "target=$target"
		echo "kernel_release=$kernel_release"
		echo "kernel_version=$kernel_version"
		echo "uname_r=$uname_r"
		echo "arch=$uname_m"
		echo "driver_version=$FP_DRIVER_VERSION"
		echo "sha256=$(sha256sum "$out" | cut -d' ' -f1)"
		echo "size=$(wc -c <"$out" | tr -d ' ')"
		echo "packages=$(sed -n 's/^packages=//p' "$id_file")"
		echo "driver_tree_sha256=${FP_DRIVER_TREE_SHA256:-}"
		echo "driver_source_sha256=${FP_DRIVER_SOURCE_SHA256:-}"
		echo "toolchain_sha256=$(sha256sum "$FP_TOOLCHAIN" | cut -d' ' -f1)"
		fixup=$(fact fixup)
		if [ -n "$fixup" ]; then
			echo "fixup=$fixup"
			echo "fixup_args=$(fact fixup_args)"
		fi
	} >"$rec.tmp" && mv -f "$rec.tmp" "$rec" || fail "cannot write $rec"
	echo "$out" >>"$FP_RUN/$distro.built"
}

copy=
if [ "$1" = --copy ]; then
	copy=$2
	shift 2
	set -- "$1" "$2" - "$3"
fi
out=$1 kernel=$2 kind=$3 release=$4
distro=${kernel%%/*} kid=${kernel#*/}
name=$(basename "$out")
repo_path=${out#"${FP_DIST:?}/"}
log=$FP_LOGS/$repo_path.log
work=$FP_WORK/$kernel
id_file=$FP_IDS/$kernel.id
mkdir -p "$(dirname "$log")" "$FP_RUN" "$(dirname "$out")"
fact() { sed -n "s/^$1=//p" "$work/.tree" 2>/dev/null; }
uname_m=$(sed -n 's/^uname_m=//p' "$id_file")
uname_r=$(sed -n 's/^uname_r=//p' "$id_file")

fail() {
	echo "error: $*" >>"$log"
	rm -rf "${build:-}" "$out.tmp"
	echo "$out" >>"$FP_RUN/$distro.failed"
	echo "  FAILED  $distro $uname_r: $* (log: $log)" >&2
	[ "${FP_KEEP_GOING:-}" = 1 ] && exit 0
	exit 1
}
build=
trap 'rm -rf "${build:-}" "$out.tmp"; exit 130' INT TERM HUP

if [ -n "$copy" ]; then
	: >"$log"
	src_rec=$FP_RECORDS/${copy#"$FP_DIST/"}.rec
	[ -f "$src_rec" ] || fail "$copy has no record"
	cp "$copy" "$out.tmp" && mv -f "$out.tmp" "$out" || fail "cannot write $out"
	rec=$FP_RECORDS/$repo_path.rec
	mkdir -p "$(dirname "$rec")"
	sed "s|^probe=.*|probe=$repo_path|" "$src_rec" >"$rec.tmp" && mv -f "$rec.tmp" "$rec" || fail "cannot write $rec"
	echo "$out" >>"$FP_RUN/$distro.built"
	exit 0
fi

: >"$log"
[ -f "$work/.tree" ] || fail "no work tree at $work"
err=$(fact error)
[ -z "$err" ] || fail "$err (the kernel's log: $(fact log))"
tree=$(fact tree)
os_release=$(sed -n 's/^os_release=//p' "$id_file")

# The name was computed from the package index; the headers must agree with it exactly.
rules_args=
[ -n "${FP_RULES:-}" ] && rules_args="--rules $FP_RULES"
[ -n "${FP_LAYOUT:-}" ] && rules_args="$rules_args --layout $FP_LAYOUT"
# shellcheck disable=SC2086 # the arguments are words of our own
identity=$("$FP_BIN/falco-name" --driver-version "$FP_DRIVER_VERSION" $rules_args --os-release "$os_release" \
	--uname-r "$(fact uname_r)" --uname-v "$(fact uname_v)" --uname-m "$uname_m" 2>>"$log") ||
	fail "cannot name the kernel of $tree"
tab=$(printf '\t')
IFS=$tab read -r target kernel_release kernel_version actual _ <<EOF
$identity
EOF
[ "$actual" = "$name" ] || fail "the headers name this kernel $actual, not $name"

# The driver's Makefile writes its objects next to its sources: a private copy per output.
build=$work/build-$FP_DRIVER_VERSION-$kind
rm -rf "$build"
cp -R "${FP_DRIVER_DIR:?}" "$build" || fail "cannot copy the driver tree"
bpf=$build/bpf
[ -f "$bpf/Makefile" ] || fail "the driver tree has no bpf/Makefile"
work_abs=$(cd "$work" && pwd)
# Build paths must not reach the object: the kernel's work tree (its headers and this copy) maps
# to one fixed name, so the same inputs give the same bytes in any directory.
prefix_map="-ffile-prefix-map=$work_abs=/usr/src/falco-probes"
# Our own make's flags and command-line variables (V, CC, BUILD...) are no business of kbuild's.
# shellcheck disable=SC2046,SC2086 # the kbuild arguments are words
(
	cd "$bpf" &&
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make -j1 KERNELDIR="$tree" \
			CLANG="$CLANG $prefix_map" LLC="$LLC" ${FP_KBUILD_ARGS:-} $(fact fixup_args)
) >>"$log" 2>&1 || fail "kbuild failed"
[ -f "$bpf/probe.o" ] || fail "kbuild made no probe.o"
# An eBPF ELF object: ELF magic, and e_machine 247 (EM_BPF) in little-endian.
magic=$(od -An -tx1 -N20 "$bpf/probe.o" | tr -d ' \n')
case $magic in
7f454c46*f700) ;;
*) fail "probe.o is not an eBPF ELF object" ;;
esac
cp "$bpf/probe.o" "$out.tmp" && mv -f "$out.tmp" "$out" || fail "cannot write $out"
rm -rf "$build"
record
