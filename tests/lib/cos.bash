# Helpers for tests/cos.bats: a COS artifact bucket made from real Debian kernel packages.
#
# The cos-tools bucket is not reachable from the tests, so its layout is rebuilt here from the
# real packages of this machine's Debian mirror, the way COS's kernel ebuild packs them:
#
#   cos_make_headers DEBROOT RELEASE UTS_VERSION OUT
#       DEBROOT holds the extracted linux-headers-<abi>-amd64, linux-headers-<abi>-common and
#       linux-kbuild-<x.y> packages. OUT becomes a kernel-headers.tgz: `tar -czf OUT .` of
#       ./usr/src/linux-headers-RELEASE/, one merged, prepared tree (builddeb style, as COS's
#       tar_kernel_headers makes it) whose utsrelease.h and kernel.release say RELEASE and whose
#       utsversion.h says UTS_VERSION.
#   cos_make_source SOURCE_TREE CONFIG OUT
#       OUT becomes a kernel-src.tar.gz: `tar -czf OUT .` of the source tree (as COS's
#       tar_kernel_source makes it), with CONFIG as arch/x86/configs/lakitu_defconfig, where
#       COS's kernel repository keeps its configuration.
#   cos_debian_packages BUILD CACHE
#       Lists bookworm's kernels through the pipeline (make in BUILD/CACHE, the mirror from apt's
#       sources) and fetches, pinned to their hashes, the newest amd64 kernel's header packages
#       and the linux-source package of the same version. Sets DEB_RELEASE (6.1.0-N-amd64),
#       DEB_VERSION (its package version), DEB_HEADERS (the three package files) and
#       DEB_SOURCE (the linux-source package file; empty when the mirror's newest linux-source is
#       of another version). Returns 1 when apt names no bookworm mirror.

cos_make_headers() {
	local deb=$1 release=$2 uts_version=$3 out=$4
	local arch common kbuild stage dst
	arch=$(find "$deb/usr/src" -maxdepth 1 -name 'linux-headers-*-amd64' | head -n 1)
	common=${arch%-amd64}-common
	kbuild=$(find "$deb/usr/lib" -maxdepth 1 -name 'linux-kbuild-*' | head -n 1)
	if [ ! -d "$arch" ] || [ ! -d "$common" ] || [ ! -d "$kbuild" ]; then
		echo "cos_make_headers: $deb lacks the Debian headers packages" >&2
		return 1
	fi
	stage=$(mktemp -d)
	dst=$stage/usr/src/linux-headers-$release
	mkdir -p "$dst"
	# Debian splits one tree in three (the arch half includes the common half by absolute path,
	# both link scripts/ and tools/ to linux-kbuild): put it back together.
	(cd "$common" && tar -cf - --exclude=./scripts --exclude=./tools .) | tar -xf - -C "$dst"
	(cd "$arch" && tar -cf - --exclude=./Makefile --exclude=./.kernelvariables --exclude=./scripts --exclude=./tools .) |
		tar -xf - -C "$dst"
	cp -a "$kbuild/scripts" "$kbuild/tools" "$dst/"
	printf '#define UTS_RELEASE "%s"\n' "$release" >"$dst/include/generated/utsrelease.h"
	printf '%s\n' "$release" >"$dst/include/config/kernel.release"
	printf '#define UTS_VERSION "%s"\n' "$uts_version" >"$dst/include/generated/utsversion.h"
	(cd "$stage" && tar -czf - .) >"$out.tmp" && mv "$out.tmp" "$out"
	local rc=$?
	rm -rf "$stage"
	return $rc
}

cos_make_source() {
	local tree=$1 config=$2 out=$3
	mkdir -p "$tree/arch/x86/configs"
	cp "$config" "$tree/arch/x86/configs/lakitu_defconfig"
	# gzip -1: the fixture's compression level is nobody's business, its time is the test's.
	(cd "$tree" && tar -cf - .) | gzip -1 >"$out.tmp" && mv "$out.tmp" "$out"
}

cos_debian_packages() {
	local build=$1 cache=$2 top=${FP_TOP:?}
	local mirror security
	mirror=$(sh "$top/mk/apt-mirror.sh" '^bookworm$')
	security=$(sh "$top/mk/apt-mirror.sh" 'bookworm-security$')
	[ -n "$mirror" ] || return 1
	fp_make "$build/.." -s BUILD="$build" CACHE="$cache" DIST="$build/dist" KERNELS="$build/kernels" \
		MIRROR_debian="$mirror" MIRROR_debian_security="${security:-$mirror}" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-updates|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12" \
		"$build/listing/debian.stamp" >&2 || return 2
	local listing=$build/listing/debian.tsv line
	DEB_RELEASE=$(awk -F'\t' '$3 ~ /^[0-9.]+-[0-9]+-amd64$/ { print $3 }' "$listing" | sort -V | tail -n 1)
	line=$(awk -F'\t' -v r="$DEB_RELEASE" '$3 == r' "$listing" | head -n 1)
	DEB_VERSION=$(echo "$line" | cut -f4 | sed -n 's/.*Debian \([^ ]*\).*/\1/p')
	[ -n "$DEB_RELEASE" ] && [ -n "$DEB_VERSION" ] || return 2
	DEB_HEADERS=
	mkdir -p "$cache/packages"
	local pkg url rest sha size
	for pkg in $(echo "$line" | cut -f6); do
		url=${pkg%%|*} rest=${pkg#*|}
		sha=${rest%%|*} size=${rest#*|}
		url=$(echo "$url" | sed "s#^\$(MIRROR_debian_security)#${security:-$mirror}#; s#^\$(MIRROR_debian)#$mirror#")
		"$FP_BIN/fetch" --quiet --sha256 "$sha" --size "$size" "$url" "$cache/packages/$sha" || return 2
		DEB_HEADERS="$DEB_HEADERS $cache/packages/$sha"
	done
	# linux-source-<x.y> of the same version, from the same signed indexes the listing read.
	local args='' s m path found
	for s in bookworm bookworm-updates bookworm-security; do
		m=$mirror
		[ "$s" = bookworm-security ] && m=${security:-$mirror}
		# The verified indexes of each suite: sha256, size, URL, path under dists/<suite>/...
		while read -r sha size _ path _; do
			case $path in main/binary-*) args="$args --index - $m $cache/by-hash/$sha" ;; esac
		done <"$build/sources/debian/$s.indexes"
	done
	local major_minor
	major_minor=$(echo "$DEB_RELEASE" | cut -d. -f1,2)
	# shellcheck disable=SC2086
	found=$("$FP_BIN/deb-index" --package "linux-source-$major_minor" $args) || return 2
	# shellcheck disable=SC2086 # url sha256 size version
	set -- $found
	DEB_SOURCE=
	if [ "$4" != "$DEB_VERSION" ]; then
		echo "cos_debian_packages: linux-source-$major_minor is $4, the headers $DEB_VERSION: no source" >&2
		return 0
	fi
	"$FP_BIN/fetch" --quiet --sha256 "$2" --size "$3" "$1" "$cache/packages/$2" || return 2
	# shellcheck disable=SC2034 # for the caller
	DEB_SOURCE=$cache/packages/$2
}
