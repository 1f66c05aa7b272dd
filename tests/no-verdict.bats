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
	echo "$output" | grep -qF "fault:  $D/dist/$P: kbuild did not finish (status 2): no space left on device under "
	[ ! -e "$D/build/verdicts/$P" ]
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 1 failed (1 fault: tried again next run)'
}

@test "no verdict: a kbuild killed by a signal fails naming its status, and keeps no verdict" {
	recipe 'kill -9 $$PPID'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qF "fault:  $D/dist/$P: kbuild did not finish (status 137)"
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

@test "no verdict: a run stopped while a kernel's packages were extracted keeps no verdict on the half-extracted tree" {
	# The -common package alone: what extract leaves when the run stops before the arch package.
	mkdir -p "$BATS_TEST_TMPDIR/debs"
	tinykernel_debs "$BATS_TEST_TMPDIR/debs" 9.9.0-7 amd64 9.9.0-7 >/dev/null
	local common=$BATS_TEST_TMPDIR/debs/linux-headers-9.9.0-7-common_9.9.0-7_all.deb id=$BATS_TEST_TMPDIR/k.id gone
	[ -f "$common" ]
	printf 'distro=tiny\nuname_m=x86_64\nuname_r=9.9.0-7-amd64\nuname_v=#1\nkdir=usr/src/linux-headers-9.9.0-7-amd64\n' >"$id"
	sleep 0 &
	gone=$!
	wait "$gone"
	tree() {
		env FP_BIN="$BIN" FP_LOGS="$BATS_TEST_TMPDIR/logs" FP_RUN="$BATS_TEST_TMPDIR/run" FP_KEEP_GOING=1 \
			FP_MAKE_PID="$1" sh "$TOP/mk/kernel-tree.sh" "$id" "$BATS_TEST_TMPDIR/work/tiny/k" "$common"
	}
	# Make gone: an interruption, whatever the tree lacks.
	run tree "$gone"
	[ "$status" -eq 0 ]
	cat "$BATS_TEST_TMPDIR/work/tiny/k/.tree"
	grep -qx 'error=the packages hold no kernel build tree at usr/src/linux-headers-9.9.0-7-amd64' "$BATS_TEST_TMPDIR/work/tiny/k/.tree"
	grep -qx 'verdict=0' "$BATS_TEST_TMPDIR/work/tiny/k/.tree"
	# The same packages in a run still going: they hold no tree, which they would say again.
	run tree "$$"
	[ "$status" -eq 0 ]
	grep -qx 'verdict=1' "$BATS_TEST_TMPDIR/work/tiny/k/.tree"
}

@test "no verdict: a compiler that cannot start is a fault, said as one; the next run tries it again" {
	recipe '/opt/no-such-clang -c probe.c'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$D/dist/$P" ]
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 1 failed (1 fault: tried again next run)'
	echo "$output" | grep -qF "fault:  $D/dist/$P: kbuild could not build it (status 2): make: /opt/no-such-clang: No such file or directory"
	[ ! -e "$D/build/verdicts/$P" ]
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	echo "$output" | grep -q "^  PROBE   tiny 9.9.0-1-amd64 -> "
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 1 failed (1 fault: tried again next run)'
}

@test "no verdict: modpost's ERROR is the verdict's reason, not make's last line" {
	recipe '@echo "ERROR: modpost: \"cc_mkenc\" [$(CURDIR)/falco.ko] undefined!" >&2; echo "make[2]: *** [$(KERNELDIR)/scripts/Makefile.modpost:127: Module.symvers] Error 1" >&2; exit 1'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	[ "$status" -ne 0 ]
	grep -qxF 'reason=kbuild failed: ERROR: modpost: "cc_mkenc" [build-9.9.9+test-bpf/bpf/falco.ko] undefined!' "$D/build/verdicts/$P"
	grep -qx 'format=2' "$D/build/verdicts/$P"
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 1 failed'
	echo "$output" | grep -qF "  failed: $D/dist/$P: kbuild failed: ERROR: modpost: "
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output" | grep -qx 'tiny: 1 outputs: 0 built, 0 up to date, 0 failed; 1 failed before with the same inputs (RETRY_FAILED=1 tries them)'
}

@test "no verdict: a verdict of the format before evidence was needed is void: the output is tried again, once" {
	recipe '@echo "probe.c:1: error: this driver breaks" >&2; exit 1'
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	[ "$status" -ne 0 ]
	# As an earlier version wrote it: no format line, and the reason make's last line.
	printf 'result=failed\nreason=kbuild failed: make[1]: *** [Makefile:2: all] Error 1\nlog=x\n' >"$D/build/verdicts/$P"
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	echo "$output"
	echo "$output" | grep -q "^  PROBE   tiny 9.9.0-1-amd64 -> "
	grep -qx 'reason=kbuild failed: probe.c:1: error: this driver breaks' "$D/build/verdicts/$P"
	run fpmake "$D" -k DRIVER_SOURCE="$D/driver" tiny
	! echo "$output" | grep -q "^  PROBE   " || false
}

# The simulation of a GitHub-hosted job's container (no CAP_SYS_ADMIN, no user namespaces).
no_namespaces() {
	bwrap --dev-bind / / --unshare-user --uid 0 --gid 0 --disable-userns --cap-drop CAP_SYS_ADMIN -- "$@"
}

@test "no verdict: without namespaces, a module whose compiler needs a root is a fault, said once before any tree; the rest is built" {
	# Kernel 9.9.0-1 is built by this host's gcc-12; 9.9.0-2 by a gcc-14 only a root has.
	mkdir -p "$D/debs2"
	{
		cat "$LISTING"
		# shellcheck disable=SC2046
		listing_line "$D/os-release" 9.9.0-2 $(TINY_CC_TEXT="gcc-14 (Debian 14.2.0-19) 14.2.0" \
			tinykernel_debs "$D/debs2" 9.9.0-2 amd64 9.9.0-2)
	} >"$D/listing2.tsv"
	export LISTING=$D/listing2.tsv
	local k1=9.9.9+kmod/x86_64/falco_debian_9.9.0-1-amd64_1.ko k2=9.9.9+kmod/x86_64/falco_debian_9.9.0-2-amd64_1.ko
	run no_namespaces make -C "$TOP" --no-print-directory BIN="$FP_BIN" SAN=1 BUILD="$D/build" CACHE="$D/cache" \
		DIST="$D/dist" KERNELS="$D/kernels" DISTROS=tiny tiny_FAMILY=listing tiny_LISTING="$LISTING" \
		tiny_NAMES='falco_debian_%' tiny_FIXUP=mk/fixup-debian.sh \
		DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" -k -j2 tiny
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(echo "$output" | grep -c 'WARN    this host cannot make user namespaces (bwrap: ')" -eq 1 ]
	warned=$(echo "$output" | grep -n 'WARN    this host cannot make user namespaces' | cut -d: -f1)
	first_tree=$(echo "$output" | grep -n '^  TREE ' | head -n 1 | cut -d: -f1)
	[ "$warned" -lt "$first_tree" ]
	[ -f "$D/dist/$k1" ] && [ -f "$D/dist/${k1%.ko}.o" ] && [ -f "$D/dist/${k2%.ko}.o" ]
	[ ! -e "$D/dist/$k2" ]
	echo "$output" | grep -qx 'tiny: 4 outputs: 3 built, 0 up to date, 1 failed (1 fault: tried again next run)'
	echo "$output" | grep -qF "  fault:  $D/dist/$k2: cannot get the kernel's compiler: gcc-14 must come from a debian trixie root, and this host cannot make user namespaces (bwrap: "
	[ -z "$(find "$D/build/verdicts" -type f ! -name .changed 2>/dev/null)" ]
	# Outside the container, it is planned again.
	run fpmake "$D" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" list-tiny
	echo "$output"
	echo "$output" | grep -qx "$D/dist/$k2"
}
