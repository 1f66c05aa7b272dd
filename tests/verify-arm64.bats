#!/usr/bin/env bats
# Boot verification of arm64 drivers on this x86_64 host: each output, cross-built from the real
# Debian 12 arm64 packages, boots its own arm64 kernel under qemu-system-aarch64 (TCG, -M virt,
# -cpu max without LPA2), with guest tools cross-compiled against Debian's own arm64 static
# libraries and busybox (fetched through the verified indexes) and its driver version's arm64
# tables (compiled by aarch64-linux-gnu-gcc, run under qemu-user). PASS needs real execve and
# openat events from inside the VM, as on x86_64 (tests/verify.bats).
#
# The outputs and their verdicts are kept in FP_LIVE_DIR/verify-arm64 and its package cache,
# so that a second run boots nothing. Measured on a 2-core x86_64 host, QEMU 7.2: the newest
# Debian 12 arm64 kernel (6.12) boots in about 3 s, the 9.1.0 probe loads its 171 programs
# through the arm64 BPF verifier in 15-20 s (total 20-25 s), each module loads and reads in
# under 5 s; the whole file 2 min 40 s with its builds, 1 min 40 s without (a warm package cache).

load lib/common

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs} SKIP_WHY=
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	export A=$LIVE/verify-arm64
	if [ ! -f "$LIBS/9.1.0+driver.tar.gz" ]; then
		SKIP_WHY="no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
		return 0
	fi
	local q
	for q in qemu-system-aarch64 qemu-aarch64-static aarch64-linux-gnu-gcc; do
		command -v "$q" >/dev/null || { SKIP_WHY="$q is not installed (mk/packages.txt)"; return 0; }
	done
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	if [ -z "$MIRROR_debian" ]; then
		SKIP_WHY="no Debian mirror in this machine's apt sources"
		return 0
	fi
	MIRROR_debian_security=${MIRROR_debian_security:-$MIRROR_debian}
	fp_http_start "$LIBS"
	export LIBS_URL=$FP_HTTP_URL
	amake list-debian >/dev/null
	# The two newest plain Debian 12 arm64 kernels that have an image package.
	set -- $(awk -F'\t' '$1 == "distros/os-release/debian-12" && $2 == "aarch64" && $3 ~ /^[0-9.]+(\+deb12)?(-[0-9]+)?-arm64$/ && $7 != "-" { print $3 }' \
		"$A/build/listing/debian.tsv" | sort -V | tail -n 2)
	export OLDER=${2:+$1} NEWEST=${2:-${1:-}}
}

teardown_file() {
	fp_http_stop_all
}

ready() {
	[ -z "$SKIP_WHY" ] || skip "$SKIP_WHY"
	[ -n "$NEWEST" ]
}

amake() {
	fp_make "$A" CACHE="$LIVE/cache" MIRROR_debian="$MIRROR_debian" MIRROR_debian_security="$MIRROR_debian_security" \
		LIBS_ARCHIVES="$LIBS_URL" FALCO_VERSIONS="0.43.1 0.44.1" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12" "$@"
}

# output_of DV RELEASE KIND: the output DV builds for Debian 12 arm64 kernel RELEASE.
output_of() {
	echo "$A/dist/$(awk -F'\t' -v k="debian-12_$2" -v kind="$3" '$2 == k && $3 == kind && $5 == "build" { print $1 }' \
		"$A/kernels/$1/debian.outputs")"
}
image_of() {
	echo "$LIVE/cache/packages/$(awk -F'\t' -v r="$1" '$3 == r { print $7 }' "$A/build/listing/debian.tsv" | cut -d'|' -f2)"
}
times() {
	grep -E '^(boot|load|total)_seconds|^events_seen|^programs_loaded' "$1" | tr '\n' ' '
}

@test "live: 9.1.0+driver's arm64 probe passes in its own Debian 12 arm64 kernel under qemu-system-aarch64, with real events" {
	ready
	probe=$(output_of 9.1.0+driver "$NEWEST" bpf)
	[[ "$probe" == "$A/dist/9.1.0+driver/aarch64/"*.o ]]
	r=$probe.verified
	rm -f "$r"
	start=$(date +%s)
	run amake "$r"
	echo "$output" | grep -v NOTE
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "PASS    $(basename "$probe") in $NEWEST: [0-9]* programs"
	cat "$r"
	grep -qx 'result=PASS' "$r"
	grep -qx 'kind=bpf' "$r"
	grep -qx 'arch=aarch64' "$r"
	grep -qx 'machine=-M virt -cpu max,lpa2=off,pauth-impdef=on' "$r"
	grep -qx "kernel=$NEWEST" "$r"
	grep -qx "probe_kernel_version=$NEWEST" "$r"
	grep -qx 'driver_version=9.1.0+driver' "$r"
	grep -qx 'programs_failed=0' "$r"
	[ "$(sed -n 's/^programs_loaded=//p' "$r")" -gt 150 ]
	grep -qx 'event_execve_exit=seen' "$r"
	grep -qx 'event_openat=seen' "$r"
	grep -qx 'events_malformed=0' "$r"
	# The guest tools are arm64's, from Debian's own arm64 packages; the tables arm64's: execve
	# is syscall 221 and openat 56 in the generic table (59 and 257 on x86_64).
	file "$A/build/verify/aarch64/bpf-load" | grep -q 'ARM aarch64.*statically linked'
	grep -q '^libelf-dev [^ ]*_arm64\.deb [0-9a-f]\{64\} [0-9]*$' "$A/build/verify/aarch64/sysroot/.packages"
	grep -q '^busybox-static [^ ]*_arm64\.deb [0-9a-f]\{64\} [0-9]*$' "$A/build/verify/aarch64/sysroot/.packages"
	python3 - "$A/build/verify/aarch64/9.1.0+driver.tables" <<'EOF'
import struct, sys
t = open(sys.argv[1], "rb").read()
head = b"\nblob syscall_table 16 512\n"
at = t.index(head) + len(head)
# struct syscall_evt_pair { int flags; enter_event_type; exit_event_type; ppm_sc; }
def pair(nr):
    return struct.unpack_from("<iiii", t, at + 16 * nr)
# PPME_SYSCALL_EXECVE_19_E/_X (292/293), PPME_SYSCALL_OPENAT_2_E/_X (306/307)
assert pair(221)[1:3] == (292, 293), pair(221)
assert pair(56)[1:3] == (306, 307), pair(56)
assert pair(59)[1:3] != (292, 293), pair(59)
EOF
	grep -q "^fp: running_kernel=$NEWEST" "$A/build/verify/${probe#"$A/dist/"}.console"
	echo "# arm64 9.1.0 probe: $(times "$r")($(($(date +%s) - start)) s with the build)" >&3
	# Nothing changed: make does not boot it again.
	run amake "$r"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'VERIFY' || false
}

@test "live: 9.1.0+driver's and 10.2.0+driver's arm64 modules pass in their own Debian 12 arm64 kernel, events from their rings" {
	ready
	ko9=$(output_of 9.1.0+driver "$NEWEST" kmod) ko10=$(output_of 10.2.0+driver "$NEWEST" kmod)
	[[ "$ko10" == "$A/dist/10.2.0+driver/aarch64/"*.ko ]]
	rm -f "$ko9.verified" "$ko10.verified"
	start=$(date +%s)
	run amake "$ko9.verified" "$ko10.verified"
	echo "$output" | grep -v NOTE
	[ "$status" -eq 0 ]
	for ko in "$ko9" "$ko10"; do
		r=$ko.verified
		cat "$r"
		echo "$output" | grep -q "PASS    $(basename "$ko") in $NEWEST: module falco, [1-9] devices"
		grep -qx 'result=PASS' "$r"
		grep -qx 'kind=kmod' "$r"
		grep -qx 'arch=aarch64' "$r"
		grep -qx "kernel=$NEWEST" "$r"
		grep -qx "vermagic=$NEWEST SMP mod_unload modversions aarch64" "$r"
		grep -qx 'module=falco' "$r"
		# arm64 has no open, fork or vfork: eight syscalls to enable, not eleven.
		grep -q '^ioctls=ENABLE_SYSCALLx8 ENABLE_TP(0) ENABLE_TP(1) ENABLE_TP(2) ENABLE_TP(8)$' "$r"
		[ "$(sed -n 's/^events_seen=//p' "$r")" -gt 0 ]
		grep -qx 'event_execve_exit=seen' "$r"
		grep -qx 'event_openat=seen' "$r"
		grep -qx 'events_malformed=0' "$r"
		echo "# arm64 $(sed -n 's/^driver_version=//p' "$r") module: $(times "$r")" >&3
	done
	grep -qx 'driver_version=9.1.0+driver' "$ko9.verified"
	grep -qx 'driver_version=10.2.0+driver' "$ko10.verified"
	echo "# arm64 modules: $(($(date +%s) - start)) s with make" >&3
}

@test "live: an arm64 module booted in another arm64 kernel FAILs, as one that misses the expected openat does; no verdict for another architecture's kernel, tools or module" {
	ready
	ko=$(output_of 9.1.0+driver "$NEWEST" kmod)
	tables=$A/build/verify/aarch64/9.1.0+driver.tables
	run amake "$ko" "$tables" "$A/build/verify/aarch64/kmod-read" "$A/build/verify/aarch64/busybox" \
		"$A/build/verify/kmod-read" "$A/build/verify/bpf-load" "$(image_of "$NEWEST")" ${OLDER:+"$(image_of "$OLDER")"}
	[ "$status" -eq 0 ]
	arm() {
		env FP_BIN="$BIN" FP_KMOD_READ="$A/build/verify/aarch64/kmod-read" BUSYBOX="$A/build/verify/aarch64/busybox" \
			sh "$TOP/mk/verify-output.sh" --arch aarch64 "$@"
	}
	name=$(basename "$ko")
	# The arm64 Image of the newest kernel, with the x86_64 tools or as an x86_64 kernel: refused
	# before any boot, and nothing written.
	out=$BATS_TEST_TMPDIR/x.verified
	run env FP_BIN="$BIN" FP_KMOD_READ="$A/build/verify/kmod-read" sh "$TOP/mk/verify-output.sh" \
		--tables "$tables" "$ko" "$(image_of "$NEWEST")" "$out"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "$name: .*$name is not an x86_64 module (ELF machine 183, x86_64's is 62)"
	run env FP_BIN="$BIN" FP_KMOD_READ="$A/build/verify/kmod-read" BUSYBOX="$A/build/verify/aarch64/busybox" \
		sh "$TOP/mk/verify-output.sh" --arch aarch64 --tables "$tables" "$ko" "$(image_of "$NEWEST")" "$out"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "$A/build/verify/kmod-read is not an aarch64 program (ELF machine 62, aarch64's is 183)"
	probe=$(output_of 9.1.0+driver "$NEWEST" bpf)
	run env FP_BIN="$BIN" FP_BPF_LOAD="$A/build/verify/bpf-load" sh "$TOP/mk/verify-output.sh" \
		"$probe" "$(image_of "$NEWEST")" "$out"
	echo "$output"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "the kernel of .* is an aarch64 image, not x86_64"
	[ ! -e "$out" ]
	# In its own kernel, told to expect an openat of a file that is never there.
	r=$BATS_TEST_TMPDIR/open.verified
	run arm --tables "$tables" --expect-open /tmp/fp-never-opened "$ko" "$(image_of "$NEWEST")" "$r"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    $name in $NEWEST: FAIL event: no matching openat exit event of /tmp/fp-never-opened"
	grep -qx 'event_openat=missing' "$r"
	grep -qx 'event_execve_exit=seen' "$r"
	# In the previous Debian 12 arm64 kernel: refused for its release, a verdict.
	[ -n "$OLDER" ] || skip "the mirror lists a single Debian 12 arm64 kernel"
	r=$BATS_TEST_TMPDIR/older.verified
	run arm --tables "$tables" "$ko" "$(image_of "$OLDER")" "$r"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL    $name in $OLDER: FAIL vermagic: the module is for $NEWEST, this kernel is $OLDER"
	grep -qx 'result=FAIL' "$r"
	grep -qx "kernel=$OLDER" "$r"
	grep -qx 'arch=aarch64' "$r"
}
