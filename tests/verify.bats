#!/usr/bin/env bats
# Boot verification: tools/bpf-load (our loader for legacy Falco probes) and tools/kmod-read
# (our reader of Falco kernel modules) on this host, and mk/verify-output.sh booting real
# Debian kernels under qemu.
#
# The host tests load a miniature legacy probe (tests/fixtures/legacy-probe) through THIS
# kernel's verifier: they check the loader (maps layout, relocations, attaching, refusals and
# error reports), not any probe's fitness for a kernel, since a probe is only meaningful in
# the kernel it was built for. They need bpf(2), i.e. root. kmod-read is checked on its
# refusals: no Falco module is loaded on a test host.
#
# The live tests build with the project's own rules and boot each output in its own kernel,
# fetched through the signed index, requiring PASS with real execve and openat events from
# inside the VM: the newest bookworm probe of Debian's falcosecurity-scap-dkms tree (sharing
# FP_LIVE_DIR's build with tests/live-debian.bats), and upstream driver versions from the
# falcosecurity/libs archives (FP_LIBS_DIR, served on 127.0.0.1): every version group's
# tables, 9.1.0+driver's probe and its kernel module. Packages are kept in FP_LIVE_DIR's cache,
# so that each is downloaded once for every live test; a second run rebuilds nothing.

load lib/common

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	local probe=$TOP/tests/fixtures/legacy-probe/probe.c
	# The miniature probe, once for this kernel and once for another one; in the layout of
	# 2021 (no license or version sections); with a second program of one tracepoint.
	clang -O2 -g -target bpf -DKERNEL_RELEASE="\"$(uname -r)\"" -c "$probe" -o "$FIX/mini.o"
	clang -O2 -g -target bpf -DKERNEL_RELEASE='"0.0.0-elsewhere"' -c "$probe" -o "$FIX/other.o"
	clang -O2 -g -target bpf -DKERNEL_RELEASE="\"$(uname -r)\"" -DOLD_2021 -c "$probe" -o "$FIX/old.o"
	clang -O2 -g -target bpf -DKERNEL_RELEASE="\"$(uname -r)\"" -DSECOND_ENTER -c "$probe" -o "$FIX/amp.o"
	# The upstream driver versions, served as GitHub would serve them.
	export LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs} LIBS_URL=
	if [ -d "$LIBS" ]; then
		fp_http_start "$LIBS"
		LIBS_URL=$FP_HTTP_URL
	fi
}

teardown_file() {
	fp_http_stop_all
}

need_bpf() {
	[ "$(id -u)" = 0 ] || skip "bpf(2) needs root"
}

# A tables file for the miniature probe, in scap-tables' format; $1 is the settings size,
# $2 whether a missing filler fails (1) or is a note (0), $3 "api" for API version lines.
mini_tables() {
	local size=${1:-16} strict=${2:-1} api=${3:-api}
	{
		echo "fp-scap-tables 2"
		echo "driver_version 0.0.0-test"
		if [ "$api" = api ]; then
			echo "api_version $((1 << 44))"
			echo "schema_version $((1 << 44))"
		fi
		echo "expect_execve_enter 1"
		echo "ring_info size=48 n_evts=8 n_drops_buffer=16 n_drops_pf=24"
		echo "event 0 generic 0 0"
		echo "probe 1"
		echo "settings_offsets size=$size boot_time=0 capture_enabled=8"
		echo "fillers_strict $strict"
		echo "filler 0 noop"
		echo "blob settings_map $size 1"
		head -c "$size" /dev/zero
		echo
		echo "end"
	} >"$FIX/mini.tables"
}

@test "bpf-load loads every program of a legacy probe (old maps layout) through this kernel's verifier" {
	need_bpf
	run "$BIN/bpf-load" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'maps_created=4'
	echo "$output" | grep -q '^PASS raw_tracepoint/sys_enter '
	echo "$output" | grep -q '^PASS raw_tracepoint/filler/noop '
	echo "$output" | grep -qx 'programs_loaded=2'
	echo "$output" | grep -qx 'programs_failed=0'
	echo "$output" | grep -qx 'api_version=1.0.0'
	echo "$output" | grep -qx 'license=GPL'
	echo "$output" | grep -qx 'result=PASS'
}

@test "bpf-load attaches the raw tracepoints, never the fillers (tail-call targets)" {
	need_bpf
	run "$BIN/bpf-load" "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'tracepoints_attached=1'
	echo "$output" | grep -qx 'tracepoints=sys_enter'
}

@test "bpf-load attaches a program named tracepoint&N to that tracepoint" {
	need_bpf
	run "$BIN/bpf-load" "$FIX/amp.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^PASS raw_tracepoint/sys_enter&1 '
	echo "$output" | grep -qx 'tracepoints_attached=2'
	echo "$output" | grep -qx 'tracepoints=sys_enter sys_enter'
}

@test "bpf-load refuses a probe built for another kernel, as Falco's loader does, unless --any-kernel" {
	need_bpf
	run "$BIN/bpf-load" --no-attach "$FIX/other.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "^FAIL kernel_version: the probe is for 0.0.0-elsewhere, this kernel is $(uname -r)"
	! echo "$output" | grep -q '^PASS' || false
	echo "$output" | grep -qx 'result=FAIL'
	run "$BIN/bpf-load" --any-kernel --no-attach "$FIX/other.o"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^WARN kernel_version'
	echo "$output" | grep -qx 'programs_loaded=2'
}

@test "a corrupted instruction fails that program with the verifier's own message" {
	need_bpf
	# (objcopy given one file rewrites it: the section is dumped from a copy.)
	cp "$FIX/mini.o" "$FIX/dump.o"
	llvm-objcopy --dump-section raw_tracepoint/sys_enter="$FIX/sec.bin" "$FIX/dump.o"
	printf '\377' | dd of="$FIX/sec.bin" bs=1 conv=notrunc 2>/dev/null
	llvm-objcopy --update-section raw_tracepoint/sys_enter="$FIX/sec.bin" "$FIX/mini.o" "$FIX/bad.o"
	run "$BIN/bpf-load" --no-attach "$FIX/bad.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q '^FAIL raw_tracepoint/sys_enter (18 insns): Invalid argument'
	echo "$output" | grep -qx 'unknown opcode ff'
	echo "$output" | grep -q '^-- verifier log'
	# The other program is judged on its own.
	echo "$output" | grep -q '^PASS raw_tracepoint/filler/noop'
	echo "$output" | grep -qx 'programs_failed=1'
	echo "$output" | grep -qx 'result=FAIL'
}

@test "a truncated probe, or one with only one of its version sections, is refused naming what is missing" {
	head -c 3000 "$FIX/mini.o" >"$FIX/trunc.o"
	run "$BIN/bpf-load" "$FIX/trunc.o"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "trunc.o: truncated probe: its section table ends at byte $(stat -c %s "$FIX/mini.o"), the file has 3000 bytes"
	llvm-objcopy --rename-section api_version=other "$FIX/mini.o" "$FIX/noapi.o"
	run "$BIN/bpf-load" "$FIX/noapi.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "noapi.o: missing api_version section"
	llvm-objcopy --rename-section schema_version=other "$FIX/mini.o" "$FIX/noschema.o"
	run "$BIN/bpf-load" "$FIX/noschema.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "noschema.o: missing schema_version section"
	head -c 100 "$FIX/mini.o" >"$FIX/tiny.o"
	run "$BIN/bpf-load" "$FIX/tiny.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "tiny.o: "
	run "$BIN/bpf-load" "$FIX/does-not-exist.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "does-not-exist.o: No such file or directory"
}

@test "a 2021 probe (no license or version sections) loads as GPL; only tables without an API version take it" {
	need_bpf
	run "$BIN/bpf-load" --no-attach "$FIX/old.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'license=GPL (no license section)'
	echo "$output" | grep -qx 'api_version=none'
	echo "$output" | grep -qx 'programs_loaded=2'
	mini_tables 16 1 none
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/old.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'result=PASS'
	# The tables of a later driver version, which has the sections.
	mini_tables 16 1 api
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/old.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "old.o: missing api_version section, which the tables ($FIX/mini.tables) of driver version 0.0.0-test have"
	# And the other way round.
	mini_tables 16 1 none
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "mini.o: an api_version section, but the tables ($FIX/mini.tables) are of a driver version without one"
}

@test "tables fill the probe's maps and tail calls; tables of another driver version are refused" {
	need_bpf
	mini_tables 16
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'fillers_missing=0'
	# A settings value of another size: another driver version's tables.
	mini_tables 24
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q '^FAIL tables: map settings_map holds 16-byte values, the tables 24-byte ones'
	# Another driver version's tables of the very same layout: the probe's version says so.
	mini_tables 16
	sed -i 's/^driver_version 0.0.0-test$/driver_version 0.0.1-other/' "$FIX/mini.tables"
	grep -qx 'driver_version 0.0.1-other' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "mini.o: driver version 0.0.0-test but the tables ($FIX/mini.tables) are for 0.0.1-other"
	echo "$output" | grep -qx 'result=FAIL'
	# Tables of a version 1 file, or truncated.
	mini_tables 16
	sed -i '1s/.*/fp-scap-tables 1/' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'mini.tables: not a scap-tables file of version 2'
	mini_tables 16
	head -c 200 "$FIX/mini.tables" >"$FIX/short.tables"
	run "$BIN/bpf-load" --tables "$FIX/short.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'short.tables:.*missing end line'
}

@test "a filler without a program fails where that version's libscap failed, and is a note where it went on" {
	need_bpf
	# Strict (up to schema 1.x): a filler the driver knows but the probe lacks.
	mini_tables 16 1
	sed -i 's/^filler 0 noop$/filler 0 noop\nfiller 1 sys_open_x/' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -qx 'FAIL missing filler 1 (sys_open_x)'
	echo "$output" | grep -qx 'result=FAIL'
	# From schema 2.0.0 (x86_64 lacks the arm64-only fillers, 9.x lists one never written).
	mini_tables 16 0
	sed -i 's/^filler 0 noop$/filler 0 noop\nfiller 1 sched_prog_fork/' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'WARN missing filler 1 (sched_prog_fork)'
	echo "$output" | grep -qx 'fillers_missing=1'
	echo "$output" | grep -qx 'result=PASS'
	# A map the tables fill but the probe lacks: tables of another driver.
	mini_tables 16 0
	sed -i 's/^end$/blob ia32_64_map 4 1\nAAAA\nend/' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 1 ]
	echo "$output" | grep -qx 'FAIL tables: the probe has no map ia32_64_map'
}

@test "kmod-read refuses what it cannot read, naming it: no module, no devices, devices that are not a ring" {
	run "$BIN/kmod-read"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q '^usage: kmod-read --module NAME'
	mini_tables 16
	run "$BIN/kmod-read" --module fp-no-such-module --tables "$FIX/mini.tables"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -qx 'FAIL open /dev/fp-no-such-module0: No such file or directory'
	echo "$output" | grep -qx 'result=FAIL'
	# A character device that opens but has no ring to map (and knows no ioctl).
	mkdir -p "$FIX/dev"
	for cpu in $(seq 0 $(($(getconf _NPROCESSORS_CONF) - 1))); do
		ln -sf /dev/null "$FIX/dev/fake$cpu"
	done
	run "$BIN/kmod-read" --module fake --devices "$FIX/dev/fake" --tables "$FIX/mini.tables"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "^FAIL mmap the ring header of $FIX/dev/fake0: "
	echo "$output" | grep -qx 'result=FAIL'
	# Tables of another format, and events expected without tables.
	printf 'fp-scap-tables 1\nend\n' >"$FIX/v1.tables"
	run "$BIN/kmod-read" --module fake --tables "$FIX/v1.tables"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'v1.tables: not a scap-tables file of version 2'
	run "$BIN/kmod-read" --module fake --expect-exec /bin/true
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'expect-open need --tables'
}

@test "verify-output.sh refuses a dynamically linked verifier, a package without a kernel, and what is not a driver" {
	mkdir -p "$FIX/pkg/DEBIAN" "$FIX/pkg/usr/share/doc/x"
	printf 'Package: not-a-kernel\nVersion: 1\nArchitecture: all\nMaintainer: t <t@invalid>\nDescription: t\n' \
		>"$FIX/pkg/DEBIAN/control"
	echo doc >"$FIX/pkg/usr/share/doc/x/README"
	dpkg-deb --root-owner-group --build "$FIX/pkg" "$FIX/not-a-kernel.deb" >/dev/null
	# The sanitized verifiers are dynamic: they could not run alone in the initramfs.
	if ldd "$BIN/bpf-load" 2>&1 | grep -q '=>'; then
		run env FP_BIN="$BIN" sh "$TOP/mk/verify-output.sh" "$FIX/mini.o" "$FIX/not-a-kernel.deb" "$FIX/r"
		[ "$status" -eq 2 ]
		echo "$output" | grep -q "$BIN/bpf-load is dynamically linked"
	fi
	# The static verifiers, by the project's rules.
	make -C "$TOP" --no-print-directory BUILD="$FIX/b" BIN="$BIN" "$FIX/b/verify/bpf-load" "$FIX/b/verify/kmod-read" >/dev/null
	run env FP_BIN="$BIN" FP_BPF_LOAD="$FIX/b/verify/bpf-load" sh "$TOP/mk/verify-output.sh" "$FIX/mini.o" \
		"$FIX/not-a-kernel.deb" "$FIX/out/r"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'not-a-kernel.deb holds .* kernel images under /boot (expected one)'
	[ ! -e "$FIX/out/r" ]
	# The work directory is gone.
	[ -z "$(ls -A "$FIX/out")" ]
	# A module is told by its name, and must be one.
	cp "$FIX/mini.o" "$FIX/fake.ko"
	run env FP_BIN="$BIN" FP_KMOD_READ="$FIX/b/verify/kmod-read" sh "$TOP/mk/verify-output.sh" "$FIX/fake.ko" \
		"$FIX/not-a-kernel.deb" "$FIX/out/r"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'fake.ko: .*fake.ko has no vermagic: not a kernel module'
	cp "$FIX/mini.o" "$FIX/probe.bin"
	run env FP_BIN="$BIN" sh "$TOP/mk/verify-output.sh" "$FIX/probe.bin" "$FIX/not-a-kernel.deb" "$FIX/out/r"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'probe.bin: neither a probe (.o) nor a kernel module (.ko)'
}

@test "verify-output.sh: a kernel that crashes while the driver runs is a FAIL whatever the verifier said; a silent VM is no verdict" {
	source "$TOP/tests/lib/tinykernel.bash"
	mkdir -p "$FIX/img"
	image=$(tinykernel_image_deb "$FIX/img" 9.9.0-1 amd64 9.9.0-1 "gcc version 12.2.0")
	make -C "$TOP" --no-print-directory BUILD="$FIX/b" BIN="$BIN" "$FIX/b/verify/bpf-load" >/dev/null
	# In place of qemu: what the VM's console (its -serial file) would hold, so that only the
	# judgement of the console is under test here; the live tests boot real kernels.
	cat >"$FIX/qemu" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
	[ "$1" = -serial ] && console=${2#file:}
	shift
done
printf '%s\n' "$FP_TEST_CONSOLE" >"$console"
EOF
	chmod +x "$FIX/qemu"
	passed='fp: boot_seconds=1.00
fp: uname=9.9.0-1-amd64
fp: result=PASS
fp: exit=0'
	judge() {
		FP_TEST_CONSOLE=$1 run env FP_BIN="$BIN" FP_BPF_LOAD="$FIX/b/verify/bpf-load" QEMU="$FIX/qemu" \
			sh "$TOP/mk/verify-output.sh" "$FIX/mini.o" "$image" "$FIX/judged/r"
		echo "$output"
	}
	judge "$passed"
	[ "$status" -eq 0 ]
	grep -qx 'result=PASS' "$FIX/judged/r"
	# The verifier passed, then the kernel oopsed (unloading, or on its way down).
	judge "$passed
BUG: kernel NULL pointer dereference, address: 0000000000000008
Oops: 0000 [#1] PREEMPT SMP NOPTI"
	[ "$status" -eq 1 ]
	grep -qx 'result=FAIL' "$FIX/judged/r"
	grep -qx 'reason=kernel-crash' "$FIX/judged/r"
	# A console without a result line: no verdict, and nothing written for make to keep.
	rm -f "$FIX/judged/r"
	judge 'fp: boot_seconds=1.00'
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'no verdict (qemu status 0, timed out: no)'
	[ ! -e "$FIX/judged/r" ]
}

# ---- live: Debian's dkms tree ----

live_setup() {
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	mkdir -p "$LIVE"
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	SUITES="bookworm|MIRROR_debian|debian-12 bookworm-updates|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12"
	MAKEARGS=(-C "$TOP" "BIN=$BIN" "BUILD=$LIVE/build" "CACHE=$LIVE/cache" "DIST=$LIVE/dist" DRIVER_SOURCE=debian-dkms
		"KERNELS=$LIVE/kernels" "debian_SUITES=$SUITES")
}

# The newest (or, with -2, the two newest) bookworm amd64 kernels that have an image package.
newest_bookworm() {
	awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ && $7 != "-" { print $3 }' \
		"$1/build/listing/debian.tsv" | sort -V | tail -n "${2:-1}"
}

@test "live: the newest bookworm amd64 probe passes in its own kernel under qemu, with real events" {
	live_setup
	make "${MAKEARGS[@]}" list-debian >/dev/null
	release=$(newest_bookworm "$LIVE")
	[ -n "$release" ]
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${release}_1.o
	result=$probe.verified
	rm -f "$result"
	start=$(date +%s)
	run make "${MAKEARGS[@]}" "$result"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "PASS    falco_debian_${release}_1.o in $release"
	cat "$result"
	grep -qx 'result=PASS' "$result"
	grep -qx 'kind=bpf' "$result"
	grep -qx "kernel=$release" "$result"
	grep -qx "probe_kernel_version=$release" "$result"
	grep -qx "probe_sha256=$(sha256sum "$probe" | cut -d' ' -f1)" "$result"
	grep -qx 'programs_failed=0' "$result"
	[ "$(sed -n 's/^programs_loaded=//p' "$result")" -gt 50 ]
	grep -q '^tracepoints_attached=[1-9]' "$result"
	[ "$(sed -n 's/^events_seen=//p' "$result")" -gt 0 ]
	grep -qx 'event_execve_enter=seen' "$result"
	grep -qx 'event_execve_exit=seen' "$result"
	grep -qx 'event_openat=seen' "$result"
	grep -qx 'events_malformed=0' "$result"
	# The console shows the loader ran inside the booted kernel.
	console=$LIVE/build/verify/$dv/x86_64/falco_debian_${release}_1.o.console
	grep -q "^fp: running_kernel=$release" "$console"
	echo "# verify: $(grep -E '^(boot|load|total)_seconds|^events_seen|^programs_loaded' "$result" | tr '\n' ' ')($(($(date +%s) - start)) s with the build)" >&3
	# Nothing changed: make does not boot it again.
	run make "${MAKEARGS[@]}" "$result"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'VERIFY' || false
}

@test "live: a probe booted in another kernel is caught, and the FAIL verdict is recorded" {
	live_setup
	make "${MAKEARGS[@]}" list-debian >/dev/null
	set -- $(newest_bookworm "$LIVE" 2)
	[ $# -eq 2 ] || skip "the mirror lists a single bookworm amd64 kernel"
	older=$1 newer=$2
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${newer}_1.o
	image_sha=$(awk -F'\t' -v r="$older" '$3 == r { print $7 }' "$LIVE/build/listing/debian.tsv" | cut -d'|' -f2)
	image=$LIVE/cache/packages/$image_sha
	make "${MAKEARGS[@]}" "$probe" "$image" "$LIVE/build/verify/debian-dkms.tables" \
		"$LIVE/build/verify/bpf-load" >/dev/null
	out=$BATS_TEST_TMPDIR/cross.verified
	run env FP_BIN="$BIN" FP_BPF_LOAD="$LIVE/build/verify/bpf-load" sh "$TOP/mk/verify-output.sh" \
		--tables "$LIVE/build/verify/debian-dkms.tables" "$probe" "$image" "$out"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    falco_debian_${newer}_1.o in $older: FAIL kernel_version: the probe is for $newer, this kernel is $older"
	grep -qx 'result=FAIL' "$out"
	grep -qx "kernel=$older" "$out"
	grep -qx "probe_kernel_version=$newer" "$out"
}

@test "live: a driver that delivers no openat event of the file the verifier expects FAILs (probe and module), saying which" {
	live_setup
	make "${MAKEARGS[@]}" list-debian >/dev/null
	release=$(newest_bookworm "$LIVE")
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	image_sha=$(awk -F'\t' -v r="$release" '$3 == r { print $7 }' "$LIVE/build/listing/debian.tsv" | cut -d'|' -f2)
	image=$LIVE/cache/packages/$image_sha
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${release}_1.o
	make "${MAKEARGS[@]}" "$probe" "${probe%.o}.ko" "$image" "$LIVE/build/verify/debian-dkms.tables" \
		"$LIVE/build/verify/bpf-load" "$LIVE/build/verify/kmod-read" >/dev/null
	# Real drivers in their own kernel, told to expect an openat of a file that is never there:
	# every other event is real, and that one alone must fail them.
	for out in "$probe" "${probe%.o}.ko"; do
		r=$BATS_TEST_TMPDIR/$(basename "$out").verified
		run env FP_BIN="$BIN" FP_BPF_LOAD="$LIVE/build/verify/bpf-load" FP_KMOD_READ="$LIVE/build/verify/kmod-read" \
			sh "$TOP/mk/verify-output.sh" --tables "$LIVE/build/verify/debian-dkms.tables" \
			--expect-open /tmp/fp-never-opened "$out" "$image" "$r"
		echo "$output"
		[ "$status" -eq 1 ]
		echo "$output" | grep -q "FAIL    $(basename "$out") in $release: FAIL event: no matching openat exit event of /tmp/fp-never-opened"
		grep -qx 'result=FAIL' "$r"
		grep -qx 'event_openat=missing' "$r"
		grep -qx 'event_execve_exit=seen' "$r"
		[ "$(sed -n 's/^events_seen=//p' "$r")" -gt 0 ]
	done
}

@test "live: the dkms tree's module (scap, /dev/scapN) passes in the newest bookworm kernel, started per ring" {
	live_setup
	make "${MAKEARGS[@]}" list-debian >/dev/null
	release=$(newest_bookworm "$LIVE")
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	ko=$LIVE/dist/$dv/x86_64/falco_debian_${release}_1.ko
	rm -f "$ko.verified"
	run make "${MAKEARGS[@]}" "$ko.verified"
	echo "$output" | grep -v NOTE
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "PASS    falco_debian_${release}_1.ko in $release: module scap, 2 devices"
	r=$ko.verified
	cat "$r"
	grep -qx 'result=PASS' "$r"
	grep -qx "driver_version=$dv" "$r"
	grep -qx 'module=scap' "$r"
	grep -qx 'devices_opened=2' "$r"
	# A 2022 module knows none of the later ioctls: its capture starts ring by ring.
	grep -qx 'ioctls=ENABLE_CAPTUREx2' "$r"
	grep -qx 'event_execve_enter=seen' "$r"
	grep -qx 'event_execve_exit=seen' "$r"
	grep -qx 'event_openat=seen' "$r"
	grep -qx 'events_malformed=0' "$r"
}

# ---- live: upstream driver versions ----

# One release of each group of driver versions whose tables differ (tools/scap-tables.c):
# 0.28.1 5c0b863 (2021: sysdig_* names, no API version), 0.32.1 2.0.0 (routing table),
# 0.33.0 3.0.1 (interesting syscalls, capture flag), 0.34.0 4.0.0 (no capture flag), 0.35.1
# 5.0.1 (syscall_table64.c), 0.39.2 7.3.0 (ia32_64_map), 0.43.1 9.1.0 (no execve enter),
# 0.44.1 10.2.0 (no probe).
UPSTREAM_RELEASES="0.28.1 0.32.1 0.33.0 0.34.0 0.35.1 0.39.2 0.43.1 0.44.1"

upstream_setup() {
	[ -n "$LIBS_URL" ] || skip "no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	export U=$LIVE/verify-upstream
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	MIRROR_debian_security=${MIRROR_debian_security:-$MIRROR_debian}
	umake list-debian >/dev/null
}

umake() {
	fp_make "$U" CACHE="$LIVE/cache" MIRROR_debian="$MIRROR_debian" MIRROR_debian_security="$MIRROR_debian_security" \
		LIBS_ARCHIVES="$LIBS_URL" FALCO_VERSIONS="$UPSTREAM_RELEASES" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12" "$@"
}

# tables DV KEY: the value of a line of DV's tables ("-" when the line is absent).
tables_line() {
	local v
	v=$(LC_ALL=C grep -a "^$2 " "$U/build/verify/$1.tables" | head -n 1 | cut -d' ' -f2-)
	echo "${v:--}"
}
# output_of DV RELEASE KIND: the repository path of the output DV builds for bookworm kernel
# RELEASE (its uname -r).
output_of() {
	awk -F'\t' -v k="debian-12_$2" -v kind="$3" '$2 == k && $3 == kind && $5 == "build" { print $1 }' \
		"$U/kernels/$1/debian.outputs"
}
blobs() {
	LC_ALL=C grep -a '^blob ' "$U/build/verify/$1.tables" | cut -d' ' -f2,3 | tr '\n' ',' | sed 's/,$//'
}

@test "live: the tables of every version group compile from its prepared tree, with that version's layout" {
	upstream_setup
	dvs="5c0b863ddade7a45568c0ac97d037422c9efb750 2.0.0+driver 3.0.1+driver 4.0.0+driver 5.0.1+driver 7.3.0+driver 9.1.0+driver 10.2.0+driver"
	run umake list-debian $(for dv in $dvs; do echo "$U/build/verify/$dv.tables"; done)
	echo "$output" | grep -v NOTE | tail -n 20
	[ "$status" -eq 0 ]
	for dv in $dvs; do
		echo "$dv: $(tables_line "$dv" settings_offsets) | $(tables_line "$dv" expect_execve_enter) | $(blobs "$dv")"
		[ "$(tables_line "$dv" driver_version)" = "$dv" ]
		[ "$(tables_line "$dv" ring_info)" != - ]
		[ "$(LC_ALL=C grep -ac '^event ' "$U/build/verify/$dv.tables")" -gt 300 ]
	done
	# 2021: no API version, sysdig_bpf_settings with its capture flag, the routing table.
	v=5c0b863ddade7a45568c0ac97d037422c9efb750
	[ "$(tables_line $v api_version)" = - ]
	[ "$(tables_line $v settings_offsets)" = "size=36 boot_time=0 capture_enabled=24" ]
	[ "$(tables_line $v fillers_strict)" = 1 ]
	[ "$(tables_line $v state_counters)" = "n_evts=40 n_drops_buffer=48 n_drops_pf=56 n_drops_bug=64" ]
	[ "$(blobs $v)" = "settings_map 36,syscall_table 12,event_info_table 1612,fillers_table 58,syscall_code_routing_table 8" ]
	v=2.0.0+driver
	[ "$(tables_line $v api_version)" = $((1 << 44)) ]
	[ "$(tables_line $v fillers_strict)" = 0 ]
	[ "$(blobs $v)" = "settings_map 36,syscall_table 12,event_info_table 1612,fillers_table 58,syscall_code_routing_table 8" ]
	# 3.0.1: the interesting syscalls replace the routing table; the capture flag stays.
	v=3.0.1+driver
	[ "$(tables_line $v settings_offsets)" = "size=35 boot_time=0 capture_enabled=24" ]
	[ "$(blobs $v)" = "settings_map 35,syscall_table 16,event_info_table 1840,fillers_table 58,interesting_syscalls_table 1" ]
	# 4.0.0: no capture flag.
	[ "$(tables_line 4.0.0+driver settings_offsets)" = "size=34 boot_time=0" ]
	# 5.0.1: the syscall table from syscall_table64.c (no host headers needed for __NR_*).
	[ "$(tables_line 5.0.1+driver settings_offsets)" = "size=35 boot_time=0" ]
	[ "$(blobs 5.0.1+driver)" = "settings_map 35,syscall_table 16,event_info_table 1840,fillers_table 58,interesting_syscalls_table 1" ]
	# 7.3.0: ia32_64_map, from kmod/ (the probe's tree is bpf-unit/bpf/).
	[ "$(blobs 7.3.0+driver)" = "settings_map 34,syscall_table 16,event_info_table 1840,fillers_table 58,interesting_syscalls_table 1,ia32_64_map 4" ]
	[ "$(tables_line 7.3.0+driver expect_execve_enter)" = 1 ]
	# 9.x make no execve enter event.
	[ "$(tables_line 9.1.0+driver expect_execve_enter)" = 0 ]
	[ "$(tables_line 9.1.0+driver state_counters)" = "n_evts=44 n_drops_buffer=52 n_drops_scratch_map=140 n_drops_pf=148 n_drops_bug=156" ]
	# 10.x: a module's tables, no probe.
	v=10.2.0+driver
	[ "$(tables_line $v probe)" = - ]
	[ -z "$(blobs $v)" ]
	[ "$(tables_line $v ring_info)" = "size=128 n_evts=8 n_drops_buffer=16 n_drops_pf=104" ]
	[ "$(tables_line $v expect_execve_enter)" = 0 ]
	# The tables are the same bytes when made again (no pointer of the compiling program in them).
	cp "$U/build/verify/9.1.0+driver.tables" "$BATS_TEST_TMPDIR/t"
	rm -f "$U/build/verify/9.1.0+driver.tables"
	umake list-debian "$U/build/verify/9.1.0+driver.tables" >/dev/null
	cmp "$U/build/verify/9.1.0+driver.tables" "$BATS_TEST_TMPDIR/t"
}

@test "live: 9.1.0+driver's probe passes in the newest bookworm kernel: interesting syscalls, ia32 map, no execve enter" {
	upstream_setup
	release=$(newest_bookworm "$U")
	[ -n "$release" ]
	probe=$U/dist/$(output_of 9.1.0+driver "$release" bpf)
	name=$(basename "$probe")
	rm -f "$probe.verified"
	start=$(date +%s)
	run umake "$probe.verified"
	echo "$output" | grep -v NOTE
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "PASS    $name in $release"
	r=$probe.verified
	cat "$r"
	grep -qx 'result=PASS' "$r"
	grep -qx 'driver_version=9.1.0+driver' "$r"
	grep -qx 'programs_failed=0' "$r"
	[ "$(sed -n 's/^programs_loaded=//p' "$r")" -gt 150 ]
	# sched_process_exec makes the exit event of a successful execve from 9.1.0.
	grep -q "^fp: tracepoints=.*sched_process_exec" "$U/build/verify/${probe#"$U/dist/"}.console"
	grep -qx 'event_execve_enter=not-made' "$r"
	grep -qx 'event_execve_exit=seen' "$r"
	grep -qx 'event_openat=seen' "$r"
	grep -qx 'events_malformed=0' "$r"
	echo "# 9.1.0 probe: $(grep -E '^(boot|load|total)_seconds|^events_seen|^programs_loaded' "$r" | tr '\n' ' ')($(($(date +%s) - start)) s with the build)" >&3
}

@test "live: 9.1.0+driver's kernel module (host gcc-12) passes in the newest bookworm kernel; another kernel refuses it" {
	upstream_setup
	set -- $(newest_bookworm "$U" 2)
	[ $# -eq 2 ] || skip "the mirror lists a single bookworm amd64 kernel"
	older=$1 release=$2
	ko=$U/dist/$(output_of 9.1.0+driver "$release" kmod)
	name=$(basename "$ko")
	rm -f "$ko.verified"
	start=$(date +%s)
	run umake "$ko.verified"
	echo "$output" | grep -v NOTE
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "PASS    $name in $release: module falco, [1-9] devices"
	r=$ko.verified
	cat "$r"
	grep -qx 'result=PASS' "$r"
	grep -qx 'kind=kmod' "$r"
	grep -qx "kernel=$release" "$r"
	grep -qx "vermagic=$release SMP preempt mod_unload modversions" "$r"
	grep -qx "probe_sha256=$(fp_sha256 "$ko")" "$r"
	grep -qx 'driver_version=9.1.0+driver' "$r"
	grep -qx 'module=falco' "$r"
	grep -qx 'devices_opened=2' "$r"
	# 9.1.0 starts with the syscalls and tracepoints it is given, sched_process_exec among them.
	grep -q '^ioctls=ENABLE_SYSCALLx[0-9]* ENABLE_TP(0) ENABLE_TP(1) ENABLE_TP(2) ENABLE_TP(8)$' "$r"
	[ "$(sed -n 's/^events_seen=//p' "$r")" -gt 0 ]
	grep -qx 'event_execve_enter=not-made' "$r"
	grep -qx 'event_execve_exit=seen' "$r"
	grep -qx 'event_openat=seen' "$r"
	grep -qx 'events_malformed=0' "$r"
	grep -qx 'module_n_drops_buffer=0' "$r"
	echo "# 9.1.0 module: $(grep -E '^(boot|load|total)_seconds|^events_seen' "$r" | tr '\n' ' ')($(($(date +%s) - start)) s with the build)" >&3
	# The index takes the module's verdict as it takes a probe's.
	run umake repo
	echo "$output" | tail -n 3
	[ "$status" -eq 0 ]
	python3 - "$U/dist/index.json" "${ko#"$U/dist/"}" <<'EOF'
import json, sys
probes = {p["path"]: p for p in json.load(open(sys.argv[1]))["probes"]}
v = probes[sys.argv[2]]["verified"]
assert v["result"] == "PASS" and v["kind"] == "kmod" and v["probe_sha256"] == probes[sys.argv[2]]["sha256"], v
EOF
	# In the older kernel it is refused for its release, as Falco's loaders would not pick it
	# (with modversions the kernel itself may take a module of another build of its ABI).
	image_of() {
		echo "$LIVE/cache/packages/$(awk -F'\t' -v r="$1" '$3 == r { print $7 }' "$U/build/listing/debian.tsv" | cut -d'|' -f2)"
	}
	umake list-debian "$(image_of "$older")" >/dev/null
	out=$BATS_TEST_TMPDIR/cross.ko.verified
	run env FP_BIN="$BIN" FP_KMOD_READ="$U/build/verify/kmod-read" sh "$TOP/mk/verify-output.sh" \
		--tables "$U/build/verify/9.1.0+driver.tables" "$ko" "$(image_of "$older")" "$out"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    $name in $older: FAIL vermagic: the module is for $release, this kernel is $older"
	grep -qx 'result=FAIL' "$out"
	grep -qx "kernel=$older" "$out"
	grep -qx 'events_seen=' "$out"
	# In its own kernel, with one symbol version changed: the kernel refuses to load it.
	mkdir -p "$BATS_TEST_TMPDIR/bad"
	bad=$BATS_TEST_TMPDIR/bad/$name
	# (objcopy given one file rewrites it: it works on a copy.)
	cp "$ko" "$bad"
	llvm-objcopy --dump-section __versions="$BATS_TEST_TMPDIR/versions" "$bad"
	python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[0] ^= 0xff; open(p, "wb").write(b)' \
		"$BATS_TEST_TMPDIR/versions"
	llvm-objcopy --update-section __versions="$BATS_TEST_TMPDIR/versions" "$bad"
	cmp -s "$ko" "$bad" && false
	out=$BATS_TEST_TMPDIR/bad.ko.verified
	run env FP_BIN="$BIN" FP_KMOD_READ="$U/build/verify/kmod-read" sh "$TOP/mk/verify-output.sh" \
		--tables "$U/build/verify/9.1.0+driver.tables" "$bad" "$(image_of "$release")" "$out"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    $name in $release: FAIL insmod: insmod: can't insert '/module.ko': .* (kernel: falco: disagrees about version of symbol "
	grep -qx 'result=FAIL' "$out"
	grep -qx "probe_sha256=$(fp_sha256 "$bad")" "$out"
}
