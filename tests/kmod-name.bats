#!/usr/bin/env bats
# A module is published only when it is the driver Falco loads by its name (mk/build-output.sh:
# modinfo's name must be the driver's module). Hermetic: a tiny kernel whose stand-in kbuild
# names the module otherwise ($TINY_MODULE_NAME, tests/fixtures/tiny-kernel/Makefile), and the
# tiny driver with a module.

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
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	K=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.ko
}

teardown() {
	fp_http_stop_all
}

kmake() {
	fpmake "$1" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" "${@:2}"
}

@test "kmod name: a module whose modinfo name is not the driver's is a verdict; nothing is published" {
	export TINY_MODULE_NAME=other
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$K" ]
	echo "$output" | grep -qF "FAILED  tiny 9.9.0-1-amd64: the module is named 'other', not tiny"
	grep -qx "reason=the module is named 'other', not tiny" "$D/build/verdicts/$K"
}

@test "kmod name: the same module named as the driver is published" {
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$D/dist/$K" ]
	[ "$(modinfo -F name "$D/dist/$K")" = tiny ]
}

# Kernels before 5.3 keep no name in .modinfo: the name is read from the module's struct module.
@test "kmod name: a module of a kernel before 5.3 is named by its struct module, and published when that is the driver's" {
	export TINY_OLD_MODULE=1
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$D/dist/$K" ]
	[ -z "$(modinfo -F name "$D/dist/$K")" ]
}

@test "kmod name: a module of a kernel before 5.3 whose struct module names another is a verdict naming it" {
	export TINY_OLD_MODULE=1 TINY_MODULE_NAME=other
	run kmake "$D" "$D/dist/$K"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$K" ]
	grep -qx "reason=the module is named 'other', not tiny" "$D/build/verdicts/$K"
}
