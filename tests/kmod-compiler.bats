#!/usr/bin/env bats
# mk/toolchain.sh refuses a kernel's compiler it cannot name: one that is neither gcc nor clang,
# and one without a version; each is a verdict with its own reason, and no module is built.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export DV=9.9.9+kmod
}

setup() {
	load lib/common
	load lib/tinyrepo
	D=$BATS_TEST_TMPDIR/t
	K=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.ko
}

kmake() {
	fpmake "$1" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" "${@:2}"
}

@test "kmod compiler: a kernel built by a compiler that is neither gcc nor clang is a verdict naming it" {
	export TINY_CC_TEXT="Acme CC 12.2.0"
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$K" ]
	grep -qx "reason=no compiler: the kernel was built with 'Acme CC 12.2.0', a compiler this project does not know" "$D/build/verdicts/$K"
}

@test "kmod compiler: a kernel's gcc without a version is a verdict saying so" {
	export TINY_CC_TEXT="gcc (Debian)"
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$K" ]
	grep -qx "reason=no compiler: no version in the kernel's compiler 'gcc (Debian)'" "$D/build/verdicts/$K"
}
