#!/bin/sh
# COS's preparation of an extracted kernel tree before its probe is built: what Falco's driver
# loader does on a COS host, so that the probe is the one the host would build. Run by
# mk/kernel-tree.sh as cos_FIXUP on the kernel's work tree:
#
#   cos-fixup.sh TREE [ROOT]     prepares TREE; prints extra kbuild arguments on stdout
#   cos-fixup.sh --source-conventions
#                                prints the defconfig path and LOCALVERSION a source tree is
#                                prepared with (mk/cos-build.sh names the release by them)
#
# 1. A source tree (kernel-src.tar.gz, for builds without a headers archive) is prepared as the
#    loader prepares sources: its .config, or else the configuration COS's kernel repository
#    keeps (arch/x86/configs/lakitu_defconfig), then `make olddefconfig modules_prepare`, with
#    LOCALVERSION=+ since COS kernels print their release with a '+' (built from git, not at a
#    tag). Such a tree has no UTS_VERSION (the kernel writes it when linking vmlinux); only its
#    build number can be known, and init/build-version's rule gives it: .version + 1, or 1.
# 2. The loader deletes the randomized_struct_fields_start/end definitions of
#    include/linux/compiler-clang.h (older COS kernels define them for clang only).
# 3. The loader defines COS_73_WORKAROUND (for build ids above 11553.0.0: every milestone from
#    73) because COS kernels used to move loginuid into task_struct's `struct audit_task_info
#    *audit`; the probe reads that member when it is defined. The build id rule is true for every
#    build we list, but a kernel without the member cannot compile with it, so the define is
#    given where the headers declare the member, as driverkit decides it.
# Logs go to stderr.
set -eu

DEFCONFIG=arch/x86/configs/lakitu_defconfig
LOCALVERSION=+

if [ "${1:-}" = --source-conventions ]; then
	echo "$DEFCONFIG $LOCALVERSION"
	exit 0
fi
[ $# -eq 1 ] || [ $# -eq 2 ] || {
	echo "usage: cos-fixup.sh TREE [ROOT] | --source-conventions" >&2
	exit 2
}
tree=$1
die() {
	echo "cos-fixup: $*" >&2
	exit 1
}
[ -f "$tree/Makefile" ] || die "$tree has no Makefile"

if [ ! -f "$tree/include/generated/utsrelease.h" ]; then
	[ -f "$tree/Kconfig" ] || die "$tree is neither a prepared kernel tree nor a kernel source tree"
	if [ ! -f "$tree/.config" ]; then
		[ -f "$tree/$DEFCONFIG" ] || die "$tree has neither .config nor $DEFCONFIG"
		cp "$tree/$DEFCONFIG" "$tree/.config"
	fi
	# The configuration was made for a compiler; keep its choice where it was clang.
	cc=
	grep -q '^CONFIG_CC_IS_CLANG=y' "$tree/.config" && cc="CC=${CLANG:-clang}"
	echo "cos-fixup: preparing the source tree: make olddefconfig modules_prepare LOCALVERSION=$LOCALVERSION $cc" >&2
	jobs=$(nproc 2>/dev/null || echo 1)
	# shellcheck disable=SC2086
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -C "$tree" -s LOCALVERSION="$LOCALVERSION" $cc olddefconfig >&2 ||
		die "make olddefconfig failed"
	# shellcheck disable=SC2086
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -C "$tree" -s -j"$jobs" LOCALVERSION="$LOCALVERSION" $cc modules_prepare >&2 ||
		die "make modules_prepare failed"
	[ -f "$tree/include/generated/utsrelease.h" ] || die "modules_prepare wrote no utsrelease.h"
	if ! grep -qs '^#define UTS_VERSION ' "$tree/include/generated/utsversion.h" "$tree/include/generated/compile.h"; then
		prev=$(cat "$tree/.version" 2>/dev/null) || prev=
		case $prev in
		'' | *[!0-9]*) build=1 ;;
		*) build=$((prev + 1)) ;;
		esac
		printf '/* Written by mk/cos-fixup.sh: a source tree knows its build number only. */\n#define UTS_VERSION "#%s"\n' \
			"$build" >"$tree/include/generated/utsversion.h"
	fi
fi

clang_h=$tree/include/linux/compiler-clang.h
if [ -f "$clang_h" ] && grep -q '^#define randomized_struct_fields_\(start\|end\)' "$clang_h"; then
	echo "cos-fixup: deleting randomized_struct_fields_start/end from include/linux/compiler-clang.h" >&2
	tab=$(printf '\t')
	sed -i "/^#define randomized_struct_fields_start${tab}struct {\$/d; /^#define randomized_struct_fields_end${tab}};\$/d" "$clang_h"
fi

if grep -Eqs '^[[:space:]]*struct[[:space:]]+audit_task_info[[:space:]]+\*audit;[[:space:]]*$' "$tree/include/linux/sched.h"; then
	echo "cos-fixup: task_struct has struct audit_task_info *audit: defining COS_73_WORKAROUND" >&2
	echo "KBUILD_EXTRA_CPPFLAGS=-DCOS_73_WORKAROUND"
fi
exit 0
