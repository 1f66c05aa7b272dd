#!/usr/bin/env bats
# Faults and interruptions of whole runs: one run at a time on a tree, SIGINT and SIGTERM at each
# stage, a disk that fills up. Nothing half-written may be left where a finished file belongs, no
# interruption may become a verdict, no run may delete another's work, and the next run must
# complete.
#
# Hermetic: tiny kernels (tests/lib/tinyrepo.bash) and a copy of the tiny driver whose build
# stops at a gate: it writes $GATE.reached and waits until the test creates $GATE, so that a
# test interrupts a compile, or starts a second run, while the first is provably compiling.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export FIX=$BATS_FILE_TMPDIR
	# shellcheck source=lib/tinyrepo.bash
	source "$TOP/tests/lib/tinyrepo.bash"
	tinyrepo_setup "$FIX" 9.9.0-1 9.9.0-2 >/dev/null
	export DV=9.9.9+test
	export P1=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o P2=$DV/x86_64/falco_debian_9.9.0-2-amd64_1.o
}

setup() {
	load lib/common
	load lib/tinyrepo
	export GATE=$BATS_TEST_TMPDIR/gate
	export DRV=$BATS_TEST_TMPDIR/driver
	cp -R "$TOP/tests/fixtures/tiny-driver" "$DRV"
	printf 'KERNELDIR ?= /nonexistent\nall:\n\ttouch %s.reached; while [ ! -e %s ]; do sleep 0.1; done\n\t$(MAKE) -C $(KERNELDIR) M=$$PWD\n' \
		"$GATE" "$GATE" >"$DRV/bpf/Makefile"
}

teardown() {
	touch "$GATE"
	# Whatever a test left running is stopped.
	[ -z "${BG:-}" ] || kill -KILL -- "-$BG" 2>/dev/null || true
	fp_http_stop_all
}

gmake() {
	fpmake "$1" DRIVER_SOURCE="$DRV" "${@:2}"
}

# start DIR ARGS...: gmake in the background, in a process group of its own ($BG), its output
# in DIR.out; returns once its first compile waits at the gate. (SIGINT as a terminal sends it:
# a shell starts its background jobs with SIGINT ignored, which their children inherit.)
start() {
	local d=$1 _
	rm -f "$GATE" "$GATE.reached"
	mkdir -p "$d"
	setsid env --default-signal=INT bash -c "$(declare -f fp_make fpmake gmake); gmake \"\$@\"" gmake "$@" >"$d.out" 2>&1 &
	BG=$!
	for _ in $(seq 1 300); do
		[ -e "$GATE.reached" ] && return 0
		kill -0 "$BG" 2>/dev/null || { cat "$d.out"; return 1; }
		sleep 0.1
	done
	cat "$d.out"
	return 1
}

# finished PID: waits for it to end (at most 30 s), its status in $rc.
finished() {
	local _
	for _ in $(seq 1 300); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	rc=0
	wait "$1" || rc=$?
}

# settled GROUP: waits (at most 30 s) until no process of the group is left: make waits for
# the jobs it signalled, and the guardian (mk/run.sh) lets go of the tree once make has gone.
settled() {
	local _
	for _ in $(seq 1 300); do
		pgrep -g "$1" >/dev/null || return 0
		sleep 0.1
	done
	ps -o pid,stat,args -g "$1"
	return 1
}

# work_dir DIR: where the runs on DIR put their work trees (without taking DIR's lock).
work_dir() {
	echo "/dev/shm/falco-probes-$(id -u)/$(echo "$1/build" | sha256sum | cut -c1-12)"
}

# nothing_half_written DIR: no temporary or partial file where finished ones go, no work tree.
nothing_half_written() {
	[ -z "$(find "$1/dist" "$1/build" "$1/kernels" -name '*.tmp' 2>/dev/null)" ]
	local work _
	work=$(work_dir "$1")
	# The guardian removes the run's work trees once make has gone.
	for _ in $(seq 1 50); do
		[ -z "$(ls -A "$work" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	ls -lR "$work"
	return 1
}

@test "robustness: a second make on the same tree is refused while the first runs, or waits for it, and never touches its work" {
	d=$BATS_TEST_TMPDIR/t
	start "$d" "$d/dist/$P1"
	first=$BG
	# Refused, naming the run that holds the tree.
	run gmake "$d" "$d/dist/$P2"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "error: another make run (.*, process [0-9]*) is using $d/build; wait for it to end, or set FP_LOCK_WAIT=1 to wait"
	echo "$output" | grep -q 'one make run at a time'
	[ ! -e "$d/dist/$P2" ]
	# The first run's work tree is still there, and it completes.
	[ -n "$(ls -d "$(work_dir "$d")"/*/tiny/* 2>/dev/null)" ]
	touch "$GATE"
	finished "$first"
	cat "$d.out"
	[ "$rc" -eq 0 ]
	[ -f "$d/dist/$P1" ]
	# With FP_LOCK_WAIT=1 the second waits, then builds.
	start "$d" "$d/dist/$P2"
	first=$BG
	FP_LOCK_WAIT=1 gmake "$d" "$d/dist/$P1" "$d/dist/$P2" >"$d.second" 2>&1 &
	second=$!
	sleep 1
	kill -0 "$second"
	grep -q '  WAIT    for the make run .* on '"$d/build" "$d.second"
	touch "$GATE"
	finished "$first"
	[ "$rc" -eq 0 ]
	finished "$second"
	cat "$d.second"
	[ "$rc" -eq 0 ]
	[ -f "$d/dist/$P2" ]
	nothing_half_written "$d"
}

@test "robustness: SIGINT during a compile leaves no output, no work tree, no verdict; the next run builds it" {
	d=$BATS_TEST_TMPDIR/int
	start "$d" -k tiny
	kill -INT -- "-$BG"
	finished "$BG"
	cat "$d.out"
	[ "$rc" -ne 0 ]
	settled "$BG"
	[ ! -e "$d/dist/$P1" ]
	[ ! -e "$d/dist/$P2" ]
	[ -z "$(ls -A "$d/build/verdicts" 2>/dev/null | grep -v '^\.changed$')" ]
	nothing_half_written "$d"
	touch "$GATE"
	run gmake "$d" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
}

@test "robustness: SIGTERM to make alone (a cancelled job): the compile it leaves behind fails, and is no verdict" {
	d=$BATS_TEST_TMPDIR/term
	start "$d" -k tiny
	make_pid=$(pgrep -g "$BG" -x make | head -n 1)
	[ -n "$make_pid" ]
	kill -TERM "$make_pid"
	finished "$BG"
	cat "$d.out"
	# The compile goes on without its make, and its work tree is taken away under it once the
	# guardian sees make gone: then it may go on, and it fails, and says why it records nothing.
	work=$(work_dir "$d")
	for _ in $(seq 1 100); do
		[ -z "$(ls -A "$work" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -z "$(ls -A "$work" 2>/dev/null)" ]
	touch "$GATE"
	settled "$BG"
	cat "$d/build/logs/$P1.log"
	grep -q 'the run was stopped meanwhile: no verdict' "$d/build/logs/$P1.log"
	[ -z "$(find "$d/build/verdicts" -type f ! -name .changed 2>/dev/null)" ]
	[ ! -e "$d/dist/$P1" ]
	nothing_half_written "$d"
	run gmake "$d" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$d/dist/$P1" ]
	[ -f "$d/dist/$P2" ]
	! echo "$output" | grep -q 'failed before' || false
}

@test "robustness: SIGTERM during a download leaves no package, only what resumes it; the next run completes" {
	d=$BATS_TEST_TMPDIR/dl
	# The packages through a proxy that sends them a byte every 0.2 s.
	fp_http_start "$FIX/debs"
	fp_http_start "$BATS_TEST_TMPDIR" "$TOP/tests/lib/mirror-proxy.py" "$FP_HTTP_URL" --trickle .deb
	proxy=$FP_HTTP_URL
	sed "s#file://$FIX/debs#$proxy#g" "$FIX/listing.tsv" >"$BATS_TEST_TMPDIR/listing.tsv"
	mkdir -p "$d"
	setsid env --default-signal=INT bash -c "$(declare -f fp_make fpmake gmake); LISTING=$BATS_TEST_TMPDIR/listing.tsv gmake \"\$@\"" gmake "$d" -k tiny \
		>"$d.out" 2>&1 &
	BG=$!
	for _ in $(seq 1 100); do grep -q '^  FETCH' "$d.out" && break; sleep 0.1; done
	sleep 1
	kill -TERM -- "-$BG" || { cat "$d.out"; false; }
	finished "$BG"
	cat "$d.out"
	[ "$rc" -ne 0 ]
	settled "$BG"
	# No package file in the cache that is not whole and verified (a .part may stay, to resume).
	for f in "$d"/cache/packages/*; do
		[ -e "$f" ] || continue
		case $f in *.part | *.err) continue ;; esac
		grep -q "|$(fp_sha256 "$f")|" "$FIX/listing.tsv"
	done
	nothing_half_written "$d"
	# The next run, through the mirror itself (a listing newer than the proxy's), completes.
	touch "$GATE"
	cp "$FIX/listing.tsv" "$BATS_TEST_TMPDIR/direct.tsv"
	LISTING=$BATS_TEST_TMPDIR/direct.tsv run gmake "$d" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$d/dist/$P1" ]
	[ -f "$d/dist/$P2" ]
}

@test "robustness: a full disk under the work trees is a clear failure, no verdict, nothing half-written" {
	[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
	d=$BATS_TEST_TMPDIR/full small=$BATS_TEST_TMPDIR/small
	mkdir -p "$small"
	mount -t tmpfs -o size=16k tmpfs "$small"
	touch "$GATE"
	run fpmake "$d" -k WORK_DIR="$small" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" tiny
	umount "$small"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'no space left on device under '
	[ -z "$(find "$d/build/verdicts" -type f ! -name .changed 2>/dev/null)" ]
	[ ! -e "$d/dist/$P1" ]
	[ -z "$(find "$d/dist" "$d/build" -name '*.tmp' 2>/dev/null)" ]
	# With room, the same run builds everything: nothing was recorded against it.
	run fpmake "$d" -k DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
}
