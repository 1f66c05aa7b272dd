#!/usr/bin/env bats
# What mk/build-output.sh checks of a kernel's headers and of the object kbuild made, before an
# output is published under a kernel's name: the headers must name the kernel the index names
# (uname -v as well as uname -r: Debian's names carry the version of uname -v), and a probe must
# be an eBPF ELF object. Each failure is a verdict with its reason, and nothing is published.
#
# Hermetic: tiny kernels from a listing (tests/lib/tinyrepo.bash), the tiny driver, and copies of
# it whose bpf/Makefile makes something else than an eBPF probe.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export DV=9.9.9+test
}

setup() {
	load lib/common
	load lib/tinyrepo
	D=$BATS_TEST_TMPDIR/t
	mkdir -p "$D/debs"
}

teardown() {
	fp_http_stop_all
}

# one_kernel DIR ABI [UTS_VERSION]: a listing of one kernel (its index says uname -v is
# "#1 SMP PREEMPT_DYNAMIC Debian ABI (2026-01-01)"), whose headers say UTS_VERSION.
one_kernel() {
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n' >"$1/os-release"
	# shellcheck disable=SC2046
	listing_line "$1/os-release" "$2" $(tinykernel_debs "$1/debs" "$2" amd64 "$2" "${3:-}") >"$1/listing.tsv"
	export LISTING=$1/listing.tsv
}

# driver_making DIR RECIPE: a copy of the tiny driver whose bpf/Makefile runs RECIPE (one shell
# line, in bpf/) instead of kbuild.
driver_making() {
	cp -R "$TOP/tests/fixtures/tiny-driver" "$1"
	printf 'KERNELDIR ?= /nonexistent\nall:\n\t%s\n' "$2" >"$1/bpf/Makefile"
}

@test "headers: a UTS_VERSION unlike the index's uname -v is a verdict naming both names; nothing is published" {
	one_kernel "$D" 9.9.0-1 '#1 SMP PREEMPT_DYNAMIC Debian 9.9.7-1 (2026-01-01)'
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	[ ! -e "$D/dist/$DV/x86_64/falco_debian_9.9.7-1-amd64_1.o" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: the headers name this kernel falco_debian_9.9.7-1-amd64_1.o, not falco_debian_9.9.0-1-amd64_1.o"
	grep -qx 'reason=the headers name this kernel falco_debian_9.9.7-1-amd64_1.o, not falco_debian_9.9.0-1-amd64_1.o' \
		"$D/build/verdicts/$P"
	[ -z "$(find "$D/build/records" -type f 2>/dev/null)" ]
}

@test "headers: the same kernel whose UTS_VERSION agrees with the index is built and published" {
	one_kernel "$D" 9.9.0-1 '#1 SMP PREEMPT_DYNAMIC Debian 9.9.0-1 (2026-01-01)'
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$D/dist/$P" ]
	[ ! -e "$D/build/verdicts/$P" ]
}

@test "headers: Linux 7's Debian headers, which name their build directory by its installed path, are built where they are extracted" {
	export TINY_KBUILD_OUTPUT=1
	one_kernel "$D" 9.9.0-1
	grep -qx 'KBUILD_OUTPUT=/usr/src/linux-headers-9.9.0-1-amd64' <(dpkg-deb --fsys-tarfile "$D"/debs/linux-headers-9.9.0-1-amd64_*.deb |
		tar -xOf - ./usr/src/linux-headers-9.9.0-1-amd64/Makefile)
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$D/dist/$P" ]
}

@test "headers: a probe.o that is an x86 ELF object, not eBPF, is a verdict; nothing is published" {
	one_kernel "$D" 9.9.0-1
	driver_making "$D/driver" "echo 'int x;' >host.c && cc -c host.c -o probe.o"
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: probe.o is not an eBPF ELF object"
	grep -qx 'reason=probe.o is not an eBPF ELF object' "$D/build/verdicts/$P"
	[ -z "$(find "$D/build/records" -type f 2>/dev/null)" ]
}

@test "headers: a probe.o that is no ELF file, though it has EM_BPF's bytes where e_machine goes, is a verdict" {
	one_kernel "$D" 9.9.0-1
	# 20 bytes: not the ELF magic, then 0xf7 0x00 at offset 18 (e_machine in an ELF header).
	driver_making "$D/driver" "printf 'NOTANELF0123456789\\367\\000' >probe.o"
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: probe.o is not an eBPF ELF object"
	grep -qx 'reason=probe.o is not an eBPF ELF object' "$D/build/verdicts/$P"
}

@test "headers: a kbuild that makes no probe.o is a verdict saying so" {
	one_kernel "$D" 9.9.0-1
	driver_making "$D/driver" "true"
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: kbuild made no probe.o"
	grep -qx 'reason=kbuild made no probe.o' "$D/build/verdicts/$P"
}

@test "headers: a tree its distribution's fixup could not prepare is not built from, and is no verdict" {
	one_kernel "$D" 9.9.0-1
	# Debian's own preparation, then a failure: the tree looks prepared, and builds.
	printf '#!/bin/sh\nsh %s/mk/fixup-debian.sh "$@" || exit\necho "fixup: cannot finish preparing $1" >&2\nexit 1\n' \
		"$TOP" >"$D/fixup.sh"
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	run fpmake "$D" -k tiny tiny_FIXUP="$D/fixup.sh"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "fault:  $D/dist/$P: $D/fixup.sh could not prepare "
	[ ! -e "$D/build/verdicts/$P" ]
	grep -q 'fixup: cannot finish preparing' "$D"/build/logs/tiny/*.tree.log
}
