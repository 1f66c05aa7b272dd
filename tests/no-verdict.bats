#!/usr/bin/env bats
# What is no fact about a kernel or a driver never becomes a verdict (mk/build-output.sh's fail,
# mk/lib.sh's interrupted): a compile that runs out of disk, a kbuild killed by a signal, a run
# whose make has gone. Each is a failure with its own reason, no verdict is kept, and nothing is
# published; the next run tries again.
#
# Hermetic: tiny kernels from a listing (tests/lib/tinyrepo.bash), copies of the tiny driver
# whose bpf/Makefile fails as the fault would, and mk/lib.sh sourced on its own.

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
	tinyrepo_setup "$D" 9.9.0-1 >/dev/null
	P=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
	cp -R "$TOP/tests/fixtures/tiny-driver" "$D/driver"
}

teardown() {
	fp_http_stop_all
}

# recipe TEXT: the driver copy's bpf/Makefile runs TEXT (one shell line) instead of kbuild.
recipe() {
	printf 'KERNELDIR ?= /nonexistent\nall:\n\t%s\n' "$1" >"$D/driver/bpf/Makefile"
}

@test "no verdict: a compile that runs out of disk fails saying so, and keeps no verdict" {
	recipe '@echo "probe.o: write error: No space left on device" >&2; exit 1'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: kbuild did not finish (status 2): no space left on device under "
	[ ! -e "$D/build/verdicts/$P" ]
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 1 failed'
}

@test "no verdict: a kbuild killed by a signal fails naming its status, and keeps no verdict" {
	recipe 'kill -9 $$PPID'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "failed: $D/dist/$P: kbuild did not finish (status 137)"
	[ ! -e "$D/build/verdicts/$P" ]
}

@test "no verdict: a driver that does not compile is a verdict (the faults above are told apart from it)" {
	recipe '@echo "probe.c:1: error: this driver breaks" >&2; exit 1'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -qF "failed: $D/dist/$P: kbuild failed: probe.c:1: error: this driver breaks"
	grep -qx 'reason=kbuild failed: probe.c:1: error: this driver breaks' "$D/build/verdicts/$P"
}

@test "interrupted (mk/lib.sh): make gone, or the work directory gone, is an interruption; neither is not" {
	mkdir -p "$BATS_TEST_TMPDIR/work"
	sleep 0 &
	local gone=$!
	wait "$gone"
	run sh -c '. "$1/mk/lib.sh"; FP_MAKE_PID=$2 interrupted "$3"' sh "$TOP" "$gone" "$BATS_TEST_TMPDIR/work"
	[ "$status" -eq 0 ]
	run sh -c '. "$1/mk/lib.sh"; FP_MAKE_PID=$2 interrupted "$3"' sh "$TOP" "$$" "$BATS_TEST_TMPDIR/work"
	[ "$status" -eq 1 ]
	run sh -c '. "$1/mk/lib.sh"; FP_MAKE_PID=$2 interrupted "$3"' sh "$TOP" "$$" "$BATS_TEST_TMPDIR/nowork"
	[ "$status" -eq 0 ]
	run sh -c '. "$1/mk/lib.sh"; FP_MAKE_PID= interrupted "$2"' sh "$TOP" "$BATS_TEST_TMPDIR/work"
	[ "$status" -eq 1 ]
}
