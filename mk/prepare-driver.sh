#!/bin/sh
# Prepares a Falco driver source once for every output of its driver version (mk/driver.mk):
#
#   prepare-driver.sh upstream DIR DRIVER_VERSION URL TREE_SHA256 DOWNLOADS
#       falcosecurity/libs at DRIVER_VERSION: its archive from URL (kept in DOWNLOADS), whose
#       content must be TREE_SHA256 (the files of driver/ less driver/modern_bpf/, and of
#       cmake/modules/, as tools/falconame.c defines the pin; GitHub does not keep an archive's
#       bytes stable, so the bytes are not pinned), configured as upstream's build does
#   prepare-driver.sh local DIR PATH
#       a driver source of one's own: a configured driver tree (bpf/ beside driver_config.h, as
#       Debian's falcosecurity-scap-dkms has it), a libs checkout, or an archive of either; also
#       writes DIR.mk, which names its declared driver version for make
#
# DIR then holds bpf-unit/ (make -C bpf-unit/bpf KERNELDIR=<headers> builds the legacy probe;
# absent where the driver has none) and kmod/ (make -C <headers> M=kmod builds the module; a tree
# of one's own builds both from one directory), and DIR/.prepared their facts (driver_version,
# module, kmod_dir, kinds, tree_sha256, source_sha256).
# DIR.sha256 is the SHA-256 of those units, rewritten only when it changes: every output of
# the driver version depends on it.
#
# A libs tree is configured by cmake on driver/ alone, as driverkit and the loaders' DKMS trees
# have it: the module and device named falco, the version and commit DRIVER_VERSION (no git
# repository around may lend its HEAD). Trees up to 7.0.0 build their probe in the DKMS layout
# (the module's sources with bpf/ beside them); from 7.2.0 cmake writes a self-contained
# bpf/src. The two oldest trees need upstream's own fix for kernels >= 5.11 (libs 214113d:
# always-y). Under make -k (FP_KEEP_GOING=1) a failure leaves DIR/error, for the outputs to
# report, and succeeds; the next run tries again.
set -eu
here=$(dirname "$0")
. "$here/lib.sh"
mode=$1 dir=$2
shift 2
bin=${FP_BIN:?}
new=$dir.new
rm -rf "$new"
mkdir -p "$new"

fail() {
	rm -rf "$new"
	if [ "${FP_KEEP_GOING:-}" = 1 ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		printf '%s\n' "$*" >"$dir/error"
		echo "prepare-driver: $*" >&2
		exit 0
	fi
	die "$*"
}
trap 'rm -rf "$new"; exit 130' INT TERM HUP

# content_hash DIR: the pin's hash of a libs tree (see tools/falconame.c).
content_hash() {
	(cd "$1" && find driver cmake/modules -type f ! -path 'driver/modern_bpf/*' | LC_ALL=C sort |
		xargs -d '\n' sha256sum | sha256sum | cut -d' ' -f1)
}

# unit_hash DIR...: names and contents of the units, which the outputs are built from (a
# symbolic link by its target).
unit_hash() {
	(cd "$new" && {
		find "$@" -type f | LC_ALL=C sort | xargs -r -d '\n' sha256sum
		find "$@" -type l | LC_ALL=C sort | while read -r l; do echo "link $l $(readlink "$l")"; done
	} | sha256sum | cut -d' ' -f1)
}

# unpack ARCHIVE: its one top directory (or itself, when it has several) as $new/src.
unpack() {
	"$bin/extract" --quiet "$1" "$new/unpacked" 2>"$new/extract.err" || fail "cannot unpack $1: $(cat "$new/extract.err")"
	set -- "$new"/unpacked/*
	if [ $# -eq 1 ] && [ -d "$1" ]; then
		mv "$1" "$new/src"
		rmdir "$new/unpacked"
	else
		mv "$new/unpacked" "$new/src"
	fi
}

# configure_libs VERSION: $new/src (a libs tree) into $new/kmod and $new/bpf-unit.
configure_libs() {
	version=$1 s=$(cd "$new/src" && pwd)
	b=$(cd "$new" && pwd)/cmake
	modules=
	[ ! -f "$s/cmake/modules/compute_versions.cmake" ] || modules=-DCMAKE_MODULE_PATH=$s/cmake/modules
	# shellcheck disable=SC2086 # modules is one word or none
	GIT_DIR=/nonexistent GIT_CEILING_DIRECTORIES=/ cmake -Wno-dev -S "$s/driver" -B "$b" $modules \
		-DDRIVER_NAME=falco -DDRIVER_DEVICE_NAME=falco -DDRIVER_VERSION="$version" -DDRIVER_PACKAGE_NAME=falco \
		-DPROBE_NAME=falco -DPROBE_DEVICE_NAME=falco -DPROBE_VERSION="$version" -DPACKAGE_NAME=falco \
		-DGIT_COMMIT="$version" -DBUILD_BPF=ON -DENABLE_DKMS=OFF >"$new/cmake.log" 2>&1 ||
		fail "cmake could not configure $version's driver/ (log: $new/cmake.log): $(tail -n 3 "$new/cmake.log")"
	[ -f "$b/src/Makefile" ] || fail "cmake wrote no module Makefile for $version"
	# Trees before 7.0.0 leave the commit out of driver_config.h whatever they are given.
	for f in "$b/src/driver_config.h" "$s/driver/driver_config.h"; do
		[ ! -f "$f" ] || sed -i "s/^#define DRIVER_COMMIT \"\"\$/#define DRIVER_COMMIT \"$version\"/" "$f"
	done
	cp -R "$b/src" "$new/kmod"
	if [ -d "$b/bpf/src" ]; then
		mkdir -p "$new/bpf-unit"
		cp -R "$b/bpf/src" "$new/bpf-unit/bpf"
	elif [ -d "$s/driver/bpf" ]; then
		cp -R "$b/src" "$new/bpf-unit"
		mkdir -p "$new/bpf-unit/bpf"
		for f in "$s/driver/bpf"/*; do
			[ "${f##*/}" = CMakeLists.txt ] || cp -R "$f" "$new/bpf-unit/bpf/"
		done
		sed -i 's/^always += probe\.o$/always-y += probe.o\n# kernels before 5.11\nalways = $(always-y)/' \
			"$new/bpf-unit/bpf/Makefile"
	fi
	rm -rf "$b"
}

source_sha= tree_sha= kmod_dir=kmod
case $mode in
upstream)
	version=$1 url=$2 pin=$3 downloads=$4
	mkdir -p "$downloads"
	archive=$downloads/libs-$(printf '%s' "$version" | tr '+/' '__').tar.gz
	"$bin/fetch" --quiet "$url" "$archive" 2>"$new/fetch.err" ||
		fail "cannot download driver version $version from $url: $(cat "$new/fetch.err")"
	source_sha=$(sha256sum "$archive" | cut -d' ' -f1)
	unpack "$archive"
	tree_sha=$(content_hash "$new/src") || fail "cannot hash $version's source"
	if [ "$tree_sha" != "$pin" ]; then
		rm -f "$archive"
		fail "driver version $version: $url holds other sources (content $tree_sha, the table pins $pin): refusing it"
	fi
	configure_libs "$version"
	declared=$version
	;;
local)
	src=$1
	if [ -d "$src" ]; then
		mkdir -p "$new/src" && cp -R "$src/." "$new/src/" || fail "cannot copy $src"
	elif [ -f "$src" ]; then
		source_sha=$(sha256sum "$src" | cut -d' ' -f1)
		unpack "$src"
	else
		fail "DRIVER_SOURCE=$src is neither a directory nor an archive"
	fi
	# A configured tree has driver_config.h beside bpf/ (Debian's dkms tree under
	# usr/src/scap-*/); a libs tree has driver/CMakeLists.txt and is configured first.
	tree=
	for d in $(find "$new/src" -type d -name bpf | sort); do
		parent=$(dirname "$d")
		if [ -f "$parent/driver_config.h" ] && [ -f "$d/Makefile" ]; then
			tree=$parent
			break
		fi
	done
	if [ -n "$tree" ]; then
		mv "$tree" "$new/bpf-unit"
		# The module is built from the same tree (Debian's dkms tree has its kbuild Makefile).
		kmod_dir=bpf-unit
		config=$new/bpf-unit/driver_config.h
	else
		libs=$(find "$new/src" -maxdepth 3 -type f -path '*/driver/CMakeLists.txt' | head -n 1)
		[ -n "$libs" ] || fail "no Falco driver (bpf/ with driver_config.h, or a libs tree) in $src"
		libs=$(dirname "$(dirname "$libs")")
		[ "$libs" = "$new/src" ] || { mv "$libs" "$new/libs" && rm -rf "$new/src" && mv "$new/libs" "$new/src"; }
		[ -n "${FP_DRIVER_VERSION:-}" ] || fail "$src is a libs tree: DRIVER_VERSION names the version to configure it as"
		configure_libs "$FP_DRIVER_VERSION"
		config=$new/kmod/driver_config.h
	fi
	# Old trees declare PROBE_VERSION, later ones DRIVER_VERSION.
	declared=$(sed -n 's/^#define \(DRIVER\|PROBE\)_VERSION "\(.*\)"/\2/p' "$config" | head -n 1)
	[ -n "$declared" ] || fail "$config declares no DRIVER_VERSION (or PROBE_VERSION)"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
rm -rf "$new/src" "$new/unpacked"

units=
[ ! -d "$new/bpf-unit" ] || units=bpf-unit
[ ! -d "$new/kmod" ] || units="$units kmod"
# shellcheck disable=SC2086 # the units are words of our own
unit_sha=$(unit_hash $units)
module=$(sed -n 's/^obj-m *+= *\([^ ]*\)\.o$/\1/p' "$new/$kmod_dir/Makefile" 2>/dev/null | head -n 1)
kinds=
[ ! -f "$new/bpf-unit/bpf/Makefile" ] || kinds=bpf
[ -z "$module" ] || kinds="${kinds:+$kinds }kmod"
rm -f "$new"/*.log "$new"/*.err
rm -rf "$dir"
mv "$new" "$dir"
printf '%s\n' "$unit_sha" >"$dir.sha256.tmp"
replace_if_changed "$dir.sha256.tmp" "$dir.sha256"
{
	echo "driver_version=$declared"
	echo "module=$module"
	echo "kmod_dir=$kmod_dir"
	echo "kinds=$kinds"
	echo "tree_sha256=${tree_sha:-$unit_sha}"
	echo "source_sha256=$source_sha"
} >"$dir/.prepared.tmp" && mv -f "$dir/.prepared.tmp" "$dir/.prepared"
if [ "$mode" = local ]; then
	cat >"$dir.mk.tmp" <<EOF
# Written by mk/prepare-driver.sh: the driver source of DRIVER_SOURCE.
DRIVER_TREE_VERSION := $declared
DRIVER_TREE_KINDS := $kinds
DRIVER_TREE_SHA256 := ${tree_sha:-$unit_sha}
DRIVER_SOURCE_SHA256 := $source_sha
EOF
	mv -f "$dir.mk.tmp" "$dir.mk"
fi
