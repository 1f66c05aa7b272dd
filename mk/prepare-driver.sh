#!/bin/sh
# Prepares a configured Falco driver tree (a directory with bpf/ and driver_config.h) once, and
# writes ROOT.mk naming it for mk/driver.mk:
#
#   prepare-driver.sh upstream    ROOT DRIVER_VERSION ARCHIVE_URL DOWNLOAD_DIR
#   prepare-driver.sh local       ROOT PATH   (a driver tree, a libs checkout, or an archive,
#                                             such as Debian's signed falcosecurity-scap-dkms)
#
# The tree's identity is the SHA-256 of its file names and contents (ROOT.sha256), which
# every probe depends on; the file is rewritten only when that identity changes.
set -eu
mode=$1 root=$2
version=${FP_DRIVER_VERSION:-}
shift 2
bin=${FP_BIN:?}
rm -rf "$root.new"
mkdir -p "$root.new/unpacked"

die() {
	echo "prepare-driver: $*" >&2
	rm -rf "$root.new"
	exit 1
}

source_sha=
case $mode in
upstream)
	version=$1 url=$2 downloads=$3
	mkdir -p "$downloads"
	archive=$downloads/libs-$(echo "$version" | tr '+/' '__').tar.gz
	"$bin/fetch" --quiet "$url" "$archive" || die "cannot download the driver source $url"
	source_sha=$(sha256sum "$archive" | cut -d' ' -f1)
	"$bin/extract" --quiet "$archive" "$root.new/unpacked" || die "cannot unpack $archive"
	;;
local)
	src=$1
	if [ -d "$src" ]; then
		cp -R "$src/." "$root.new/unpacked/" || die "cannot copy $src"
	elif [ -f "$src" ]; then
		source_sha=$(sha256sum "$src" | cut -d' ' -f1)
		"$bin/extract" --quiet "$src" "$root.new/unpacked" || die "cannot unpack $src"
	else
		die "DRIVER_SOURCE=$src is neither a directory nor an archive"
	fi
	;;
*)
	die "unknown mode $mode"
	;;
esac

# Find the driver: a configured tree has driver_config.h beside bpf/ (Debian's dkms tree under
# usr/src/scap-*/); a libs tree has driver/bpf and driver_config.h.in, and is configured first.
tree=
for d in $(find "$root.new/unpacked" -type d -name bpf | sort); do
	parent=$(dirname "$d")
	if [ -f "$parent/driver_config.h" ] && [ -f "$d/Makefile" ]; then
		tree=$parent
		break
	fi
done
if [ -z "$tree" ]; then
	libs=$(find "$root.new/unpacked" -maxdepth 3 -type f -path '*/driver/CMakeLists.txt' | head -n 1)
	[ -n "$libs" ] || die "no Falco driver (bpf/ with driver_config.h, or a libs tree) in the source"
	libs=$(dirname "$(dirname "$libs")")
	# Configure the driver as upstream's cmake does: driver/bpf/CMakeLists.txt writes
	# driver_config.h from driver_config.h.in beside bpf/ in the source tree. The driver
	# directory is a cmake project of its own in current libs; configuring only it needs none
	# of libscap's dependencies.
	cmake -S "$libs/driver" -B "$root.new/cmake" ${version:+-DDRIVER_VERSION=$version} \
		-DCMAKE_MODULE_PATH="$libs/cmake/modules" -DBUILD_BPF=ON -DBUILD_DRIVER=OFF \
		-DENABLE_DKMS=OFF >"$root.new/cmake.log" 2>&1 ||
		die "cmake could not configure $libs/driver (log: $root.new/cmake.log)"
	[ -f "$libs/driver/driver_config.h" ] || die "cmake wrote no driver/driver_config.h"
	tree=$libs/driver
fi

declared=$(sed -n 's/^#define DRIVER_VERSION "\(.*\)"/\1/p' "$tree/driver_config.h" | head -n 1)
[ -n "$declared" ] || die "$tree/driver_config.h declares no DRIVER_VERSION"

mv "$tree" "$root.new/tree"
rm -rf "$root.new/unpacked"
tree_sha=$(cd "$root.new/tree" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)

rm -rf "$root"
mkdir -p "$root"
mv "$root.new/tree" "$root/tree"
rm -rf "$root.new"
echo "$tree_sha" >"$root.sha256.tmp"
if cmp -s "$root.sha256.tmp" "$root.sha256" 2>/dev/null; then
	rm -f "$root.sha256.tmp"
else
	mv -f "$root.sha256.tmp" "$root.sha256"
fi
cat >"$root.mk.tmp" <<EOF
# Written by mk/prepare-driver.sh: the configured driver tree of DRIVER_SOURCE.
DRIVER_DIR := $root/tree
DRIVER_STAMP := $root.sha256
DRIVER_TREE_VERSION := $declared
DRIVER_TREE_SHA256 := $tree_sha
DRIVER_SOURCE_SHA256 := $source_sha
EOF
mv -f "$root.mk.tmp" "$root.mk"

