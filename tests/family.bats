#!/usr/bin/env bats
# The one family infrastructure (mk/family.mk): a new distribution of an existing family is one
# distros/<d>.mk and its os-release file, nothing else. A copy of the project (its tracked files)
# gets distros/acme.mk, an apt distribution whose signed repository (dpkg-deb, apt-ftparchive,
# gpg) is served over file://, and distros/os-release/acme-1; make lists and builds it as any
# other. The same distribution shows the output modes: one label per step by default, every
# command with V=1, nothing at all with -s.

load lib/common
load lib/aptrepo
bats_require_minimum_version 1.5.0

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export ARCHIVE=$BATS_FILE_TMPDIR/repo COPY=$BATS_FILE_TMPDIR/project
	aptrepo_init "$ARCHIVE"
	local kbuild=$TOP/tests/fixtures/tiny-kernel/Makefile abi
	for abi in 6.18.0-1 6.18.0-2; do
		aptrepo_add_deb "$ARCHIVE" acme-stable "linux-headers-$abi-common" "$abi" "" \
			"usr/src/linux-headers-$abi-common/Makefile<$kbuild" >/dev/null
		aptrepo_add_deb "$ARCHIVE" acme-stable "linux-headers-$abi-amd64" "$abi" \
			"linux-headers-$abi-common (= $abi)" \
			"usr/src/linux-headers-$abi-amd64/Makefile=include /usr/src/linux-headers-$abi-common/Makefile" \
			"usr/src/linux-headers-$abi-amd64/include/generated/utsrelease.h=#define UTS_RELEASE \"$abi-amd64\"" \
			"usr/src/linux-headers-$abi-amd64/include/generated/utsversion.h=#define UTS_VERSION \"#1 SMP Acme $abi\"" \
			>/dev/null
	done
	aptrepo_publish "$ARCHIVE" acme-stable >/dev/null
	export KEYRING
	KEYRING=$(aptrepo_keyring "$ARCHIVE")

	# The project as it is committed, and the two files of the new distribution.
	mkdir -p "$COPY"
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - --) |
		tar -xf - -C "$COPY"
	cat >"$COPY/distros/acme.mk" <<EOF
# Acme Linux, a distribution of the apt family.
DISTROS += acme
acme_FAMILY := apt
acme_STYLE := debian
acme_FIXUP := mk/fixup-debian.sh
acme_NAMES := falco_acme_%
acme_KEYRING := $KEYRING
MIRROR_acme ?= file://$ARCHIVE
acme_SUITES ?= acme-stable|MIRROR_acme|acme-1
acme_COMPONENTS ?= main
acme_ARCHES ?= x86_64|amd64|amd64
EOF
	printf 'NAME="Acme Linux"\nID=acme\nVERSION_ID="1"\n' >"$COPY/distros/os-release/acme-1"
	export DV=9.9.9+test
	export P1=$BATS_FILE_TMPDIR/out/dist/$DV/x86_64/falco_acme_6.18.0-1-amd64_1.o
	export P2=$BATS_FILE_TMPDIR/out/dist/$DV/x86_64/falco_acme_6.18.0-2-amd64_1.o
}

teardown_file() {
	aptrepo_cleanup "$ARCHIVE"
}

# make in the copy, its outputs in DIR.
amake() {
	FP_MAKE_TOP=$COPY fp_make "$1" WORK_DIR="$1/work" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "${@:2}"
}

@test "family: a distribution added as distros/<d>.mk and its os-release file is listed and built" {
	d=$BATS_FILE_TMPDIR/out
	run amake "$d" list-acme
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep '/falco_acme_')" = "$(printf '%s\n' "$P1" "$P2")" ]
	run amake "$d" -j2 acme
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'acme: 2 outputs: 2 built, 0 up to date, 0 failed'
	file "$P1" | grep -q 'eBPF'
	file "$P2" | grep -q 'eBPF'
	# Only the new files differ from the project.
	diff -r --exclude=acme.mk --exclude=acme-1 "$TOP/distros" "$COPY/distros"
	diff -r "$TOP/mk" "$COPY/mk"
}

@test "family: one label per step by default, the commands with V=1, and nothing with -s" {
	d=$BATS_TEST_TMPDIR/labels
	run amake "$d" -j2 acme
	echo "$output"
	[ "$status" -eq 0 ]
	for label in DRIVER LIST KERNELS PLAN FETCH TREE PROBE; do
		echo "$output" | grep -q "^  $label  *[^ ]"
	done
	# A step's label once: each kernel's tree, each output.
	[ "$(echo "$output" | grep -c '^  TREE    acme ')" -eq 2 ]
	[ "$(echo "$output" | grep -c '^  PROBE   acme ')" -eq 2 ]
	! echo "$output" | grep -q 'mk/build-output.sh' || false

	d=$BATS_TEST_TMPDIR/verbose
	run amake "$d" V=1 -j2 acme
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'sh mk/build-output.sh .*/falco_acme_6.18.0-1-amd64_1.o'
	echo "$output" | grep -q 'sh mk/kernel-tree.sh '
	! echo "$output" | grep -q '^  PROBE   ' || false

	d=$BATS_TEST_TMPDIR/silent
	run --separate-stderr amake "$d" -s -j2 acme
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ -f "${P1/$BATS_FILE_TMPDIR\/out/$d}" ]
	# Nothing to do is silent too, and a failure still speaks.
	run --separate-stderr amake "$d" -s acme
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	run --separate-stderr amake "$d" -s MIRROR_acme=file:///nonexistent acme
	[ "$status" -ne 0 ]
	echo "$stderr" | grep -q 'error: acme: the mirror has no suite acme-stable at file:///nonexistent/dists/acme-stable'
}
