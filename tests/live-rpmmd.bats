#!/usr/bin/env bats
# Live: a real probe through the rpm path. Amazon Linux's mirrors are not reachable here, so the
# real kernel headers of the newest bookworm amd64 kernel that this machine's apt mirror lists
# (never a hard-coded ABI) are packaged as an Amazon Linux 2 kernel-devel rpm, indexed by
# createrepo_c in a tree laid out as Amazon Linux 2's CDN (mirror.list, GUID, blobstore), served
# on 127.0.0.1, and the probe is built by `make dist/<dv>/x86_64/falco_amazonlinux2_...o` with
# the real driver (Debian's falcosecurity-scap-dkms) and the real compiler.
#
# Shares FP_LIVE_DIR (default build/live) with tests/live-debian.bats: the Debian indexes,
# packages and driver fetched once serve both.

# shellcheck source=tests/lib/rpmrepo.bash
source "$BATS_TEST_DIRNAME/lib/rpmrepo.bash"

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	mkdir -p "$LIVE"
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	export MAKEARGS="-C $TOP --no-print-directory SAN=1 BIN=${FP_BIN:?} BUILD=$LIVE/build CACHE=$LIVE/cache DIST=$LIVE/dist KERNELS=$LIVE/kernels DRIVER_SOURCE=debian-dkms"
	export SUITES="bookworm|MIRROR_debian|debian-12 bookworm-updates|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12"
}

teardown() {
	[ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
}

lmake() {
	make $MAKEARGS "debian_SUITES=$SUITES" "$@"
}

@test "live: the real bookworm headers as an Amazon Linux 2 kernel-devel rpm build a real probe and module through the rpm path" {
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	run lmake "$LIVE/build/listing/debian.stamp"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	listing=$LIVE/build/listing/debian.tsv
	release=$(awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ { print $3 }' \
		"$listing" | sort -V | tail -n 1)
	[ -n "$release" ]

	# The kernel's three packages, fetched by hash into the pipeline's package cache.
	w=$BATS_TEST_TMPDIR
	stage=$w/stage
	mkdir -p "$stage" "$LIVE/cache/packages"
	version=
	for p in $(awk -F'\t' -v r="$release" '$3 == r { print $6; exit }' "$listing"); do
		url=${p%%|*} rest=${p#*|}
		sha=${rest%%|*} size=${rest#*|}
		url=${url/'$(MIRROR_debian_security)'/$MIRROR_debian_security}
		url=${url/'$(MIRROR_debian)'/$MIRROR_debian}
		"$FP_BIN/fetch" --quiet --sha256 "$sha" --size "$size" "$url" "$LIVE/cache/packages/$sha"
		"$FP_BIN/extract" --quiet "$LIVE/cache/packages/$sha" "$stage"
		case $url in */linux-headers-"$release"_*) version=${url##*/linux-headers-"$release"_} ;; esac
	done
	version=${version%%_*} # 6.1.192-2
	[ -n "$version" ]

	# Amazon Linux's names: kernel-devel-<upstream>-<abi>.amzn2.x86_64, tree under
	# /usr/src/kernels/<uname -r>. The arch half moves there (its relative links to kbuild one
	# level deeper); the -common half and kbuild stay at Debian's paths, and the arch Makefile
	# keeps its absolute include of the -common Makefile, as on Debian.
	abi=${release%-amd64}
	kver=${version%-*} krel=${abi##*-}.amzn2
	kr=$kver-$krel.x86_64
	mkdir -p "$stage/usr/src/kernels"
	mv "$stage/usr/src/linux-headers-$release" "$stage/usr/src/kernels/$kr"
	tree=$stage/usr/src/kernels/$kr
	for l in $(find "$tree" -maxdepth 1 -type l); do
		t=$(readlink "$l")
		case $t in ../*) ln -sfn "../$t" "$l" ;; esac
	done
	[ -d "$tree/scripts/" ]
	grep -q "^include /usr/src/linux-headers-$abi-common/Makefile" "$tree/Makefile"
	sed -i "s/^#define UTS_RELEASE .*/#define UTS_RELEASE \"$kr\"/" "$tree/include/generated/utsrelease.h"
	sed -i "s/^override KERNELRELEASE = .*/override KERNELRELEASE = $kr/" "$tree/.kernelvariables"
	uts_version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$tree"/include/generated/{utsversion,compile}.h 2>/dev/null | head -n 1)
	kversion=$(echo "$uts_version" | sed -n 's/^#\([0-9]*\).*/\1/p')
	[ -n "$kversion" ]

	devel=$(rpmrepo_build "$w/rpmbuild" kernel-devel "$kver" "$krel" w3.zstdio x86_64 "$stage")
	image=$(rpmrepo_build "$w/rpmbuild" kernel "$kver" "$krel" w9.xzdio x86_64)
	srv=$w/srv
	bd=$(rpmrepo_blob "$srv" "$devel")
	bi=$(rpmrepo_blob "$srv" "$image")
	rpmrepo_al2 "$srv" 2/core/2.0/x86_64/f00dcafe gz -- "$bd" "$bi"
	mkdir -p "$srv/2/core/2.0/x86_64" "$srv/2/core/latest/x86_64"
	echo 'https://cdn.amazonlinux.com/2/core/2.0/$basearch/f00dcafe' >"$srv/2/core/2.0/x86_64/mirror.list"
	cp "$srv/2/core/2.0/x86_64/mirror.list" "$srv/2/core/latest/x86_64/mirror.list"
	rpmrepo_serve "$srv" "$w/http.log"

	# The probe's path as Falco asks for it, from the rpm listing.
	run lmake MIRROR_amazonlinux2="$HTTP_URL" list-amazonlinux2
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	probe=$(echo "$output" | grep "/x86_64/falco_amazonlinux2_${kr}_${kversion}\.o$")
	[ -n "$probe" ]
	line=$(awk -F'\t' -v r="$kr" '$3 == r' "$LIVE/build/listing/amazonlinux2.tsv")
	[ "$(echo "$line" | cut -f5)" = "usr/src/kernels/$kr" ]
	[ "$(echo "$line" | cut -f6)" = "\$(MIRROR_amazonlinux2)/blobstore/$bd|${bd%%/*}|$(stat -c %s "$srv/blobstore/$bd")" ]
	[ "$(echo "$line" | cut -f7)" = "\$(MIRROR_amazonlinux2)/blobstore/$bi|${bi%%/*}|$(stat -c %s "$srv/blobstore/$bi")" ]

	module=${probe%.o}.ko
	echo "$output" | grep -qxF "$module"
	rm -f "$probe" "$module"
	# The tree is Debian's, with its absolute include: Debian's preparation of it.
	run lmake MIRROR_amazonlinux2="$HTTP_URL" amazonlinux2_FIXUP=mk/fixup-debian.sh "$probe" "$module"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$probe" ]
	# The module, by the compiler the headers name (Debian 12's gcc-12, the stand-in for Amazon's
	# own gcc of that version), for the rpm's kernel, under the driver's name.
	[ "$(modinfo -F name "$module")" = scap ]
	modinfo -F vermagic "$module" | grep -q "^$kr SMP "
	grep -q '^compiler=gcc-12 ' "$LIVE/build/records/${module#"$LIVE/dist/"}.rec"
	file "$probe" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	objcopy=$(command -v llvm-objcopy || ls /usr/bin/llvm-objcopy-* | head -n 1)
	"$objcopy" --dump-section "kernel_version=$w/kv" "$probe"
	[ "$(tr -d '\0' <"$w/kv")" = "$kr" ]
	# The rpm came over HTTP by the path the primary gave, through the blobstore.
	grep -q "GET /blobstore/$bd" "$w/http.log"
}
