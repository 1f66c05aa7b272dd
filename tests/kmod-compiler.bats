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

# The module's record: the kernel's compiler, what named it, and the compiler used.
compiled_by() {
	local rec=$D/build/records/$K.rec
	cat "$rec"
	grep -qxF "kernel_compiler=$1" "$rec"
	grep -qx "kernel_compiler_from=$2" "$rec"
	grep -qx "compiler=$($3 --version | head -n 1)" "$rec"
	grep -qx 'toolchain_root=-' "$rec"
}

@test "kmod compiler: without CONFIG_CC_VERSION_TEXT, compile.h names it (a kernel older than 5.8)" {
	export TINY_CC_TEXT= TINY_COMPILE_H="gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)"
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	compiled_by "gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)" compile.h gcc-11
}

@test "kmod compiler: without either, CONFIG_GCC_VERSION names it (120200 is gcc 12.2.0)" {
	export TINY_CC_TEXT= TINY_GCC_VERSION=120200
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	compiled_by "gcc version 12.2.0" CONFIG_GCC_VERSION gcc-12
}

@test "kmod compiler: the first that names it wins: CONFIG_CC_VERSION_TEXT, then compile.h, then CONFIG_GCC_VERSION; no image is fetched" {
	mkdir -p "$D/debs"
	export TINY_IMAGE
	TINY_IMAGE=$(tinykernel_image_deb "$D/debs" 9.9.0-1 amd64 9.9.0-1 "gcc version 99.1.0 (never read)")
	export TINY_COMPILE_H="gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)" TINY_GCC_VERSION=990100
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	compiled_by "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0" CONFIG_CC_VERSION_TEXT gcc-12
	export TINY_CC_TEXT=
	rm -rf "$D"
	mkdir -p "$D/debs"
	TINY_IMAGE=$(tinykernel_image_deb "$D/debs" 9.9.0-1 amd64 9.9.0-1 "gcc version 99.1.0 (never read)")
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	compiled_by "gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)" compile.h gcc-11
	[ ! -e "$D/cache/packages/$(sha256sum "$TINY_IMAGE" | cut -c1-64)" ]
}

@test "kmod compiler: where the headers name none, the image package's banner does; it is fetched then, by its hash" {
	mkdir -p "$D/debs"
	export TINY_CC_TEXT= TINY_IMAGE
	TINY_IMAGE=$(tinykernel_image_deb "$D/debs" 9.9.0-1 amd64 9.9.0-1 "gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04), GNU ld (GNU Binutils for Ubuntu) 2.38")
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	compiled_by "gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04), GNU ld (GNU Binutils for Ubuntu) 2.38" image gcc-11
	cmp "$TINY_IMAGE" "$D/cache/packages/$(sha256sum "$TINY_IMAGE" | cut -c1-64)"
}

@test "kmod compiler: nothing names it (no text, no compile.h, no CONFIG_GCC_VERSION, no image) is a verdict saying so" {
	export TINY_CC_TEXT=
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -qx "reason=no compiler: nothing names the kernel's compiler (no CONFIG_CC_VERSION_TEXT, compile.h, CONFIG_GCC_VERSION or image banner)" \
		"$D/build/verdicts/$K"
}

@test "kmod compiler: a compiler whose root cannot be made (its mirror is down) is a fault, not a verdict" {
	export TINY_CC_TEXT="gcc-99 (Debian 99.1.0-1) 99.1.0"
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	# No host has a gcc-99: it must come from a root, from a mirror that does not answer.
	! command -v gcc-99 || false
	run kmake "$D" -k "$D/dist/$K" TOOLCHAINS='gcc-99|debian|bookworm|MIRROR_gone' \
		MIRROR_gone="file://$BATS_TEST_TMPDIR/gone"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$K" ]
	echo "$output" | grep -q "FAULT .*cannot get the kernel's compiler: gcc-99: mmdebstrap could not make a debian bookworm root from file://$BATS_TEST_TMPDIR/gone"
	[ ! -e "$D/build/verdicts/$K" ]
}
