#!/usr/bin/env bats
# Every rpm-md kernel the distributions publish, hermetically, one test per distribution: for
# each source layout its distros/<d>.mk names (Rocky's and Alma's vaults of older minors, CentOS
# Linux 7's os/ and updates/ trees and 8's vault, CentOS Stream 10, Fedora's archive and its
# updates/ trees without os/, Oracle Linux 7 and 10 with their UEK channels, Amazon Linux 2022's
# and 2023's mirror lists and blobstores), real rpms (rpmbuild) in real repositories
# (createrepo_c) laid out as each mirror's tree is, each mirror host a directory of one server
# on 127.0.0.1. The distribution data is the real one; only its MIRROR_... variables point at the
# copy. The trees are written from the mirrors' real layouts, not from the data, so that data
# naming a wrong path fails here. Through make, each test checks the exact listing, the notes
# of the optional trees the copy leaves out, the file names Falco's loader asks for (literally,
# and as falco-name gives them for Falco 0.43.1) and one probe built from a new layout.

load lib/common
# shellcheck source=tests/lib/rpmrepo.bash
source "$BATS_TEST_DIRNAME/lib/rpmrepo.bash"

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export RPMS=$BATS_FILE_TMPDIR/rpmbuild
	# The tiny driver with a module beside its probe: list-<d> names both kinds.
	export DRIVER=$TOP/tests/fixtures/tiny-kmod-driver DV=9.9.9+kmod
}

setup() {
	SRV=$BATS_TEST_TMPDIR/srv D=$BATS_TEST_TMPDIR/make WANT=$BATS_TEST_TMPDIR/want.tsv
	mkdir -p "$SRV"
	: >"$WANT"
	: >"$BATS_TEST_TMPDIR/repos"
	declare -gA ROOT=()
	MARGS=()
}

teardown() {
	fp_http_stop_all
}

# mirror VAR DIR: the mirror MIRROR_... variable VAR names is $SRV/DIR (its host and path).
mirror() {
	ROOT[$1]=$2
	mkdir -p "$SRV/$2"
}

# repo VAR PATH: a repository at PATH under mirror VAR, indexed by publish (empty if nothing is
# staged into it).
repo() {
	mkdir -p "$SRV/${ROOT[$1]}/$2/Packages"
	echo "$SRV/${ROOT[$1]}/$2" >>"$BATS_TEST_TMPDIR/repos"
}

# stage VAR PATH RPM: RPM in that repository; prints the listing's field for it.
stage() {
	local f=$SRV/${ROOT[$1]}/$2/Packages/${3##*/}
	repo "$1" "$2"
	cp "$3" "$f"
	# shellcheck disable=SC2016 # the listing writes the mirror as a make variable
	printf '$(%s)/%s/Packages/%s|%s|%s' "$1" "$2" "${3##*/}" "$(fp_sha256 "$f")" "$(stat -c %s "$f")"
}

# kernel OS-RELEASE RELEASE DEVEL VAR:PATH [IMAGE VAR:PATH]: a kernel's headers package DEVEL
# (and its image package IMAGE) of uname -r RELEASE in those repositories; its line is wanted
# in the listing.
kernel() {
	local osr=$1 r=$2 dname=$3 dspec=$4 iname=${5:-} ispec=${6:-}
	local arch=${r##*.} vr=${r%.*} rpm dfield ifield=-
	rpm=$(rpmrepo_build "$RPMS" "$dname" "${vr%%-*}" "${vr#*-}" w9.xzdio "$arch") || return 1
	dfield=$(stage "${dspec%%:*}" "${dspec#*:}" "$rpm") || return 1
	if [ -n "$iname" ]; then
		rpm=$(rpmrepo_build "$RPMS" "$iname" "${vr%%-*}" "${vr#*-}" w9.xzdio "$arch") || return 1
		ifield=$(stage "${ispec%%:*}" "${ispec#*:}" "$rpm") || return 1
	fi
	# Oracle's UEK builds print #2 (tools/rpmmd-index.c).
	local n=1
	case $dname in kernel-uek*) n=2 ;; esac
	printf 'distros/os-release/%s\t%s\t%s\t#%s SMP\tusr/src/kernels/%s\t%s\t%s\n' "$osr" "$arch" "$r" "$n" "$r" \
		"$dfield" "$ifield" >>"$WANT"
}

# publish: createrepo_c over every repository, then one server over every mirror; MARGS holds
# the MIRROR_...= settings for make.
publish() {
	local d v
	while read -r d; do
		createrepo_c --quiet --no-database --general-compress-type xz "$d"
	done < <(LC_ALL=C sort -u "$BATS_TEST_TMPDIR/repos")
	fp_http_start "$SRV"
	for v in "${!ROOT[@]}"; do
		MARGS+=("$v=$FP_HTTP_URL/${ROOT[$v]}")
	done
}

# The fixture trees are x86_64's alone (tests/rpmmd.bats lists aarch64).
dmake() {
	fp_make "$D" DRIVER_SOURCE="$DRIVER" ARCHES=x86_64 "${MARGS[@]}" "$@"
}

# list DISTRO [make settings]: make list-DISTRO, which must succeed; its output in $output.
list() {
	run dmake "list-$1" "${@:2}"
	echo "$output"
	[ "$status" -eq 0 ]
}

# The listing must be exactly the kernels staged.
listing_is_wanted() {
	diff -u <(LC_ALL=C sort "$WANT") "$D/build/listing/$1.tsv"
}

# names_are NAME...: the file names list-<d> printed ($output) are exactly these.
names_are() {
	diff -u <(printf '%s\n' "$@" | LC_ALL=C sort) \
		<(echo "$output" | grep "^$D/dist/$DV/x86_64/falco_" | sed 's#.*/##' | LC_ALL=C sort)
}

# loader_names_match DISTRO: the names listed are those falco-name gives for every kernel of the
# listing by the rules of Falco 0.43.1's loader (falcoctl 0.12), both kinds, where it asks.
loader_names_match() {
	local osr m r v rest k
	diff -u <(while IFS=$'\t' read -r osr m r v rest; do
		for k in bpf kmod; do
			"$FP_BIN/falco-name" --falco-version 0.43.1 --kind "$k" --os-release "$TOP/$osr" \
				--uname-r "$r" --uname-v "$v" --uname-m "$m" --field file_name 2>/dev/null || true
		done
	done <"$D/build/listing/$1.tsv" | LC_ALL=C sort) \
		<(echo "$output" | grep "^$D/dist/$DV/x86_64/falco_" | sed 's#.*/##' | LC_ALL=C sort)
}

# skipped DISTRO N: the run noted N optional repositories the mirror copy does not have.
skipped() {
	local n
	n=$(echo "$output" | grep -c "^ *NOTE    $1: the mirror has no repository .* for x86_64; skipping it$" || true)
	echo "$n repositories skipped, $2 wanted"
	[ "$n" -eq "$2" ]
}

# probe RELEASE FILE_NAME [make settings]: builds dist/$DV/x86_64/FILE_NAME through make; an
# eBPF object for the kernel of that uname -r, from its headers package as listed.
probe() {
	local release=$1 p=$D/dist/$DV/x86_64/$2
	run dmake "$p" "${@:3}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$p" ]
	[ "$(od -An -tx1 -j18 -N2 "$p" | tr -d ' \n')" = f700 ]
	local objcopy
	objcopy=$(command -v llvm-objcopy || ls /usr/bin/llvm-objcopy-* | head -n 1)
	"$objcopy" --dump-section "kernel_version=$BATS_TEST_TMPDIR/kv" "$p"
	[ "$(tr -d '\0' <"$BATS_TEST_TMPDIR/kv")" = "$release" ]
}

@test "rocky: the main mirror's 8, 9 and 10 and the vault's older minors; a minor the vault copy lacks is skipped" {
	mirror MIRROR_rocky dl.rockylinux.org/pub/rocky
	mirror MIRROR_rocky_vault dl.rockylinux.org/vault/rocky
	# Current minors. EL8: kernel-devel and kernel-core in BaseOS; from EL9, kernel-devel in
	# AppStream.
	kernel rocky-8 4.18.0-553.22.1.el8_10.x86_64 kernel-devel MIRROR_rocky:8/BaseOS/x86_64/os \
		kernel-core MIRROR_rocky:8/BaseOS/x86_64/os
	repo MIRROR_rocky 8/AppStream/x86_64/os
	kernel rocky-9 5.14.0-611.16.1.el9_7.x86_64 kernel-devel MIRROR_rocky:9/AppStream/x86_64/os \
		kernel-core MIRROR_rocky:9/BaseOS/x86_64/os
	kernel rocky-10 6.12.0-124.21.1.el10_1.x86_64 kernel-devel MIRROR_rocky:10/AppStream/x86_64/os \
		kernel-core MIRROR_rocky:10/BaseOS/x86_64/os
	# Three minors of the vault, of each layout; every other vault entry is missing.
	kernel rocky-8 4.18.0-372.9.1.el8.x86_64 kernel-devel MIRROR_rocky_vault:8.6/BaseOS/x86_64/os \
		kernel-core MIRROR_rocky_vault:8.6/BaseOS/x86_64/os
	kernel rocky-9 5.14.0-284.11.1.el9_2.x86_64 kernel-devel MIRROR_rocky_vault:9.2/AppStream/x86_64/os \
		kernel-core MIRROR_rocky_vault:9.2/BaseOS/x86_64/os
	kernel rocky-10 6.12.0-55.9.1.el10_0.x86_64 kernel-devel MIRROR_rocky_vault:10.0/AppStream/x86_64/os \
		kernel-core MIRROR_rocky_vault:10.0/BaseOS/x86_64/os
	publish
	list rocky
	listing_is_wanted rocky
	# 31 vault entries, 5 of them here.
	skipped rocky 26
	[[ "$output" == *"NOTE    rocky: the mirror has no repository 8.5-baseos for x86_64; skipping it"* ]]
	[[ "$output" == *"NOTE    rocky: the mirror has no repository 10.1-appstream for x86_64; skipping it"* ]]
	names_are \
		falco_rocky_4.18.0-553.22.1.el8_10.x86_64_1.o falco_rocky_4.18.0-553.22.1.el8_10.x86_64_1.ko \
		falco_rocky_5.14.0-611.16.1.el9_7.x86_64_1.o falco_rocky_5.14.0-611.16.1.el9_7.x86_64_1.ko \
		falco_rocky_6.12.0-124.21.1.el10_1.x86_64_1.o falco_rocky_6.12.0-124.21.1.el10_1.x86_64_1.ko \
		falco_rocky_4.18.0-372.9.1.el8.x86_64_1.o falco_rocky_4.18.0-372.9.1.el8.x86_64_1.ko \
		falco_rocky_5.14.0-284.11.1.el9_2.x86_64_1.o falco_rocky_5.14.0-284.11.1.el9_2.x86_64_1.ko \
		falco_rocky_6.12.0-55.9.1.el10_0.x86_64_1.o falco_rocky_6.12.0-55.9.1.el10_0.x86_64_1.ko
	loader_names_match rocky
	probe 5.14.0-284.11.1.el9_2.x86_64 falco_rocky_5.14.0-284.11.1.el9_2.x86_64_1.o
	grep -q 'GET /dl.rockylinux.org/vault/rocky/9.2/AppStream/x86_64/os/Packages/kernel-devel-5.14.0-284.11.1.el9_2.x86_64.rpm' "$FP_HTTP_LOG"
}

@test "almalinux: the main mirror's 8, 9 and 10 and the vault's older minors; vault entries optional, the main ones not" {
	mirror MIRROR_almalinux repo.almalinux.org/almalinux
	mirror MIRROR_almalinux_vault vault.almalinux.org
	kernel almalinux-8 4.18.0-553.76.1.el8_10.x86_64 kernel-devel MIRROR_almalinux:8/BaseOS/x86_64/os \
		kernel-core MIRROR_almalinux:8/BaseOS/x86_64/os
	repo MIRROR_almalinux 8/AppStream/x86_64/os
	kernel almalinux-9 5.14.0-611.20.1.el9_7.x86_64 kernel-devel MIRROR_almalinux:9/AppStream/x86_64/os \
		kernel-core MIRROR_almalinux:9/BaseOS/x86_64/os
	kernel almalinux-10 6.12.0-124.20.1.el10_1.x86_64 kernel-devel MIRROR_almalinux:10/AppStream/x86_64/os \
		kernel-core MIRROR_almalinux:10/BaseOS/x86_64/os
	kernel almalinux-8 4.18.0-513.24.1.el8_9.x86_64 kernel-devel MIRROR_almalinux_vault:8.9/BaseOS/x86_64/os \
		kernel-core MIRROR_almalinux_vault:8.9/BaseOS/x86_64/os
	kernel almalinux-9 5.14.0-70.13.1.el9_0.x86_64 kernel-devel MIRROR_almalinux_vault:9.0/AppStream/x86_64/os \
		kernel-core MIRROR_almalinux_vault:9.0/BaseOS/x86_64/os
	kernel almalinux-10 6.12.0-55.22.1.el10_0.x86_64 kernel-devel MIRROR_almalinux_vault:10.0/AppStream/x86_64/os \
		kernel-core MIRROR_almalinux_vault:10.0/BaseOS/x86_64/os
	publish
	list almalinux
	listing_is_wanted almalinux
	skipped almalinux 26
	[[ "$output" == *"NOTE    almalinux: the mirror has no repository 9.7-baseos for x86_64; skipping it"* ]]
	names_are \
		falco_almalinux_4.18.0-553.76.1.el8_10.x86_64_1.o falco_almalinux_4.18.0-553.76.1.el8_10.x86_64_1.ko \
		falco_almalinux_5.14.0-611.20.1.el9_7.x86_64_1.o falco_almalinux_5.14.0-611.20.1.el9_7.x86_64_1.ko \
		falco_almalinux_6.12.0-124.20.1.el10_1.x86_64_1.o falco_almalinux_6.12.0-124.20.1.el10_1.x86_64_1.ko \
		falco_almalinux_4.18.0-513.24.1.el8_9.x86_64_1.o falco_almalinux_4.18.0-513.24.1.el8_9.x86_64_1.ko \
		falco_almalinux_5.14.0-70.13.1.el9_0.x86_64_1.o falco_almalinux_5.14.0-70.13.1.el9_0.x86_64_1.ko \
		falco_almalinux_6.12.0-55.22.1.el10_0.x86_64_1.o falco_almalinux_6.12.0-55.22.1.el10_0.x86_64_1.ko
	loader_names_match almalinux
	probe 6.12.0-55.22.1.el10_0.x86_64 falco_almalinux_6.12.0-55.22.1.el10_0.x86_64_1.o
	# A current repository is not optional: without it there is no listing, and the error
	# names it and where it was looked for.
	rm -rf "$SRV/repo.almalinux.org/almalinux/10/AppStream"
	run dmake "$D/build/listing/almalinux.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"error: almalinux: the mirror has no repository 10-appstream for x86_64 at $FP_HTTP_URL/repo.almalinux.org/almalinux/10/AppStream/x86_64/os"* ]]
}

@test "centos: CentOS Linux 7's os and updates trees and 8's vault, Stream 8 in the vault, Streams 9 and 10" {
	mirror MIRROR_centos mirror.stream.centos.org
	mirror MIRROR_centos_vault vault.centos.org
	# CentOS Linux 7: the release's own kernel in os/, the later ones in updates/; the image
	# package is "kernel" (not split). 7.6.1810's os/ tree is missing here.
	kernel centos-7 3.10.0-1160.el7.x86_64 kernel-devel MIRROR_centos_vault:7.9.2009/os/x86_64 \
		kernel MIRROR_centos_vault:7.9.2009/os/x86_64
	kernel centos-7 3.10.0-1160.119.1.el7.x86_64 kernel-devel MIRROR_centos_vault:7.9.2009/updates/x86_64 \
		kernel MIRROR_centos_vault:7.9.2009/updates/x86_64
	kernel centos-7 3.10.0-957.12.2.el7.x86_64 kernel-devel MIRROR_centos_vault:7.6.1810/updates/x86_64 \
		kernel MIRROR_centos_vault:7.6.1810/updates/x86_64
	# CentOS Linux 8: kernel-devel and kernel-core in BaseOS; named centos-8 as Stream 8.
	kernel centos-8 4.18.0-348.7.1.el8_5.x86_64 kernel-devel MIRROR_centos_vault:8.5.2111/BaseOS/x86_64/os \
		kernel-core MIRROR_centos_vault:8.5.2111/BaseOS/x86_64/os
	kernel centos-8 4.18.0-552.el8.x86_64 kernel-devel MIRROR_centos_vault:8-stream/BaseOS/x86_64/os \
		kernel-core MIRROR_centos_vault:8-stream/BaseOS/x86_64/os
	repo MIRROR_centos_vault 8-stream/AppStream/x86_64/os
	kernel centos-9 5.14.0-630.el9.x86_64 kernel-devel MIRROR_centos:9-stream/AppStream/x86_64/os \
		kernel-core MIRROR_centos:9-stream/BaseOS/x86_64/os
	kernel centos-10 6.12.0-150.el10.x86_64 kernel-devel MIRROR_centos:10-stream/AppStream/x86_64/os \
		kernel-core MIRROR_centos:10-stream/BaseOS/x86_64/os
	publish
	list centos
	listing_is_wanted centos
	# 23 optional point releases' trees, one of them here.
	skipped centos 22
	[[ "$output" == *"NOTE    centos: the mirror has no repository 7.6.1810-os for x86_64; skipping it"* ]]
	[[ "$output" == *"NOTE    centos: the mirror has no repository 8.0.1905-baseos for x86_64; skipping it"* ]]
	# Falco 0.43.1 asks CentOS 7's 3.10 hosts for the module only (no probe below 4.14).
	names_are \
		falco_centos_3.10.0-1160.el7.x86_64_1.ko falco_centos_3.10.0-1160.119.1.el7.x86_64_1.ko \
		falco_centos_3.10.0-957.12.2.el7.x86_64_1.ko \
		falco_centos_4.18.0-348.7.1.el8_5.x86_64_1.o falco_centos_4.18.0-348.7.1.el8_5.x86_64_1.ko \
		falco_centos_4.18.0-552.el8.x86_64_1.o falco_centos_4.18.0-552.el8.x86_64_1.ko \
		falco_centos_5.14.0-630.el9.x86_64_1.o falco_centos_5.14.0-630.el9.x86_64_1.ko \
		falco_centos_6.12.0-150.el10.x86_64_1.o falco_centos_6.12.0-150.el10.x86_64_1.ko
	loader_names_match centos
	probe 6.12.0-150.el10.x86_64 falco_centos_6.12.0-150.el10.x86_64_1.o
	# The bash loaders (Falco 0.35.1-0.36) ask CentOS 7 hosts for a probe too: one from the
	# updates/ tree.
	probe 3.10.0-1160.119.1.el7.x86_64 falco_centos_3.10.0-1160.119.1.el7.x86_64_1.o FALCO_RULES=0.35
	grep -q 'GET /vault.centos.org/7.9.2009/updates/x86_64/Packages/kernel-devel-3.10.0-1160.119.1.el7.x86_64.rpm' "$FP_HTTP_LOG"
}

@test "fedora: 43 and 44 on the main mirror, ended releases from the archive, whose updates have no os/" {
	mirror MIRROR_fedora dl.fedoraproject.org/pub/fedora/linux
	mirror MIRROR_fedora_archive archives.fedoraproject.org/pub/archive/fedora/linux
	kernel fedora-40 6.8.5-301.fc40.x86_64 kernel-devel MIRROR_fedora_archive:releases/40/Everything/x86_64/os \
		kernel-core MIRROR_fedora_archive:releases/40/Everything/x86_64/os
	kernel fedora-42 6.14.0-63.fc42.x86_64 kernel-devel MIRROR_fedora_archive:releases/42/Everything/x86_64/os \
		kernel-core MIRROR_fedora_archive:releases/42/Everything/x86_64/os
	kernel fedora-42 6.17.7-100.fc42.x86_64 kernel-devel MIRROR_fedora_archive:updates/42/Everything/x86_64 \
		kernel-core MIRROR_fedora_archive:updates/42/Everything/x86_64
	kernel fedora-43 6.17.1-300.fc43.x86_64 kernel-devel MIRROR_fedora:releases/43/Everything/x86_64/os \
		kernel-core MIRROR_fedora:releases/43/Everything/x86_64/os
	kernel fedora-43 6.17.9-300.fc43.x86_64 kernel-devel MIRROR_fedora:updates/43/Everything/x86_64 \
		kernel-core MIRROR_fedora:updates/43/Everything/x86_64
	kernel fedora-44 6.19.4-300.fc44.x86_64 kernel-devel MIRROR_fedora:releases/44/Everything/x86_64/os \
		kernel-core MIRROR_fedora:releases/44/Everything/x86_64/os
	kernel fedora-44 6.19.11-300.fc44.x86_64 kernel-devel MIRROR_fedora:updates/44/Everything/x86_64 \
		kernel-core MIRROR_fedora:updates/44/Everything/x86_64
	publish
	list fedora
	listing_is_wanted fedora
	# 12 repositories, all optional: 40's updates, 41 and 43's archive trees are not here.
	skipped fedora 5
	[[ "$output" == *"NOTE    fedora: the mirror has no repository 40-archive-updates for x86_64; skipping it"* ]]
	[[ "$output" == *"NOTE    fedora: the mirror has no repository 43-archive-releases for x86_64; skipping it"* ]]
	names_are \
		falco_fedora_6.8.5-301.fc40.x86_64_1.o falco_fedora_6.8.5-301.fc40.x86_64_1.ko \
		falco_fedora_6.14.0-63.fc42.x86_64_1.o falco_fedora_6.14.0-63.fc42.x86_64_1.ko \
		falco_fedora_6.17.7-100.fc42.x86_64_1.o falco_fedora_6.17.7-100.fc42.x86_64_1.ko \
		falco_fedora_6.17.1-300.fc43.x86_64_1.o falco_fedora_6.17.1-300.fc43.x86_64_1.ko \
		falco_fedora_6.17.9-300.fc43.x86_64_1.o falco_fedora_6.17.9-300.fc43.x86_64_1.ko \
		falco_fedora_6.19.4-300.fc44.x86_64_1.o falco_fedora_6.19.4-300.fc44.x86_64_1.ko \
		falco_fedora_6.19.11-300.fc44.x86_64_1.o falco_fedora_6.19.11-300.fc44.x86_64_1.ko
	loader_names_match fedora
	probe 6.17.7-100.fc42.x86_64 falco_fedora_6.17.7-100.fc42.x86_64_1.o
	grep -q 'GET /archives.fedoraproject.org/pub/archive/fedora/linux/updates/42/Everything/x86_64/Packages/kernel-devel-6.17.7-100.fc42.x86_64.rpm' "$FP_HTTP_LOG"
}

@test "oracle: OL7's latest and UEK R4, R5, R6; OL10's baseos, appstream and UEK R8" {
	mirror MIRROR_oracle yum.oracle.com/repo/OracleLinux
	# OL7: the Red Hat compatible kernel and its image ("kernel") in latest/; each UEK release in
	# its channel, images not split before UEK 7.
	kernel ol-7 3.10.0-1160.119.1.0.1.el7.x86_64 kernel-devel MIRROR_oracle:OL7/latest/x86_64 \
		kernel MIRROR_oracle:OL7/latest/x86_64
	kernel ol-7 4.1.12-124.93.1.el7uek.x86_64 kernel-uek-devel MIRROR_oracle:OL7/UEKR4/x86_64 \
		kernel-uek MIRROR_oracle:OL7/UEKR4/x86_64
	kernel ol-7 4.14.35-2047.543.3.el7uek.x86_64 kernel-uek-devel MIRROR_oracle:OL7/UEKR5/x86_64 \
		kernel-uek MIRROR_oracle:OL7/UEKR5/x86_64
	kernel ol-7 5.4.17-2136.339.5.el7uek.x86_64 kernel-uek-devel MIRROR_oracle:OL7/UEKR6/x86_64 \
		kernel-uek MIRROR_oracle:OL7/UEKR6/x86_64
	# OL10: kernel-devel in appstream, kernel-core in baseos; UEK 8 split too.
	kernel ol-10 6.12.0-55.12.1.0.1.el10_0.x86_64 kernel-devel MIRROR_oracle:OL10/appstream/x86_64 \
		kernel-core MIRROR_oracle:OL10/baseos/latest/x86_64
	kernel ol-10 6.12.0-100.28.2.el10uek.x86_64 kernel-uek-devel MIRROR_oracle:OL10/UEKR8/x86_64 \
		kernel-uek-core MIRROR_oracle:OL10/UEKR8/x86_64
	# OL8 and OL9, empty here (tests/rpmmd.bats has their kernels); OL9's UEK R8 is left out.
	local p
	for p in OL8/baseos/latest OL8/appstream OL8/UEKR6 OL8/UEKR7 OL9/baseos/latest OL9/appstream OL9/UEKR7; do
		repo MIRROR_oracle "$p/x86_64"
	done
	publish
	list oracle
	listing_is_wanted oracle
	skipped oracle 1
	[[ "$output" == *"NOTE    oracle: the mirror has no repository 9-uekr8 for x86_64; skipping it"* ]]
	# Falco 0.43.1 never asks for a module on UEK, nor a probe below 4.14: UEK R4's 4.1 kernel
	# gets no name from it.
	names_are \
		falco_ol_3.10.0-1160.119.1.0.1.el7.x86_64_1.ko \
		falco_ol_4.14.35-2047.543.3.el7uek.x86_64_2.o falco_ol_5.4.17-2136.339.5.el7uek.x86_64_2.o \
		falco_ol_6.12.0-55.12.1.0.1.el10_0.x86_64_1.o falco_ol_6.12.0-55.12.1.0.1.el10_0.x86_64_1.ko \
		falco_ol_6.12.0-100.28.2.el10uek.x86_64_2.o
	loader_names_match oracle
	# The bash loaders (Falco 0.35.1-0.36) ask UEK R4 hosts for both kinds.
	list oracle FALCO_RULES=0.35
	echo "$output" | grep -qx "$D/dist/$DV/x86_64/falco_ol_4.1.12-124.93.1.el7uek.x86_64_2.o"
	echo "$output" | grep -qx "$D/dist/$DV/x86_64/falco_ol_4.1.12-124.93.1.el7uek.x86_64_2.ko"
	probe 4.14.35-2047.543.3.el7uek.x86_64 falco_ol_4.14.35-2047.543.3.el7uek.x86_64_2.o
	probe 6.12.0-100.28.2.el10uek.x86_64 falco_ol_6.12.0-100.28.2.el10uek.x86_64_2.o
	grep -q 'GET /yum.oracle.com/repo/OracleLinux/OL10/UEKR8/x86_64/Packages/kernel-uek-devel-6.12.0-100.28.2.el10uek.x86_64.rpm' "$FP_HTTP_LOG"
}

# al_release ROOT RELEASEVER GUID DEVEL...: one Amazon Linux 2022/2023 release: its mirror list at
# ROOT/core/mirrors/RELEASEVER/x86_64/mirror.list names ROOT/core/guids/GUID/x86_64/ on the CDN,
# whose primary locates each package as ../../../../blobstore/<sha256>/<rpm>; every rpm (blob
# paths under ROOT/blobstore) in it.
al_release() {
	local root=$1 rv=$2 guid=$3
	shift 3
	local top=${root%%/*}
	rpmrepo_al2 "$SRV/$root" "core/guids/$guid/x86_64" xz --no-database -- "$@"
	mkdir -p "$SRV/$root/core/mirrors/$rv/x86_64"
	echo "https://$top/${root#*/}/core/guids/$guid/x86_64/" >"$SRV/$root/core/mirrors/$rv/x86_64/mirror.list"
}

# al_kernel ROOT VAR OS-RELEASE RELEASE DEVEL IMAGE: a kernel's two packages stored in
# ROOT/blobstore; prints their two blob paths; its line is wanted in the listing.
al_kernel() {
	local root=$1 var=$2 osr=$3 r=$4 dname=$5 iname=$6
	local arch=${r##*.} vr=${r%.*} d i bd bi
	d=$(rpmrepo_build "$RPMS" "$dname" "${vr%%-*}" "${vr#*-}" w9.xzdio "$arch") || return 1
	i=$(rpmrepo_build "$RPMS" "$iname" "${vr%%-*}" "${vr#*-}" w9.xzdio "$arch") || return 1
	bd=$(rpmrepo_blob "$SRV/$root" "$d") && bi=$(rpmrepo_blob "$SRV/$root" "$i") || return 1
	field() {
		# shellcheck disable=SC2016 # the listing writes the mirror as a make variable
		printf '$(%s)/%s/blobstore/%s|%s|%s' "$var" "${root#*/}" "$1" "${1%%/*}" "$(stat -c %s "$SRV/$root/blobstore/$1")"
	}
	printf 'distros/os-release/%s\t%s\t%s\t#1 SMP\tusr/src/kernels/%s\t%s\t%s\n' "$osr" "$arch" "$r" "$r" \
		"$(field "$bd")" "$(field "$bi")" >>"$WANT"
	echo "$bd $bi"
}

@test "amazonlinux2022: three releases' mirror lists, one missing; packages in the shared blobstore" {
	mirror MIRROR_amazonlinux2022 cdn.amazonlinux.com
	local root=cdn.amazonlinux.com/al2022 k1 k2
	k1=$(al_kernel $root MIRROR_amazonlinux2022 amzn-2022 5.15.73-45.135.amzn2022.x86_64 kernel-devel kernel)
	k2=$(al_kernel $root MIRROR_amazonlinux2022 amzn-2022 5.15.25-14.106.amzn2022.x86_64 kernel-devel kernel)
	# "latest" keeps both kernels; 2022.0.20220315 only its own; 2022.0.20220202 is missing.
	# shellcheck disable=SC2086 # blob paths, one word each
	al_release $root latest 5a1f2e3d4c5b6a7980aabbccddeeff00112233445566778899aabbccddeeff01 $k1 $k2
	# shellcheck disable=SC2086
	al_release $root 2022.0.20220315 6b2e3f4a5d6c7b8091bbccddeeff00112233445566778899aabbccddeeff0102 $k2
	fp_http_start "$SRV"
	MARGS=("MIRROR_amazonlinux2022=$FP_HTTP_URL/cdn.amazonlinux.com")
	list amazonlinux2022
	listing_is_wanted amazonlinux2022
	skipped amazonlinux2022 1
	[[ "$output" == *"NOTE    amazonlinux2022: the mirror has no repository core-2022.0.20220202 for x86_64; skipping it"* ]]
	# Named amazonlinux2022 by VERSION_ID, as Falco 0.35 and later name its hosts.
	names_are \
		falco_amazonlinux2022_5.15.73-45.135.amzn2022.x86_64_1.o falco_amazonlinux2022_5.15.73-45.135.amzn2022.x86_64_1.ko \
		falco_amazonlinux2022_5.15.25-14.106.amzn2022.x86_64_1.o falco_amazonlinux2022_5.15.25-14.106.amzn2022.x86_64_1.ko
	loader_names_match amazonlinux2022
	probe 5.15.25-14.106.amzn2022.x86_64 falco_amazonlinux2022_5.15.25-14.106.amzn2022.x86_64_1.o
	grep -q "GET /cdn.amazonlinux.com/al2022/core/mirrors/2022.0.20220315/x86_64/mirror.list" "$FP_HTTP_LOG"
	grep -q "GET /cdn.amazonlinux.com/al2022/blobstore/${k2%% *}" "$FP_HTTP_LOG"
}

@test "amazonlinux2023: the latest release's mirror list, kernel-devel and kernel6.12-devel" {
	mirror MIRROR_amazonlinux2023 cdn.amazonlinux.com
	local root=cdn.amazonlinux.com/al2023 k1 k2
	k1=$(al_kernel $root MIRROR_amazonlinux2023 amzn-2023 6.1.158-178.288.amzn2023.x86_64 kernel-devel kernel)
	k2=$(al_kernel $root MIRROR_amazonlinux2023 amzn-2023 6.12.58-82.121.amzn2023.x86_64 kernel6.12-devel kernel6.12)
	# shellcheck disable=SC2086 # blob paths, one word each
	al_release $root latest 0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091 $k1 $k2
	fp_http_start "$SRV"
	MARGS=("MIRROR_amazonlinux2023=$FP_HTTP_URL/cdn.amazonlinux.com")
	list amazonlinux2023
	listing_is_wanted amazonlinux2023
	skipped amazonlinux2023 0
	names_are \
		falco_amazonlinux2023_6.1.158-178.288.amzn2023.x86_64_1.o falco_amazonlinux2023_6.1.158-178.288.amzn2023.x86_64_1.ko \
		falco_amazonlinux2023_6.12.58-82.121.amzn2023.x86_64_1.o falco_amazonlinux2023_6.12.58-82.121.amzn2023.x86_64_1.ko
	loader_names_match amazonlinux2023
	probe 6.12.58-82.121.amzn2023.x86_64 falco_amazonlinux2023_6.12.58-82.121.amzn2023.x86_64_1.o
}
