#!/bin/sh
# Builds one probe: extracts a kernel's packages into a private work tree, checks that the
# headers are the kernel the probe will be named after, runs the driver's own kbuild with clang
# and llc, and publishes the object atomically. Called by the probe rules of mk/probe.mk:
#
#   build-probe.sh OUT OS_RELEASE UNAME_M UNAME_R KDIR DISTRO PACKAGE...
#
# Environment (set by mk/probe.mk): FP_BIN (tools), FP_DRIVER_DIR (configured driver tree),
# FP_DRIVER_VERSION, FP_RULES, FP_LAYOUT, FP_WORK (work root), FP_LOGS (log root), FP_RUN
# (records of this make run), FP_KEEP_GOING (1 under make -k), CLANG, LLC, FP_KBUILD_ARGS,
# FP_RECORDS (where each probe's record of its inputs goes), FP_DRIVER_TREE_SHA256,
# FP_DRIVER_SOURCE_SHA256, FP_TOOLCHAIN (the toolchain identity file), FP_FIXUP (a script that
# prepares the tree as the distribution's Falco loader does, printing extra kbuild arguments).
#
# The work tree is removed whatever happens, so disk use stays bounded by the number of jobs;
# a failure keeps its log at $FP_LOGS/<file name>.log and leaves no output file behind.
set -u
out=$1 os_release=$2 uname_m=$3 uname_r=$4 kdir=$5 distro=$6
shift 6
name=$(basename "$out")
log=$FP_LOGS/$name.log
work=$FP_WORK/$name
mkdir -p "$FP_LOGS" "$FP_RUN" "$(dirname "$out")"
start=$(date +%s.%N)
echo "  PROBE   $distro $uname_r -> $out"

fail() {
	echo "error: $*" >>"$log"
	rm -rf "$work" "$out.tmp"
	echo "$out" >>"$FP_RUN/$distro.failed"
	echo "  FAILED  $distro $uname_r: $* (log: $log)" >&2
	[ "${FP_KEEP_GOING:-}" = 1 ] && exit 0
	exit 1
}

rm -rf "$work"
mkdir -p "$work/root"
: >"$log"
# Header packages carry every architecture's headers (Debian's -common: a quarter of its files);
# the probe needs its own, and creating files is most of what extraction costs.
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
	# shellcheck disable=SC2086 # the globs are for extract, not the shell
	(set -f && "$FP_BIN/extract" --quiet $excludes "$pkg" "$work/root") >>"$log" 2>&1 ||
		fail "cannot extract $pkg"
done
root=$(cd "$work/root" && pwd)
tree=$root/$kdir
[ -f "$tree/Makefile" ] || fail "the packages hold no kernel build tree at $kdir"

# Debian and Ubuntu header trees include their shared half by its installed absolute path;
# point those includes into this work tree (never at the host's /usr/src).
# Ubuntu's flavour Makefile is a relative symlink into the shared tree: it is left be.
mf=$tree/Makefile
if [ ! -L "$mf" ] && grep -q '^include /' "$mf"; then
	sed -i "s#^include /#include $root/#" "$mf" || fail "cannot rewrite $mf"
fi

# The name was computed from the package index; the headers must agree with it exactly,
# or the probe would be published under a name a different kernel asks for.
rules_args=
[ -n "${FP_RULES:-}" ] && rules_args="--rules $FP_RULES"
[ -n "${FP_LAYOUT:-}" ] && rules_args="$rules_args --layout $FP_LAYOUT"
fixup_args=
if [ -n "${FP_FIXUP:-}" ]; then
	fixup_args=$(sh "$FP_FIXUP" "$tree" 2>>"$log") || fail "$FP_FIXUP could not prepare $tree"
fi

# The release is checked on its own too: from Falco 0.35 a Debian name carries the package
# version instead, and would not notice headers of another kernel.
uts_release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h" 2>/dev/null)
[ "$uts_release" = "$uname_r" ] || fail "the headers' UTS_RELEASE is '$uts_release', not $uname_r"
if grep -qs '^#define UTS_VERSION' "$tree/include/generated/utsversion.h" "$tree/include/generated/compile.h"; then
	identity=$("$FP_BIN/falco-name" --driver-version "$FP_DRIVER_VERSION" $rules_args \
		--os-release "$os_release" --uts-from "$tree" --uname-m "$uname_m" 2>>"$log") ||
		fail "cannot read the kernel's identity from $tree"
else
	# Some trees (Ubuntu's 6.x headers) carry UTS_RELEASE but no UTS_VERSION: the release is
	# still checked, and the kernel version is the index's, as the probe's name carries it.
	kversion=${name##*_}
	kversion=${kversion%.o}
	echo "note: $tree has no UTS_VERSION; kernel version $kversion from the package index" >>"$log"
	identity=$("$FP_BIN/falco-name" --driver-version "$FP_DRIVER_VERSION" $rules_args \
		--os-release "$os_release" --uname-r "$uts_release" --uname-v "#$kversion" --uname-m "$uname_m" 2>>"$log") ||
		fail "cannot name the kernel of $tree"
fi
tab=$(printf '\t')
IFS=$tab read -r target kernel_release kernel_version actual repo_path <<EOF
$identity
EOF
[ "$actual" = "$name" ] || fail "the headers name this kernel $actual, not $name"

# The driver's Makefile writes its objects next to its sources: give it a private copy.
cp -R "$FP_DRIVER_DIR" "$work/driver" || fail "cannot copy the driver tree"
bpf=$work/driver/bpf
[ -f "$bpf/Makefile" ] || fail "the driver tree has no bpf/Makefile"
work_abs=$(cd "$work" && pwd)
# Build paths must not reach the object: map the work tree to one fixed name, so the same
# inputs give the same bytes in any directory.
prefix_map="-ffile-prefix-map=$work_abs=/usr/src/falco-probes"
# Our own make's flags and command-line variables (V, CC, BUILD...) are no business of kbuild's.
(
	cd "$bpf" &&
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make -j1 KERNELDIR="$tree" CLANG="$CLANG $prefix_map" LLC="$LLC" ${FP_KBUILD_ARGS:-} $fixup_args
) >>"$log" 2>&1 || fail "kbuild failed"
[ -f "$bpf/probe.o" ] || fail "kbuild made no probe.o"
# An eBPF ELF object: ELF magic, and e_machine 247 (EM_BPF) in little-endian.
magic=$(od -An -tx1 -N20 "$bpf/probe.o" | tr -d ' \n')
case $magic in
7f454c46*f700) ;;
*) fail "probe.o is not an eBPF ELF object" ;;
esac
cp "$bpf/probe.o" "$out.tmp" && mv -f "$out.tmp" "$out" || fail "cannot write $out"
rm -rf "$work"

# What went in, so that the repository index can say how to rebuild and compare this probe.
record=$FP_RECORDS/$repo_path.rec
mkdir -p "$(dirname "$record")"
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
	echo "packages=$(for p in "$@"; do basename "$p"; done | tr '\n' ' ' | sed 's/ $//')"
	echo "driver_tree_sha256=${FP_DRIVER_TREE_SHA256:-}"
	echo "driver_source_sha256=${FP_DRIVER_SOURCE_SHA256:-}"
	echo "toolchain_sha256=$(sha256sum "$FP_TOOLCHAIN" | cut -d' ' -f1)"
	if [ -n "${FP_FIXUP:-}" ]; then
		echo "fixup=$FP_FIXUP $(sha256sum "$FP_FIXUP" | cut -d' ' -f1)"
		echo "fixup_args=$fixup_args"
	fi
} >"$record.tmp" && mv -f "$record.tmp" "$record" || fail "cannot write $record"
echo "$out" >>"$FP_RUN/$distro.built"
printf '  OK      %s %s (%ss)\n' "$distro" "$uname_r" "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
