#!/usr/bin/env bats
# Boot verification: tools/bpf-load (our loader for legacy Falco probes) on this host's
# kernel, and mk/verify-probe.sh booting a real Debian kernel under qemu.
#
# The host tests load a miniature legacy probe (tests/fixtures/legacy-probe) through THIS
# kernel's verifier: they check the loader (maps layout, relocations, attaching, refusals and
# error reports), not any probe's fitness for a kernel, since a probe is only meaningful in
# the kernel it was built for. They need bpf(2), i.e. root.
#
# The live test builds the newest bookworm amd64 probe from the real driver with the project's
# own rules, fetches that kernel's image package through the signed index, and requires PASS
# with real execve and openat events from inside the VM. It shares FP_LIVE_DIR (build/live)
# with tests/live-debian.bats, so packages are downloaded once.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	# The miniature probe, once for this kernel and once for another one.
	clang -O2 -g -target bpf -DKERNEL_RELEASE="\"$(uname -r)\"" \
		-c "$TOP/tests/fixtures/legacy-probe/probe.c" -o "$FIX/mini.o"
	clang -O2 -g -target bpf -DKERNEL_RELEASE='"0.0.0-elsewhere"' \
		-c "$TOP/tests/fixtures/legacy-probe/probe.c" -o "$FIX/other.o"
}

need_bpf() {
	[ "$(id -u)" = 0 ] || skip "bpf(2) needs root"
}

# A tables file for the miniature probe, in scap-tables' format; $1 is the settings size.
mini_tables() {
	local size=${1:-16}
	{
		echo "fp-scap-tables 1"
		echo "driver_version 0.0.0-test"
		echo "api_version $((1 << 44))"
		echo "schema_version $((1 << 44))"
		echo "settings_offsets boot_time=0 capture_enabled=8"
		echo "filler 0 noop"
		echo "event 0 generic 0 0"
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
	llvm-objcopy --dump-section raw_tracepoint/sys_enter="$FIX/sec.bin" "$FIX/mini.o"
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

@test "a truncated probe, or one without its api_version, is refused naming what is missing" {
	head -c 3000 "$FIX/mini.o" >"$FIX/trunc.o"
	run "$BIN/bpf-load" "$FIX/trunc.o"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "trunc.o: missing api_version section"
	llvm-objcopy --rename-section api_version=other "$FIX/mini.o" "$FIX/noapi.o"
	run "$BIN/bpf-load" "$FIX/noapi.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "noapi.o: missing api_version section"
	head -c 100 "$FIX/mini.o" >"$FIX/tiny.o"
	run "$BIN/bpf-load" "$FIX/tiny.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "tiny.o: "
	run "$BIN/bpf-load" "$FIX/does-not-exist.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "does-not-exist.o: No such file or directory"
}

@test "tables fill the probe's maps and tail calls; tables of another driver version are refused" {
	need_bpf
	mini_tables 16
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 0 ]
	# A settings value of another size: another driver version's tables.
	mini_tables 24
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q '^FAIL tables: map settings_map holds 16-byte values, the tables 24-byte ones'
	# A filler the driver knows but the probe lacks.
	mini_tables 16
	sed -i 's/^filler 0 noop$/filler 0 noop\nfiller 1 sys_open_x/' "$FIX/mini.tables"
	run "$BIN/bpf-load" --tables "$FIX/mini.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q '^FAIL missing filler 1 (sys_open_x)'
	# Truncated tables.
	mini_tables 16
	head -c 200 "$FIX/mini.tables" >"$FIX/short.tables"
	run "$BIN/bpf-load" --tables "$FIX/short.tables" --no-attach "$FIX/mini.o"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'short.tables:'
}

@test "verify-probe.sh refuses a dynamically linked loader and a package without a kernel" {
	mkdir -p "$FIX/pkg/DEBIAN" "$FIX/pkg/usr/share/doc/x"
	printf 'Package: not-a-kernel\nVersion: 1\nArchitecture: all\nMaintainer: t <t@invalid>\nDescription: t\n' \
		>"$FIX/pkg/DEBIAN/control"
	echo doc >"$FIX/pkg/usr/share/doc/x/README"
	dpkg-deb --root-owner-group --build "$FIX/pkg" "$FIX/not-a-kernel.deb" >/dev/null
	# The sanitized loader is dynamic: it could not run alone in the initramfs.
	if ldd "$BIN/bpf-load" 2>&1 | grep -q '=>'; then
		run env FP_BIN="$BIN" sh "$TOP/mk/verify-probe.sh" "$FIX/mini.o" "$FIX/not-a-kernel.deb" "$FIX/r"
		[ "$status" -eq 2 ]
		echo "$output" | grep -q 'dynamically linked'
	fi
	cc -O2 -static -o "$FIX/bpf-load" "$TOP/tools/bpf-load.c" -lelf -lz -lzstd
	run env FP_BIN="$BIN" FP_BPF_LOAD="$FIX/bpf-load" sh "$TOP/mk/verify-probe.sh" "$FIX/mini.o" \
		"$FIX/not-a-kernel.deb" "$FIX/out/r"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q 'not-a-kernel.deb holds .* kernel images under /boot (expected one)'
	[ ! -e "$FIX/out/r" ]
	# The work directory is gone.
	[ -z "$(ls -A "$FIX/out")" ]
}

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

@test "live: the newest bookworm amd64 probe passes in its own kernel under qemu, with real events" {
	live_setup
	make "${MAKEARGS[@]}" list-debian >/dev/null
	release=$(awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ && $7 != "-" { print $3 }' \
		"$LIVE/build/listing/debian.tsv" | sort -V | tail -n 1)
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
	# The two newest bookworm amd64 kernels that have an image package.
	set -- $(awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ && $7 != "-" { print $3 }' \
		"$LIVE/build/listing/debian.tsv" | sort -V | tail -n 2)
	[ $# -eq 2 ] || skip "the mirror lists a single bookworm amd64 kernel"
	older=$1 newer=$2
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${newer}_1.o
	image_sha=$(awk -F'\t' -v r="$older" '$3 == r { print $7 }' "$LIVE/build/listing/debian.tsv" | cut -d'|' -f2)
	image=$LIVE/cache/packages/$image_sha
	make "${MAKEARGS[@]}" "$probe" "$image" "$LIVE/build/verify/debian-dkms.tables" \
		"$LIVE/build/verify/bpf-load" >/dev/null
	out=$BATS_TEST_TMPDIR/cross.verified
	run env FP_BIN="$BIN" FP_BPF_LOAD="$LIVE/build/verify/bpf-load" sh "$TOP/mk/verify-probe.sh" \
		--tables "$LIVE/build/verify/debian-dkms.tables" "$probe" "$image" "$out"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    falco_debian_${newer}_1.o in $older: FAIL kernel_version: the probe is for $newer, this kernel is $older"
	grep -qx 'result=FAIL' "$out"
	grep -qx "kernel=$older" "$out"
	grep -qx "probe_kernel_version=$newer" "$out"
}
