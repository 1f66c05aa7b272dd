#!/usr/bin/env bats
# A distribution's goal (`make tiny`) builds what tools/plan plans: an output is planned again
# when an input of its rule is newer than it (the driver tree, the toolchain's stamp, the
# kernel's identity), and a verdict holds only while it is newer than every input. These run the
# goal, not the outputs by path (make's own rules would rebuild those whatever the plan says).
# Copies (another release's name for a build) exist only for Falco's own releases, which a
# custom driver never has: their test runs tools/plan itself on the table tools/kernels-mk writes.
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

@test "plan: a verdict is void once a script its output is made with changes (the distribution's fixup)" {
	printf 'KERNELDIR ?= /nonexistent\nall:\n\t@echo "error: this driver breaks"; exit 1\n' >"$D/driver/bpf/Makefile"
	cp "$TOP/mk/fixup-debian.sh" "$D/fixup.sh"
	run gmake "$D" -k tiny tiny_FIXUP="$D/fixup.sh"
	[ "$status" -ne 0 ]
	run gmake "$D" -k tiny tiny_FIXUP="$D/fixup.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^tiny: 2 outputs: 0 built, 0 up to date, 0 failed; 2 failed before with the same inputs'
	sleep 1
	echo '# changed' >>"$D/fixup.sh"
	run gmake "$D" -k tiny tiny_FIXUP="$D/fixup.sh"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 0 built, 0 up to date, 2 failed'
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

@test "plan: a copy of a failed output (another release's name for the same build) is not planned either" {
	# Falco 0.32.1 asks for 2.0.0+driver's probe in the flat layout, 0.32.2 for the same bytes
	# in the arch layout: one build, one copy (tools/kernels-mk).
	mkdir -p "$D/ids" "$D/kid/tiny" "$D/dist" "$D/v/2.0.0+driver"
	"$BIN/kernels-mk" kernels --distro tiny --ids "$D/ids" --table "$D/kernels" "$LISTING"
	"$BIN/kernels-mk" outputs --distro tiny --driver-version 2.0.0+driver --release 0.32.1 --release 0.32.2 \
		--kinds bpf --outputs "$D/out.tsv" "$LISTING"
	cat "$D/out.tsv"
	flat=2.0.0+driver/falco_debian_9.9.0-1-amd64_1.o arch=2.0.0+driver/x86_64/falco_debian_9.9.0-1-amd64_1.o
	grep -qxF "$arch	os-release_9.9.0-1-amd64	bpf	0.32.2	copy $flat" "$D/out.tsv"
	cp "$D"/ids/*.id "$D/kid/tiny/"
	# The build failed after its kernel's identity was written: its verdict holds.
	touch -d '-1 minute' "$D"/kid/tiny/*.id
	printf 'format=2\nresult=failed\nreason=kbuild failed: x\n' >"$D/v/$flat"
	plan() {
		"$BIN/plan" --distro tiny --kernels "$D/kernels" --list "$D/list" --report "$D/report" --verdicts "$D/v" \
			--verdict-format 2 --dist "$D/dist" --kernel-ids "$D/kid" "$@" --outputs "2.0.0+driver=$D/out.tsv" >/dev/null
	}
	plan
	cat "$D/list" "$D/report"
	# Only 9.9.0-2's two names are planned; 9.9.0-1's build and its copy failed before.
	[ "$(grep -c . "$D/list")" -eq 2 ]
	! grep -q 9.9.0-1 "$D/list" || false
	grep -qxF "$flat	os-release_9.9.0-1-amd64	bpf	0.32.1	failed kbuild failed: x" "$D/report"
	grep -qxF "$arch	os-release_9.9.0-1-amd64	bpf	0.32.2	failed kbuild failed: x" "$D/report"
	plan --retry-failed
	grep -qxF "$flat" "$D/list"
	grep -qxF "$arch" "$D/list"
}

@test "plan: a listing run lists every planned path and plans no rule; the next run plans its own" {
	run gmake "$D" list-tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep '^/')" = "$(printf '%s\n' "$P1" "$P2")" ]
	! grep -q '^done/' "$D/build/plan/tiny.mk"
	grep -qx 'PLANNED.tiny := 0' "$D/build/plan/tiny.mk"
	run gmake "$D" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tiny: 2 outputs: 2 built, 0 up to date, 0 failed'
}

@test "plan: a copy (another release's name for the same build) is planned when missing or older than its build, not otherwise" {
	mkdir -p "$D/ids" "$D/kid/tiny" "$D/dist/2.0.0+driver/x86_64"
	"$BIN/kernels-mk" kernels --distro tiny --ids "$D/ids" --table "$D/kernels" "$LISTING"
	"$BIN/kernels-mk" outputs --distro tiny --driver-version 2.0.0+driver --release 0.32.1 --release 0.32.2 \
		--kinds bpf --outputs "$D/out.tsv" "$LISTING"
	cp "$D"/ids/*.id "$D/kid/tiny/"
	touch -d '-3 minutes' "$D"/kid/tiny/*.id
	k1=2.0.0+driver/falco_debian_9.9.0-1-amd64_1.o k2=2.0.0+driver/falco_debian_9.9.0-2-amd64_1.o
	for k in "$k1" "$k2"; do
		echo build >"$D/dist/$k"
		echo build >"$D/dist/${k%/*}/x86_64/${k##*/}"
		touch -d '-2 minutes' "$D/dist/$k"
		touch -d '-1 minute' "$D/dist/${k%/*}/x86_64/${k##*/}"
	done
	plan() {
		"$BIN/plan" --distro tiny --kernels "$D/kernels" --list "$D/list" --report "$D/report" --dist "$D/dist" \
			--kernel-ids "$D/kid" --outputs "2.0.0+driver=$D/out.tsv" >"$D/plan.mk"
	}
	plan
	grep -qx 'PLANNED.tiny := 0' "$D/plan.mk"
	[ "$(grep -c . "$D/list")" -eq 4 ]
	# The build was made again (newer than its copy): the copy only is planned.
	touch "$D/dist/$k1"
	plan
	cat "$D/plan.mk"
	grep -qx 'PLANNED.tiny := 1' "$D/plan.mk"
	grep -qxF "done/tiny/os-release_9.9.0-1-amd64: \$(DIST)/2.0.0+driver/x86_64/falco_debian_9.9.0-1-amd64_1.o ; \$(call done_kernel,tiny/os-release_9.9.0-1-amd64)" "$D/plan.mk"
	# A copy removed is planned again.
	touch -d '-2 minutes' "$D/dist/$k1"
	rm "$D/dist/2.0.0+driver/x86_64/falco_debian_9.9.0-2-amd64_1.o"
	plan
	grep -qx 'PLANNED.tiny := 1' "$D/plan.mk"
	grep -q "^done/tiny/os-release_9.9.0-2-amd64: \$(DIST)/2.0.0+driver/x86_64/falco_debian_9.9.0-2-amd64_1.o ;" "$D/plan.mk"
}

@test "plan: the shards of a run report each output once, what is unservable among them: their summaries add up" {
	mkdir -p "$D/ids" "$D/kid/tiny" "$D/dist"
	# A second os-release whose hosts print the same uname -r and -v: one name for two kernels.
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="11"\n' >"$D/os-release-11"
	{ cat "$LISTING"; sed "s|^[^\t]*|$D/os-release-11|" "$LISTING"; } >"$D/listing2.tsv"
	"$BIN/kernels-mk" kernels --distro tiny --ids "$D/ids" --table "$D/kernels" "$D/listing2.tsv"
	"$BIN/kernels-mk" outputs --distro tiny --driver-version 2.0.0+driver --release 0.32.1 --release 0.32.2 \
		--kinds bpf --outputs "$D/out.tsv" "$D/listing2.tsv" 2>/dev/null
	[ "$(grep -c '	unservable ' "$D/out.tsv")" -ge 2 ]
	plan() {
		"$BIN/plan" --distro tiny --kernels "$D/kernels" --list "$D/list.$1" --report "$D/report.$1" --dist "$D/dist" \
			--kernel-ids "$D/kid" --outputs "2.0.0+driver=$D/out.tsv" ${2:+--shard "$2"} >/dev/null
	}
	plan all
	for i in 1 2 3; do plan "$i" "$i/3"; done
	[ -s "$D/report.all" ]
	[ "$(cat "$D"/report.[123] | LC_ALL=C sort)" = "$(LC_ALL=C sort "$D/report.all")" ]
	[ "$(cat "$D"/list.[123] | LC_ALL=C sort)" = "$(LC_ALL=C sort "$D/list.all")" ]
}
