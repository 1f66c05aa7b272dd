#!/usr/bin/env bats
# Kernel modules for kernels older than 5.8, whose headers have no CONFIG_CC_VERSION_TEXT: the
# compiler is named by compile.h's LINUX_COMPILER, CONFIG_GCC_VERSION or, failing those, the
# banner of the kernel's image package (mk/kernel-tree.sh, tools/kernel-banner), and a series
# before gcc 5 by major and minor (mk/toolchain.sh).
#
# Fixtures first: rpm-md repositories made with rpmbuild and createrepo_c, laid out as CentOS 7's
# vault and Amazon Linux 2's CDN, whose kernel-devel trees name their compiler only in compile.h
# (CentOS 7's gcc 4.8.5) or not at all, leaving it to the kernel rpm's vmlinuz (Amazon Linux 2's
# gcc 7.3.1). Those trees are the tiny kernel's; the vmlinuz is a stand-in: the banner a real
# image carries, gzip-compressed after a setup part as in a bzImage (the real images of Debian
# and Ubuntu are read by the live tests). Then live: real modules of the real driver sources for
# Ubuntu's xenial 4.4, bionic 4.15 and focal 5.4 kernels, each by its compiler from a root made of
# Ubuntu's signed packages, each proven in its own kernel under qemu.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	# shellcheck source=lib/common.bash
	source "$TOP/tests/lib/common.bash"
	# shellcheck source=lib/rpmrepo.bash
	source "$TOP/tests/lib/rpmrepo.bash"
	local top=$BATS_FILE_TMPDIR/rpmbuild srv=$BATS_FILE_TMPDIR/srv
	export SRV=$srv
	# CentOS 7: compile.h names the compiler; the kernel rpm must never be needed.
	export C7=3.10.0-1160.119.1.el7.x86_64
	stage_tree "$top/c7" "$C7" 'gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) '
	mkdir -p "$top/c7i/boot"
	echo "not read: compile.h names the compiler" >"$top/c7i/boot/vmlinuz-$C7"
	rpmrepo_plain "$srv/centos" 7.9.2009/os/x86_64 gz \
		"$(rpmrepo_build "$top" kernel-devel 3.10.0 1160.119.1.el7 w9.xzdio x86_64 "$top/c7")" \
		"$(rpmrepo_build "$top" kernel 3.10.0 1160.119.1.el7 w9.xzdio x86_64 "$top/c7i")"
	# Amazon Linux 2: nothing in the headers; the kernel rpm's vmlinuz says gcc 7.3.1.
	export AL2=4.14.355-275.570.amzn2.x86_64
	stage_tree "$top/al2" "$AL2" ''
	mkdir -p "$top/al2i/boot"
	{
		head -c 4096 /dev/zero | tr '\0' 'S'
		{
			head -c 65536 /dev/zero
			printf 'Linux version %s (mockbuild@ip-10-0-1-143) (gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)) #1 SMP Mon Jan 1 00:00:00 UTC 2026\n\0' "$AL2"
			head -c 65536 /dev/zero
		} | gzip -n -9
	} >"$top/al2i/boot/vmlinuz-$AL2"
	local d i
	d=$(rpmrepo_blob "$srv/al2" "$(rpmrepo_build "$top" kernel-devel 4.14.355 275.570.amzn2 w19.zstdio x86_64 "$top/al2")")
	i=$(rpmrepo_blob "$srv/al2" "$(rpmrepo_build "$top" kernel 4.14.355 275.570.amzn2 w9.xzdio x86_64 "$top/al2i")")
	export AL2_IMAGE=${i%%/*}
	rpmrepo_al2 "$srv/al2" 2/core/2.0/x86_64/c0ffee01 gz -- "$d" "$i"
	mkdir -p "$srv/al2/2/core/2.0/x86_64" "$srv/al2/2/core/latest/x86_64"
	echo 'https://cdn.amazonlinux.com/2/core/2.0/$basearch/c0ffee01' >"$srv/al2/2/core/2.0/x86_64/mirror.list"
	echo 'https://cdn.amazonlinux.com/2/core/2.0/$basearch/c0ffee01' >"$srv/al2/2/core/latest/x86_64/mirror.list"
	export DV=9.9.9+kmod
	export K_C7=$DV/x86_64/falco_centos_${C7}_1.ko K_AL2=$DV/x86_64/falco_amazonlinux2_${AL2}_1.ko

	# shellcheck source=lib/live.bash
	source "$TOP/tests/lib/live.bash"
	export UBUNTU_SKIP=
	if ! curl -sfI --max-time 20 http://archive.ubuntu.com/ubuntu/dists/focal/InRelease >/dev/null; then
		UBUNTU_SKIP="the official Ubuntu archive does not answer from here"
	fi
	live_setup "$BATS_FILE_TMPDIR/live"
}

teardown_file() {
	# shellcheck source=lib/common.bash
	source "$TOP/tests/lib/common.bash"
	fp_http_stop_all
}

setup() {
	load lib/common
	load lib/live
}

teardown() {
	fp_http_stop_all
}

# stage_tree DIR RELEASE COMPILER: a kernel-devel's files, the tiny kernel's kbuild at
# usr/src/kernels/RELEASE, naming COMPILER in compile.h (nothing, if empty) and no
# CONFIG_CC_VERSION_TEXT, as the headers of kernels before 5.8 are.
stage_tree() {
	local t=$1/usr/src/kernels/$2
	mkdir -p "$t/include/generated" "$t/include/config" "$t/include/linux"
	cp "$TOP/tests/fixtures/tiny-kernel/Makefile" "$t/Makefile"
	echo "#define UTS_RELEASE \"$2\"" >"$t/include/generated/utsrelease.h"
	echo '/* headers */' >"$t/include/linux/kernel.h"
	echo 'CONFIG_MODULES=y' >"$t/include/config/auto.conf"
	[ -z "$3" ] || printf '#define UTS_MACHINE "x86_64"\n#define LINUX_COMPILER "%s"\n' "$3" >"$t/include/generated/compile.h"
}

# rpmake DIR ARGS...: the tiny module driver for CentOS 7 and Amazon Linux 2 from the fixtures.
rpmake() {
	fp_make "$1" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" \
		MIRROR_centos_vault="file://$SRV/centos" 'centos_REPOS=7.9.2009-os|MIRROR_centos_vault|7.9.2009/os/{arch}|centos-7' \
		MIRROR_amazonlinux2="file://$SRV/al2" "${@:2}"
}

@test "old kernels: CentOS 7's compile.h names gcc 4.8.5, a gcc-4.8 (by major and minor); the image is never fetched" {
	d=$BATS_TEST_TMPDIR/c7
	run rpmake "$d" TOOLCHAINS= "$d/dist/$K_C7"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$d/dist/$K_C7" ]
	grep -qxF "reason=no compiler: no gcc-4.8 for the kernel's compiler 'gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) ' (distros/toolchains.mk names none)" \
		"$d/build/verdicts/$K_C7"
	grep -qxF "kernel compiler: gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC)  (from compile.h)" "$d/build/logs/$K_C7.log"
	# Only kernel-devel came down.
	[ "$(ls "$d/cache/packages" | wc -l)" -eq 1 ]
}

@test "old kernels: Amazon Linux 2's kernel rpm's banner names gcc 7.3.1 where its headers name none" {
	d=$BATS_TEST_TMPDIR/al2
	run rpmake "$d" TOOLCHAINS= "$d/dist/$K_AL2"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -qxF "reason=no compiler: no gcc-7 for the kernel's compiler 'gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)' (distros/toolchains.mk names none)" \
		"$d/build/verdicts/$K_AL2"
	grep -qxF "kernel compiler: gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC) (from image)" "$d/build/logs/$K_AL2.log"
	# The image came by its hash, into the package cache, where boot verification finds it.
	[ -f "$d/cache/packages/$AL2_IMAGE" ]
	[ "$(sha256sum "$d/cache/packages/$AL2_IMAGE" | cut -c1-64)" = "$AL2_IMAGE" ]
}

@test "old kernels: an image that cannot be had is a fault, not a kernel without a compiler" {
	s=$BATS_TEST_TMPDIR/srv
	cp -a "$SRV" "$s"
	rm "$s/al2/blobstore/$AL2_IMAGE"/*
	d=$BATS_TEST_TMPDIR/lost
	run fp_make "$d" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" MIRROR_amazonlinux2="file://$s/al2" \
		TOOLCHAINS= -k amazonlinux2
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "^  fault:  $d/dist/$K_AL2: cannot tell the kernel's compiler: cannot download the kernel image file://$s/al2/blobstore/$AL2_IMAGE/"
	[ ! -e "$d/build/verdicts/$K_AL2" ]
	# The probe of the same kernel needs no compiler of the kernel's: it is built.
	[ -f "$d/dist/${K_AL2%.ko}.o" ]
}

@test "old kernels (live): CentOS 7's module by a gcc-4.8 root (Ubuntu xenial), Amazon Linux 2's by a gcc-7 root (bionic)" {
	[ -z "$UBUNTU_SKIP" ] || skip "$UBUNTU_SKIP"
	d=$BATS_FILE_TMPDIR/roots
	run rpmake "$d" CACHE="${FP_LIVE_DIR:-$TOP/build/live}/cache" "$d/dist/$K_C7" "$d/dist/$K_AL2"
	echo "$output"
	[ "$status" -eq 0 ]
	rec=$d/build/records/$K_C7.rec
	grep -qx 'kernel_compiler_from=compile.h' "$rec"
	grep -q '^compiler=gcc-4\.8 (Ubuntu 4\.8\.[0-9]' "$rec"
	! grep -qx 'toolchain_root=-' "$rec" || false
	rec=$d/build/records/$K_AL2.rec
	grep -qx 'kernel_compiler=gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)' "$rec"
	grep -qx 'kernel_compiler_from=image' "$rec"
	grep -q '^compiler=gcc-7 (Ubuntu 7\.' "$rec"
	[ "$(modinfo -F vermagic "$d/dist/$K_AL2")" = "$AL2 SMP mod_unload " ]
}

# The newest plain generic kernel of a series in an Ubuntu listing.
newest_generic() {
	awk -F'\t' -v o="distros/os-release/$1" -v s="$2" '$1 == o && index($3, s) == 1 && $3 ~ /^[0-9.]+-[0-9]+-generic$/ { print $3 }' \
		"$U/build/listing/ubuntu.tsv" | sort -V | tail -n 1
}

umake() {
	lmake "$U" ubuntu_COMPONENTS=main FALCO_VERSIONS="0.44.1 0.43.1" \
		"ubuntu_SUITES=xenial-updates|MIRROR_ubuntu|ubuntu-16.04 bionic-updates|MIRROR_ubuntu|ubuntu-18.04 focal-updates|MIRROR_ubuntu|ubuntu-20.04" ARCHES=x86_64 "$@"
}

# ubuntu_old OS SERIES COMPILER: 0.44.1's and 0.43.1's modules of the newest generic kernel of
# SERIES, built by COMPILER (gcc-N) from a root, each passing in its own kernel.
ubuntu_old() {
	live_ready
	[ -z "$UBUNTU_SKIP" ] || skip "$UBUNTU_SKIP"
	export U=$BATS_FILE_TMPDIR/ubuntu
	[ -f "$U/build/listing/ubuntu.tsv" ] || umake list-ubuntu >/dev/null
	r=$(newest_generic "$1" "$2")
	[ -n "$r" ]
	local ks=() k
	for k in $(umake -s list-ubuntu | grep -E "/falco_ubuntu-generic_${r}_[0-9]+\.ko$"); do
		ks+=("$k" "$k.verified")
	done
	[ "${#ks[@]}" -eq 4 ]
	run umake -j2 "${ks[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	for k in "${ks[@]}"; do
		case $k in *.verified) continue ;; esac
		rec=$U/build/records/${k#"$U/dist/"}.rec
		grep -qx 'kernel_compiler_from=compile.h' "$rec"
		grep -q "^compiler=$3 (Ubuntu " "$rec"
		! grep -qx 'toolchain_root=-' "$rec" || false
		[[ "$(modinfo -F vermagic "$k")" == "$r SMP "* ]]
		grep -qx 'result=PASS' "$k.verified"
		grep -qx "kernel=$r" "$k.verified"
		grep -qx 'event_openat=seen' "$k.verified"
		[ "$(sed -n 's/^events_seen=//p' "$k.verified")" -gt 0 ]
	done
	# The real image's banner (tools/kernel-banner) names the compiler compile.h names.
	image=$CACHE/packages/$(sed -n 's/^image=//p' "${ks[0]}.verified")
	mkdir -p "$BATS_TEST_TMPDIR/image"
	"$FP_BIN/extract" --quiet --exclude 'lib/modules/*/kernel/*' --exclude 'usr/*' "$image" "$BATS_TEST_TMPDIR/image"
	[ "$("$FP_BIN/kernel-banner" --compiler "$BATS_TEST_TMPDIR/image/boot/vmlinuz-$r")" = \
		"$(sed -n 's/^kernel_compiler=//p' "$U/build/records/${ks[0]#"$U/dist/"}.rec")" ]
}

@test "old kernels (live): Ubuntu 16.04's 4.4, by xenial's gcc-5: 0.44.1's and 0.43.1's modules pass in their kernel" {
	ubuntu_old ubuntu-16.04 4.4.0- gcc-5
}

@test "old kernels (live): Ubuntu 18.04's 4.15, by bionic's gcc-7: 0.44.1's and 0.43.1's modules pass in their kernel" {
	ubuntu_old ubuntu-18.04 4.15.0- gcc-7
}

@test "old kernels (live): Ubuntu 20.04's 5.4, by focal's gcc-9: 0.44.1's and 0.43.1's modules pass in their kernel" {
	ubuntu_old ubuntu-20.04 5.4.0- gcc-9
}
