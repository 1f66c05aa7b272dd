#!/usr/bin/env bats
# Ubuntu, hermetically: a signed apt archive built here with dpkg-deb, apt-ftparchive and gpg,
# laid out as Ubuntu's is (focal, jammy and noble with their -updates and -security pockets;
# main, restricted and universe; by-hash indexes; pool/main/l/<source>/), whose packages carry
# the real names, versions and Depends of Ubuntu kernels (tests/fixtures/ubuntu/README.md says
# where each comes from). Their contents are tiny but shaped as Ubuntu's: the flavour tree's
# Makefile is a relative symlink into the shared package, as debian/scripts/link-headers makes
# it, and include/generated holds UTS_RELEASE and UTS_VERSION. The distribution data is the real
# distros/ubuntu.mk; only the mirrors and the keyring point at the copy on 127.0.0.1.
#
# The live test reads the official archive (or UBUNTU_MIRROR) whenever it answers.

load lib/common

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FIX=$TOP/tests/fixtures/ubuntu
	export W=$BATS_FILE_TMPDIR
	export SRV=$W/srv
	export SUITES="focal focal-updates focal-security jammy jammy-updates jammy-security noble noble-updates noble-security"
	# The releases the test archive has, as distros/ubuntu.mk names them.
	export RELEASES="focal|ubuntu-20.04 jammy|ubuntu-22.04 noble|ubuntu-24.04"
	export GNUPGHOME=$W/gnupg
	mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
	gpg --batch --quiet --passphrase '' --quick-gen-key 'falco-probes test archive <test@invalid>' rsa2048 sign never
	gpg --batch --quiet --export >"$W/keyring.gpg"
	ub_archive "$SRV"
	# ports (ports.ubuntu.com/ubuntu-ports): noble's arm64 kernels, signed by the same key.
	ub_archive "$SRV/ports" "$FIX/ports" arm64 "arm64 armhf ppc64el riscv64 s390x" "noble noble-updates noble-security"
	# shellcheck source=tests/lib/common.bash
	load lib/common
	fp_http_start "$SRV"
	export HTTP_URL=$FP_HTTP_URL HTTP_LOG=$FP_HTTP_LOG HTTP_PID=$FP_HTTP_PID
}

teardown_file() {
	[ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
}

teardown() {
	fp_http_stop_all
}

# The upload number Ubuntu's kernel prints after '#': the package revision after the ABI
# (5.15.0-204.214 -> 214, 5.15.0-91.101~20.04.1 -> 101~20.04.1).
ub_upload() {
	local rev=${1#*-}
	echo "${rev#*.}"
}

# ub_deb STAGE CONTROL-STANZA-FILE: fills STAGE from one stanza and builds its .deb into the
# pool under $SRV, printing its path relative to $SRV. One file per package and version: the
# same package in -updates and -security is the same pool file, as in Ubuntu's archive.
ub_deb() {
	local stage=$1 stanza=$2 pkg src ver arch deps
	pkg=$(sed -n 's/^Package: //p' "$stanza")
	src=$(sed -n 's/^Source: //p' "$stanza")
	ver=$(sed -n 's/^Version: //p' "$stanza")
	arch=$(sed -n 's/^Architecture: //p' "$stanza")
	deps=$(sed -n 's/^Depends: //p' "$stanza")
	local rel=pool/main/l/$src/${pkg}_${ver#*:}_$arch.deb
	if [ ! -f "$SRV/$rel" ]; then
		rm -rf "$stage" && mkdir -p "$stage/DEBIAN" "$(dirname "$SRV/$rel")"
		case $pkg in
		linux-headers-[0-9]*.*.*-[0-9]*-*)
			# The flavour tree: generated headers of its own, the rest linked to the shared tree.
			local release=${pkg#linux-headers-} shared=${deps%%,*} t
			t=$stage/usr/src/$pkg
			mkdir -p "$t/include/generated" "$t/include/config" "$stage/lib/modules/$release"
			mkdir -p "$t/scripts"
			ln -s "../$shared/Makefile" "$t/Makefile"
			ln -s "../../$shared/include/linux" "$t/include/linux"
			ln -s "../../$shared/scripts/placeholder" "$t/scripts/placeholder"
			printf '#define UTS_RELEASE "%s"\n#define UTS_UBUNTU_RELEASE_ABI %s\n' "$release" \
				"$(echo "$release" | cut -d- -f2)" >"$t/include/generated/utsrelease.h"
			local uts
			uts="#$(ub_upload "$ver")-Ubuntu SMP Mon Jan 1 00:00:00 UTC 2024"
			printf '#define UTS_VERSION "%s"\n' "$uts" >"$t/include/generated/compile.h"
			case $release in 6.*) printf '#define UTS_VERSION "%s"\n' "$uts" >"$t/include/generated/utsversion.h" ;; esac
			echo 'CONFIG_BPF=y' >"$t/.config"
			ln -s "/usr/src/$pkg" "$stage/lib/modules/$release/build"
			;;
		linux-image-*)
			mkdir -p "$stage/boot" && echo "$pkg" >"$stage/boot/vmlinuz-${pkg#linux-image-}"
			;;
		linux-*headers-*)
			# The shared tree: the top Makefile (here a stand-in for kbuild) and the sources.
			local t=$stage/usr/src/$pkg
			mkdir -p "$t/include/linux" "$t/scripts"
			cp "$FIX/kbuild.mk" "$t/Makefile"
			echo '/* shared headers */' >"$t/include/linux/kernel.h"
			echo '#!/bin/sh' >"$t/scripts/placeholder"
			;;
		*) mkdir -p "$stage/usr/share/doc/$pkg" ;;
		esac
		{
			cat "$stanza"
			echo 'Maintainer: Ubuntu Kernel Team <kernel-team@lists.ubuntu.com>'
			echo 'Section: devel'
			echo 'Priority: optional'
			echo "Description: $pkg (falco-probes test fixture)"
		} | sed '/^$/d' >"$stage/DEBIAN/control"
		SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz --build "$stage" "$SRV/$rel" >/dev/null
	fi
	echo "$rel"
}

# ub_archive DIR [STANZAS ARCH ARCHITECTURES SUITES]: the whole signed archive from
# STANZAS/<suite>.<component> (default tests/fixtures/ubuntu/packages, amd64, the archive's
# "amd64 i386", $SUITES); ports is laid out the same, for its own architectures.
ub_archive() {
	local srv=$1 stanzas=${2:-$FIX/packages} arch=${3:-amd64} arches=${4:-amd64 i386} suites=${5:-$SUITES} suite comp f
	local SRV=$srv
	mkdir -p "$srv"
	for suite in $suites; do
		for comp in main restricted universe; do
			local dir=$srv/dists/$suite/$comp/binary-$arch tree=$W/trees/$arch/$suite/$comp
			mkdir -p "$dir" "$tree"
			f=$stanzas/$suite.$comp
			if [ -f "$f" ]; then
				# One stanza per file, then one .deb per stanza, hard-linked into a tree that
				# holds only this index's packages, which apt-ftparchive then describes.
				rm -rf "$W/stanzas" && mkdir -p "$W/stanzas"
				awk -v d="$W/stanzas" 'BEGIN { n = 0 } /^$/ { n++; next } { print > (d "/" n) }' "$f"
				local s rel
				for s in "$W"/stanzas/*; do
					rel=$(ub_deb "$W/stage" "$s")
					mkdir -p "$tree/$(dirname "$rel")"
					ln -f "$srv/$rel" "$tree/$rel"
				done
			fi
			: >"$dir/Packages"
			if [ -d "$tree/pool" ]; then
				(cd "$tree" && apt-ftparchive packages pool) >"$dir/Packages"
			fi
			gzip -9nk "$dir/Packages"
			xz -k "$dir/Packages"
		done
		local codename=${suite%%-*}
		apt-ftparchive -o APT::FTPArchive::Release::Origin=Ubuntu -o APT::FTPArchive::Release::Label=Ubuntu \
			-o APT::FTPArchive::Release::Suite="$suite" -o APT::FTPArchive::Release::Codename="$codename" \
			-o APT::FTPArchive::Release::Architectures="$arches" \
			-o APT::FTPArchive::Release::Components="main restricted universe multiverse" \
			-o APT::FTPArchive::Release::Acquire-By-Hash=yes \
			release "$srv/dists/$suite" >"$W/Release"
		# Ubuntu's archive serves every index by its hash too (Acquire-By-Hash: yes).
		for f in $(cd "$srv/dists/$suite" && find . -name 'Packages*' -printf '%P\n'); do
			mkdir -p "$srv/dists/$suite/$(dirname "$f")/by-hash/SHA256"
			cp "$srv/dists/$suite/$f" "$srv/dists/$suite/$(dirname "$f")/by-hash/SHA256/$(sha256sum "$srv/dists/$suite/$f" | cut -c1-64)"
		done
		mv "$W/Release" "$srv/dists/$suite/Release"
		gpg --batch --quiet --yes --clearsign -o "$srv/dists/$suite/InRelease" "$srv/dists/$suite/Release"
	done
}

# make on a private build and cache, with the test's tools; Ubuntu's mirrors and keyring are
# the test archive's.
# The archive's amd64 kernels alone (ARCHES=x86_64) unless ARCHES is given after.
umake() {
	fp_make "$1" MIRROR_ubuntu="$HTTP_URL" MIRROR_ubuntu_security="$HTTP_URL" MIRROR_ubuntu_ports="$HTTP_URL/ports" \
		ubuntu_KEYRING="$W/keyring.gpg" "ubuntu_RELEASES=$RELEASES" ARCHES=x86_64 "${@:2}"
}

# A listing with each package's <sha256>|<size> checked against the served file and left out,
# so that it compares with tests/fixtures/ubuntu/expected.tsv.
without_hashes() {
	local line
	while IFS= read -r line; do
		local field
		for field in $(echo "$line" | tr '\t' '\n' | sed -n 6,7p); do
			[ "$field" = - ] && continue
			local url=${field%%|*} rest=${field#*|}
			local sha=${rest%%|*} size=${rest#*|} path=${url#*)/}
			[ "$(sha256sum "$SRV/$path" | cut -c1-64)" = "$sha" ] || { echo "bad sha256 for $url" && return 1; }
			[ "$(stat -c %s "$SRV/$path")" = "$size" ] || { echo "bad size for $url" && return 1; }
		done
		echo "$line" | sed -E 's/\|[0-9a-f]{64}\|[0-9]+//g'
	done
}

@test "ubuntu: the shipped keyring holds Ubuntu's archive signing keys and nothing else" {
	run gpg --batch --with-colons --show-keys "$TOP/distros/keyrings/ubuntu-archive-keyring.gpg"
	echo "$output"
	[ "$status" -eq 0 ]
	# 2012 archive key, 2012 CD image key, 2018 archive key (Debian's ubuntu-keyring package).
	[ "$(echo "$output" | awk -F: '$1 == "fpr" { print $10 }' | sort | tr '\n' ' ')" = \
		"790BC7277767219C42C86F933B4FE6ACC0B21F32 843938DF228D22F7B3742BC0D94AA3F0EFE21092 F6ECB3762474EDA9D21B7022871920D1991BC93C " ]
	grep -q "^ubuntu_KEYRING ?= distros/keyrings/ubuntu-archive-keyring.gpg$" "$TOP/distros/ubuntu.mk"
	# It is not the test archive's key: a listing signed by ours is refused with it.
	d=$BATS_TEST_TMPDIR
	run fp_make "$d" MIRROR_ubuntu="$HTTP_URL" MIRROR_ubuntu_security="$HTTP_URL" "ubuntu_RELEASES=$RELEASES" ARCHES=x86_64 \
		"$d/build/listing/ubuntu.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"apt-release: $d/cache/sources/ubuntu/focal/InRelease: signature check against distros/keyrings/ubuntu-archive-keyring.gpg failed: no good signature (signed by a key not in the keyring): refusing it"* ]]
	[ ! -e "$d/build/listing/ubuntu.tsv" ]
}

@test "ubuntu: distros/ubuntu.mk names the official archive, every suite and pocket, every flavour" {
	run make -C "$TOP" --no-print-directory -pn help
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'MIRROR_ubuntu = http://archive.ubuntu.com/ubuntu'
	echo "$output" | grep -qx 'MIRROR_ubuntu_security = http://security.ubuntu.com/ubuntu'
	suites=$(make -C "$TOP" --no-print-directory -s print-ubuntu_SUITES | tr ' ' '\n')
	# Every release the archive serves, 16.04 to 26.04, in its three pockets.
	[ "$(echo "$suites" | grep -c .)" -eq 24 ]
	for r in xenial:16.04 bionic:18.04 focal:20.04 jammy:22.04 noble:24.04 plucky:25.04 questing:25.10 resolute:26.04; do
		s=${r%%:*} v=${r#*:}
		echo "$suites" | grep -qx "$s|MIRROR_ubuntu|ubuntu-$v"
		echo "$suites" | grep -qx "$s-updates|MIRROR_ubuntu|ubuntu-$v"
		echo "$suites" | grep -qx "$s-security|MIRROR_ubuntu_security|ubuntu-$v"
		[ -f "$TOP/distros/os-release/ubuntu-$v" ]
		grep -qx "VERSION_ID=\"$v\"" "$TOP/distros/os-release/ubuntu-$v"
	done
	# -proposed when asked for; releases gone from the archive from old-releases.
	suites=$(make -C "$TOP" --no-print-directory -s 'ubuntu_POCKETS=release updates security proposed' \
		'ubuntu_OLD_RELEASES=lunar|ubuntu-23.04' print-ubuntu_SUITES | tr ' ' '\n')
	echo "$suites" | grep -qx 'noble-proposed|MIRROR_ubuntu|ubuntu-24.04'
	echo "$suites" | grep -qx 'lunar-security|MIRROR_ubuntu_old|ubuntu-23.04'
	echo "$output" | grep -qx 'MIRROR_ubuntu_old = http://old-releases.ubuntu.com/ubuntu'
	# restricted holds no headers and is not read.
	echo "$output" | grep -qx 'ubuntu_COMPONENTS = main universe'
	# No flavour list: every flavour the archive has is built.
	# This host's architecture alone by default: a headers package's build programs are its own
	# architecture's (no linux-kbuild), so arm64 is listed where asked for, built on arm64.
	echo "$output" | grep -qx 'ubuntu_ARCHES = $(call native_arches,x86_64|amd64 aarch64|arm64)'
	[ "$(make -C "$TOP" --no-print-directory -s print-ubuntu_ARCHES)" = "x86_64|amd64" ]
	[ "$(make -C "$TOP" --no-print-directory -s HOST_ARCH=aarch64 print-ubuntu_ARCHES)" = "aarch64|arm64" ]
	# arm64 from ports, every pocket of it; a ports that does not answer is no error.
	echo "$output" | grep -qx 'MIRROR_ubuntu_ports = http://ports.ubuntu.com/ubuntu-ports'
	echo "$output" | grep -qx 'ubuntu_ARCH_MIRROR_aarch64 := MIRROR_ubuntu_ports'
	echo "$output" | grep -qx 'ubuntu_MAY_NOT_ANSWER = MIRROR_ubuntu_ports'
	echo "$output" | grep -qx 'ubuntu_STYLE := ubuntu'
}

@test "deb-index --style ubuntu: every flavour of the real stanzas, exact lines, shared halves resolved" {
	args=
	for s in $SUITES; do
		var=MIRROR_ubuntu
		case $s in *-security) var=MIRROR_ubuntu_security ;; esac
		case $s in focal*) o=ubuntu-20.04 ;; jammy*) o=ubuntu-22.04 ;; *) o=ubuntu-24.04 ;; esac
		for c in main restricted universe; do
			args="$args --index distros/os-release/$o \$($var) $SRV/dists/$s/$c/binary-amd64/Packages.xz"
		done
	done
	# shellcheck disable=SC2086
	run "$FP_BIN/deb-index" --style ubuntu --uname-m x86_64 $args
	echo "$output"
	[ "$status" -eq 0 ]
	diff -u "$FIX/expected.tsv" <(echo "$output" | LC_ALL=C sort | without_hashes)
}

@test "deb-index --style ubuntu: a respin takes the shared half of its own upload; a missing one leaves the kernel out" {
	# One ABI at two builds: 5.15.0-1005.7 in -security, a respin 5.15.0-1005.8 in -updates (the
	# respin's number is ours; Ubuntu republishes an ABI this way when a build is redone).
	d=$BATS_TEST_TMPDIR
	mkdir -p "$d/tree"
	for v in 7 8; do
		for p in linux-aws-headers-5.15.0-1005 linux-headers-5.15.0-1005-aws; do
			sed -n "/^Package: $p\$/,/^\$/p" "$FIX/packages/jammy-updates.main" |
				sed "s/^Version: 5.15.0-1005.7/Version: 5.15.0-1005.$v/" >"$d/stanza"
			rel=$(SRV=$d/srv ub_deb "$d/stage" "$d/stanza")
			mkdir -p "$d/tree/$v/$(dirname "$rel")"
			ln -f "$d/srv/$rel" "$d/tree/$v/$rel"
		done
		(cd "$d/tree/$v" && apt-ftparchive packages pool 2>/dev/null) >"$d/Packages.$v"
	done
	run "$FP_BIN/deb-index" --style ubuntu --uname-m x86_64 \
		--index distros/os-release/ubuntu-22.04 'http://u' "$d/Packages.8" \
		--index distros/os-release/ubuntu-22.04 'http://s' "$d/Packages.7"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
	echo "$output" | grep -P '\t#7-Ubuntu SMP\t' | grep -q 'linux-aws-headers-5.15.0-1005_5.15.0-1005.7_all.deb'
	[ -z "$(echo "$output" | grep -P '\t#7-Ubuntu SMP\t' | grep '1005.8_all')" ]
	echo "$output" | grep -P '\t#8-Ubuntu SMP\t' | grep -q 'linux-aws-headers-5.15.0-1005_5.15.0-1005.8_all.deb'
	# Without its shared half the kernel is left out, named; the others stay.
	awk 'BEGIN { RS = ""; ORS = "\n\n" } !/^Package: linux-gcp-headers-5.15.0-1004\n/' \
		"$SRV/dists/jammy-updates/main/binary-amd64/Packages" >"$d/Packages.nogcp"
	run "$FP_BIN/deb-index" --style ubuntu --uname-m x86_64 --index distros/os-release/ubuntu-22.04 'http://u' "$d/Packages.nogcp"
	[ "$status" -eq 0 ]
	[[ "$output" == *"deb-index: leaving out 5.15.0-1004-gcp: linux-headers-5.15.0-1004-gcp 5.15.0-1004.7 needs linux-gcp-headers-5.15.0-1004, which no index has"* ]]
	[ "$(echo "$output" | grep -c '^distros/')" -eq 7 ]
}

@test "make: the signed Ubuntu archive over HTTP, by hash, to the exact listing; a shared package is fetched once" {
	d=$BATS_TEST_TMPDIR
	run umake "$d" "$d/build/listing/ubuntu.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	diff -u "$FIX/expected.tsv" <(without_hashes <"$d/build/listing/ubuntu.tsv")
	# Every index of main and universe of all nine suites was read, each fetched by its hash (the
	# empty ones, alike, once); restricted, which holds no headers, not at all.
	for s in $SUITES; do
		for c in main universe; do
			sha=$(sha256sum "$SRV/dists/$s/$c/binary-amd64/Packages.gz" | cut -c1-64)
			[ -f "$d/cache/by-hash/$sha" ]
			[ -s "$SRV/dists/$s/$c/binary-amd64/Packages" ] || continue
			grep -q "GET /dists/$s/$c/binary-amd64/by-hash/SHA256/$sha " "$HTTP_LOG"
		done
		! grep -q "GET /dists/$s/restricted/" "$HTTP_LOG" || false
	done
	run umake "$d" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" list-ubuntu
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '/falco_ubuntu-')" -eq 15 ]
	# One package entry per package however many kernels share it (in the plan of a run that
	# builds them all: a listing run plans no rule): the jammy-updates and jammy-security indexes
	# both list linux-headers-5.15.0-27, built from one file.
	run umake "$d" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" -n ubuntu
	[ "$status" -eq 0 ]
	frag=$d/build/plan/ubuntu.mk
	sha=$(sha256sum "$SRV/pool/main/l/linux/linux-headers-5.15.0-27_5.15.0-27.28_all.deb" | cut -c1-64)
	[ "$(grep -c "^PKG\.$sha := " "$frag")" -eq 1 ]
	# 15 kernels of two header packages each: one package entry for each.
	shas=$(cut -f6 "$d/build/listing/ubuntu.tsv" | tr ' ' '\n' | cut -d'|' -f2 | sort -u)
	[ "$(echo "$shas" | wc -l)" -eq 30 ]
	for sha in $shas; do
		[ "$(grep -c "^PKG\.$sha := " "$frag")" -eq 1 ]
	done
}

# The file name Falco asks for, by falco-name, for a listing line's kernel.
ub_name() {
	local rules=$1 osrel=$2 release=$3 version=$4
	"$FP_BIN/falco-name" --driver-version 2.0.0+driver --rules "$rules" --os-release "$TOP/$osrel" \
		--uname-r "$release" --uname-v "$version" --uname-m x86_64 --field file_name
}

@test "names: the exact Falco file name of every listed kernel, by loader rule set" {
	[ -x "$FP_BIN/falco-name" ]
	# release | 0.28 (aws or generic) | 0.33 (word and tail) | 0.35 (word; HWE version kept)
	while IFS='|' read -r release v28 v33 v35; do
		line=$(awk -F'\t' -v r="$release" '$3 == r' "$FIX/expected.tsv")
		osrel=$(echo "$line" | cut -f1)
		uname_v=$(echo "$line" | cut -f4)
		[ -n "$uname_v" ]
		[ "$(ub_name 0.28 "$osrel" "$release" "$uname_v")" = "$v28" ] || { echo "0.28 $release: $(ub_name 0.28 "$osrel" "$release" "$uname_v")"; false; }
		[ "$(ub_name 0.33 "$osrel" "$release" "$uname_v")" = "$v33" ] || { echo "0.33 $release: $(ub_name 0.33 "$osrel" "$release" "$uname_v")"; false; }
		[ "$(ub_name 0.35 "$osrel" "$release" "$uname_v")" = "$v35" ] || { echo "0.35 $release: $(ub_name 0.35 "$osrel" "$release" "$uname_v")"; false; }
	done <"$FIX/names.txt"
	[ "$(grep -c . "$FIX/names.txt")" -eq "$(grep -c . "$FIX/expected.tsv")" ]
}

@test "make: a generic and a cloud probe build from Ubuntu's symlinked header layout, named as their headers say" {
	d=$BATS_TEST_TMPDIR
	for k in 5.15.0-204-generic:214 5.15.0-1005-aws:7; do
		release=${k%:*} version=${k#*:}
		target=ubuntu-${release##*-}
		probe=$d/dist/9.9.9+test/x86_64/falco_${target}_${release}_${version}.o
		run umake "$d" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "$probe"
		echo "$output"
		[ "$status" -eq 0 ]
		[ -f "$probe" ]
		[ "$(od -An -tx1 -j18 -N2 "$probe" | tr -d ' \n')" = f700 ]
		objcopy=$(command -v llvm-objcopy || ls /usr/bin/llvm-objcopy-* | head -n 1)
		"$objcopy" --dump-section "kernel_version=$d/kv" "$probe"
		[ "$(tr -d '\0' <"$d/kv")" = "$release" ]
	done
	# The stand-in kbuild ran in the flavour tree, read through its Makefile symlink into the
	# shared package, and compiled against the shared headers through the include symlinks.
	grep -q "kbuild: srctree=[^ ]*/usr/src/linux-headers-5.15.0-204-generic objtree=[^ ]*/usr/src/linux-headers-5.15.0-204-generic makefile=[^ ]*/usr/src/linux-headers-5.15.0-204/Makefile$" \
		"$d/build/logs/9.9.9+test/x86_64/falco_ubuntu-generic_5.15.0-204-generic_214.o.log"
	grep -q "kbuild: srctree=[^ ]*/usr/src/linux-headers-5.15.0-1005-aws objtree=[^ ]*/usr/src/linux-headers-5.15.0-1005-aws makefile=[^ ]*/usr/src/linux-aws-headers-5.15.0-1005/Makefile$" \
		"$d/build/logs/9.9.9+test/x86_64/falco_ubuntu-aws_5.15.0-1005-aws_7.o.log"
	# Each kernel's two packages, and nothing more, came down.
	[ "$(ls "$d/cache/packages" | wc -l)" -eq 4 ]
}

@test "live: the official archive: every release listed, each one's newest generic kernel named as its own headers say, a real probe" {
	mirror=${UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
	curl -sf --max-time 30 -o /dev/null "$mirror/dists/noble/InRelease" ||
		skip "the Ubuntu archive at $mirror does not answer from here (UBUNTU_MIRROR names another)"
	libs=${FP_LIBS_DIR:-$TOP/../shared/libs}
	[ -f "$libs/9.1.0+driver.tar.gz" ] || skip "no falcosecurity/libs archives at $libs (FP_LIBS_DIR)"
	fp_http_start "$libs"
	d=${FP_LIVE_DIR:-$TOP/build/live}/ubuntu
	mkdir -p "$d"
	lmake() {
		fp_make "$d" MIRROR_ubuntu="$mirror" MIRROR_ubuntu_security="$mirror" LIBS_ARCHIVES="$FP_HTTP_URL" ARCHES=x86_64 \
			FALCO_VERSIONS=0.43.1 "$@"
	}
	run lmake "$d/build/listing/ubuntu.stamp"
	echo "$output" | tail -n 5
	[ "$status" -eq 0 ]
	listing=$d/build/listing/ubuntu.tsv
	# Thousands of kernels, of every release and many flavours.
	[ "$(wc -l <"$listing")" -gt 3000 ]
	for f in generic lowlatency aws azure gcp gke oracle kvm; do
		grep -qP "\t5\.15\.0-[0-9]+-$f\t#[0-9]+-Ubuntu SMP" "$listing"
	done
	lmake list-ubuntu >"$BATS_TEST_TMPDIR/list"
	for v in 16.04 18.04 20.04 22.04 24.04 25.04 25.10 26.04; do
		# The release's newest generic kernel, and its own flavour headers from the archive.
		r=$(awk -F'\t' -v o="distros/os-release/ubuntu-$v" '$1 == o && $3 ~ /^[0-9.]+-[0-9]+-generic$/ { print $3 }' "$listing" |
			sort -V | tail -n 1)
		[ -n "$r" ]
		line=$(awk -F'\t' -v o="distros/os-release/ubuntu-$v" -v r="$r" '$1 == o && $3 == r' "$listing" | head -n 1)
		pkg=$(echo "$line" | cut -f6 | tr ' ' '\n' | grep "/linux-headers-${r}_")
		url=${pkg%%|*} rest=${pkg#*|}
		url=${url/'$(MIRROR_ubuntu)'/$mirror}
		url=${url/'$(MIRROR_ubuntu_security)'/$mirror}
		"$FP_BIN/fetch" --quiet --sha256 "${rest%%|*}" "$url" "$BATS_TEST_TMPDIR/$r.deb"
		rm -rf "$BATS_TEST_TMPDIR/x" && mkdir "$BATS_TEST_TMPDIR/x"
		"$FP_BIN/extract" --quiet "$BATS_TEST_TMPDIR/$r.deb" "$BATS_TEST_TMPDIR/x"
		gen=$BATS_TEST_TMPDIR/x/usr/src/linux-headers-$r/include/generated
		[ "$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$gen/utsrelease.h")" = "$r" ]
		uts_version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$gen/utsversion.h" "$gen/compile.h" 2>/dev/null | head -n 1)
		listed=$(echo "$line" | cut -f4)
		if [ -n "$uts_version" ]; then
			# The listing's uname -v begins as the headers' does (the index cannot tell the rest:
			# PREEMPT_DYNAMIC, the date).
			[[ "$uts_version" == "${listed%% *} "* ]]
		else
			# Headers of 6.x kernels carry no UTS_VERSION (it is made when the image is linked):
			# the kernel prints its package's upload, which the index gives.
			version=${url##*/linux-headers-${r}_}
			version=${version%_amd64.deb}
			[ "${listed%% *}" = "#${version#*-*.}-Ubuntu" ]
			uts_version=$listed
		fi
		# Falco 0.43.1 names it by the upload number the kernel prints after '#'.
		upload=${uts_version#\#}
		upload=${upload%%-Ubuntu*}
		name=$("$FP_BIN/falco-name" --falco-version 0.43.1 --os-release "$TOP/distros/os-release/ubuntu-$v" \
			--uname-r "$r" --uname-v "$uts_version" --uname-m x86_64 --field file_name)
		echo "# ubuntu-$v: $r $uts_version -> $name" >&3
		[[ "$name" == "falco_ubuntu-generic_${r}_${upload}.o" ]]
		# ...and so does the run: the path is one of the run's.
		[ "$(grep -c "/9\.1\.0+driver/x86_64/$name$" "$BATS_TEST_TMPDIR/list")" -eq 1 ]
	done
	# One real probe of Falco 0.43.1's driver, for jammy's newest generic kernel.
	r=$(awk -F'\t' '$1 == "distros/os-release/ubuntu-22.04" && $3 ~ /^5\.15\.0-[0-9]+-generic$/ { print $3 }' "$listing" | sort -V | tail -n 1)
	probe=$(grep "/x86_64/falco_ubuntu-generic_${r}_[0-9]*\.o$" "$BATS_TEST_TMPDIR/list")
	[ -n "$probe" ]
	run lmake "$probe"
	echo "$output"
	[ "$status" -eq 0 ]
	file "$probe" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	[ "$(llvm-readelf -p kernel_version "$probe" | sed -n 's/^ *\[ *0\] //p')" = "$r" ]
}

@test "ports: arm64 kernels from ports beside amd64 ones from the archive, each with its own mirror's URLs, named under aarch64/" {
	d=$BATS_TEST_TMPDIR
	run umake "$d" "ubuntu_RELEASES=noble|ubuntu-24.04" "ARCHES=x86_64 aarch64" "ubuntu_ARCHES=x86_64|amd64 aarch64|arm64" "$d/build/listing/ubuntu.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	l=$d/build/listing/ubuntu.tsv
	cut -f2-4 "$l"
	# amd64 from the archive, arm64 (generic-64k only there) from ports, read as suites of its own.
	[ "$(cut -f2,3 "$l" | tr '\t' ' ')" = "aarch64 6.8.0-1036-aws
aarch64 6.8.0-155-generic
aarch64 6.8.0-31-generic
aarch64 6.8.0-31-generic-64k
x86_64 6.8.0-1036-aws
x86_64 6.8.0-31-generic
x86_64 6.8.0-45-generic" ]
	[ -f "$d/cache/sources/ubuntu/ports/noble-security.root" ]
	grep -q "GET /ports/dists/noble-security/main/binary-arm64/by-hash/SHA256/" "$HTTP_LOG"
	! grep -q "GET /ports/dists/[^ ]*/binary-amd64/" "$HTTP_LOG" || false
	# Each kernel's packages, the shared Architecture: all one too, from its own architecture's mirror.
	[ "$(awk -F'\t' '$2 == "aarch64"' "$l" | cut -f6 | tr ' ' '\n' | grep -vc '^\$(MIRROR_ubuntu_ports)/pool/main/l/')" -eq 0 ]
	[ "$(awk -F'\t' '$2 == "x86_64"' "$l" | cut -f6 | tr ' ' '\n' | grep -vcE '^\$\(MIRROR_ubuntu(_security)?\)/pool/main/l/')" -eq 0 ]
	awk -F'\t' '$3 == "6.8.0-155-generic"' "$l" | grep -qF '$(MIRROR_ubuntu_ports)/pool/main/l/linux/linux-headers-6.8.0-155_6.8.0-155.155_all.deb|'
	# Every hash and size is the served file's.
	awk -F'\t' '$2 == "aarch64"' "$l" | SRV=$SRV/ports without_hashes >/dev/null
	awk -F'\t' '$2 == "x86_64"' "$l" | without_hashes >/dev/null
	# The paths of a run: under aarch64/ for arm64 kernels, uname -r and -v as on amd64.
	run umake "$d" "ubuntu_RELEASES=noble|ubuntu-24.04" "ARCHES=x86_64 aarch64" "ubuntu_ARCHES=x86_64|amd64 aarch64|arm64" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" list-ubuntu
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '/9\.9\.9+test/aarch64/falco_ubuntu-')" -eq 4 ]
	[ "$(echo "$output" | grep -c '/9\.9\.9+test/x86_64/falco_ubuntu-')" -eq 3 ]
	echo "$output" | grep -q '/9\.9\.9+test/aarch64/falco_ubuntu-generic_6\.8\.0-31-generic_31\.o$'
	echo "$output" | grep -q '/9\.9\.9+test/x86_64/falco_ubuntu-generic_6\.8\.0-31-generic_31\.o$'
	# In a flat layout the two 6.8.0-31-generic kernels ask for one file: x86_64's (FLAT_ARCH), the
	# arm64 one unservable, named so; an arm64 kernel no amd64 one shares is served.
	run umake "$d" "ubuntu_RELEASES=noble|ubuntu-24.04" "ARCHES=x86_64 aarch64" "ubuntu_ARCHES=x86_64|amd64 aarch64|arm64" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" \
		LAYOUT=flat list-ubuntu
	echo "$output"
	[ "$status" -eq 0 ]
	t=$d/kernels/9.9.9+test/ubuntu.outputs
	grep -qxF "9.9.9+test/falco_ubuntu-generic_6.8.0-31-generic_31.o	ubuntu-24.04_6.8.0-31-generic	bpf	custom	build" "$t"
	grep -qxF "9.9.9+test/falco_ubuntu-generic_6.8.0-31-generic_31.o	ubuntu-24.04_6.8.0-31-generic~aarch64	bpf	custom	unservable kernel ubuntu-24.04_6.8.0-31-generic (x86_64) asks for the same name, a path without an architecture: it serves x86_64 (FLAT_ARCH)" "$t"
	grep -qP '^9\.9\.9\+test/falco_ubuntu-generic_6\.8\.0-155-generic_155\.o\tubuntu-24\.04_6\.8\.0-155-generic\tbpf\tcustom\tbuild$' "$t"
	[ "$(echo "$output" | grep -c '/9\.9\.9+test/falco_ubuntu-')" -eq 5 ]
}

@test "ports: a ports that does not answer is a fault, said once: amd64 listed, arm64 asked again next run, no wait per suite" {
	d=$BATS_TEST_TMPDIR
	start=$SECONDS
	run umake "$d" "ubuntu_RELEASES=noble|ubuntu-24.04" "ARCHES=x86_64 aarch64" "ubuntu_ARCHES=x86_64|amd64 aarch64|arm64" MIRROR_ubuntu_ports=http://127.0.0.1:1/ubuntu-ports \
		FETCH_RETRIES=2 "$d/build/listing/ubuntu.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cut -f2 "$d/build/listing/ubuntu.tsv" | sort -u)" = x86_64 ]
	[ "$(echo "$output" | grep -c '^  WARN ')" -eq 1 ]
	echo "$output" | grep -qx '  WARN    ubuntu: MIRROR_ubuntu_ports (http://127.0.0.1:1/ubuntu-ports) does not answer: a fault, not a verdict; what it serves is not listed this run and is asked again next run'
	for s in noble noble-updates noble-security; do
		echo "$output" | grep -qx "  NOTE    ubuntu: http://127.0.0.1:1/ubuntu-ports/dists/$s does not answer; skipping suite ports/$s"
	done
	# One suite waited out the retries (1 + 2 s), not three.
	[ $((SECONDS - start)) -lt 9 ]
	# ports answers again: its kernels are listed.
	run umake "$d" "ubuntu_RELEASES=noble|ubuntu-24.04" "ARCHES=x86_64 aarch64" "ubuntu_ARCHES=x86_64|amd64 aarch64|arm64" "$d/build/listing/ubuntu.stamp"
	[ "$status" -eq 0 ]
	[ "$(cut -f2 "$d/build/listing/ubuntu.tsv" | grep -c aarch64)" -eq 4 ]
}
