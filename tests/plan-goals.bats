#!/usr/bin/env bats
# A distribution's goal (`make tiny`) builds what tools/plan plans: an output is planned again
# when an input of its rule is newer than it (the driver tree, the toolchain's stamp, the
# kernel's identity), and a verdict holds only while it is newer than every input. These run the
# goal, not the outputs by path (make's own rules would rebuild those whatever the plan says).
#
# Hermetic: tiny kernels from a listing (tests/lib/tinyrepo.bash) and a copy of the tiny driver.

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
	tinyrepo_setup "$D" 9.9.0-1 9.9.0-2 >/dev/null
	cp -R "$TOP/tests/fixtures/tiny-driver" "$D/driver"
	P1=$D/dist/$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o P2=$D/dist/$DV/x86_64/falco_debian_9.9.0-2-amd64_1.o
}

teardown() {
	fp_http_stop_all
}

gmake() {
	fpmake "$1" DRIVER_SOURCE="$D/driver" "${@:2}"
}

@test "plan: a changed driver tree plans every output of the goal again; a touched, unchanged one plans none" {
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
	sleep 1
	touch "$D/driver/bpf/probe.c"
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 2 up to date, 0 failed'
	echo '/* changed */' >>"$D/driver/bpf/probe.c"
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
}

@test "plan: changed compiler flags plan every output of the goal again, and nothing after that" {
	run gmake "$D" tiny
	[ "$status" -eq 0 ]
	run gmake "$D" tiny FP_KBUILD_ARGS=V=1
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
	run gmake "$D" tiny FP_KBUILD_ARGS=V=1
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 2 up to date, 0 failed'
}

@test "plan: a verdict holds while its inputs are older; a changed driver tree voids it" {
	printf 'KERNELDIR ?= /nonexistent\nall:\n\t@echo "error: this driver breaks"; exit 1\n' >"$D/driver/bpf/Makefile"
	run gmake "$D" -k tiny
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 0 up to date, 2 failed'
	[ -f "$D/build/verdicts/$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o" ]
	run gmake "$D" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^tiny: 2 outputs: 0 built, 0 up to date, 0 failed; 2 failed before with the same inputs'
	sleep 1
	cp "$TOP/tests/fixtures/tiny-driver/bpf/Makefile" "$D/driver/bpf/Makefile"
	run gmake "$D" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
	[ ! -e "$D/build/verdicts/$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o" ]
	[ -f "$P1" ]
	[ -f "$P2" ]
}

@test "plan: an output removed from dist/ is planned again on the next run of the goal" {
	run gmake "$D" tiny
	[ "$status" -eq 0 ]
	rm "$P1"
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 1 built, 1 up to date, 0 failed'
	[ -f "$P1" ]
}

@test "plan: RETRY_FAILED=1 plans again what failed with the same inputs" {
	printf 'KERNELDIR ?= /nonexistent\nall:\n\t@echo "error: this driver breaks"; exit 1\n' >"$D/driver/bpf/Makefile"
	run gmake "$D" -k tiny
	[ "$status" -ne 0 ]
	run gmake "$D" -k tiny RETRY_FAILED=1
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 0 up to date, 2 failed'
}

@test "plan: made on every run, so an output removed after a run that planned nothing is planned again" {
	run gmake "$D" tiny
	[ "$status" -eq 0 ]
	# A run with nothing to do: its plan is empty.
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 2 up to date, 0 failed'
	grep -qx 'PLANNED.tiny := 0' "$D/build/plan/tiny.mk"
	# Nothing the plan is made from changes; only dist/ does.
	rm "$P1"
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 1 built, 1 up to date, 0 failed'
	[ -f "$P1" ]
}
