#!/bin/sh
# Proves one driver in the kernel it is for: boots that kernel under qemu (TCG) with a busybox
# initramfs holding the driver, its driver version's tables and the verifier of its kind;
# inside, the driver is started, /bin/true is run and a known file opened, and their execve
# and openat events are required.
#   - a legacy eBPF probe (.o): tools/bpf-load loads every program through the kernel's
#     verifier, fills the maps and attaches the tracepoints;
#   - a kernel module (.ko): insmod loads it (a vermagic or symbol mismatch fails there), then
#     tools/kmod-read opens its devices, starts a capture and reads its ring buffers.
#
#   verify-output.sh [--arch ARCH] [--tables FILE] [--timeout S] [--any-kernel] [--console FILE]
#                    [--expect-open PATH] [--append ARGS] OUTPUT IMAGE_PACKAGE RESULT
#
# ARCH is the kernel's architecture, its uname -m (default x86_64): x86_64 boots under
# qemu-system-x86_64 (console ttyS0, the image a bzImage), aarch64 under qemu-system-aarch64
# -M virt -cpu max (console ttyAMA0, the image an arm64 Image, gzipped as Debian ships it), both
# by TCG alone, never KVM: the verdict must not depend on the host. The kernel image, the
# verifier, busybox and a module must all be of ARCH; anything else is bad input (exit 2), as
# a tables file of another architecture would fill the wrong syscall numbers.
#
# IMAGE_PACKAGE is the kernel's image package (Debian: linux-image-<abi>-<flavour>, already
# checked against its index); only its /boot/vmlinuz-* is kept. --tables is the driver
# version's scap-tables output (without it a probe is only loaded and attached, a module only
# loaded and started: no events). --any-kernel loads a probe whose kernel_version, or a module
# whose vermagic, names another release than the booted kernel's, to see whether the kernel
# (its BPF verifier, its module loader) or the events catch it (a real loader refuses it
# before that).
#
# RESULT is written atomically as key=value lines (result=PASS|FAIL, kind, kernel,
# probe_sha256, events_seen, boot_seconds, load_seconds, ...); the VM's console goes to
# --console FILE (default RESULT.console). --expect-open is the file the verifier opens and
# whose openat event it requires (default /tmp/fp-verify-known, which /init creates; a path that
# is never there shows what a driver that misses the event is judged). --append adds ARGS to the
# kernel's command line (module.sig_enforce=1: only a module signed by a key the kernel trusts
# loads); RESULT says append=ARGS.
# Exit status: 0 PASS, 1 FAIL (RESULT written), 2 not verified (bad input, no kernel in the
# package, qemu missing, timeout without a verdict; no RESULT written, so make retries).
#
# Environment: FP_BIN (tools: extract), FP_BPF_LOAD (static bpf-load, default
# $FP_BIN/bpf-load), FP_KMOD_READ (static kmod-read, default $FP_BIN/kmod-read), BUSYBOX
# (default /bin/busybox, must be static, of ARCH), QEMU (default qemu-system-ARCH),
# FP_VERIFY_MEM (default 2G), FP_VERIFY_SMP (default 2), FP_VERIFY_CPU (aarch64's CPU, default
# max,lpa2=off,pauth-impdef=on: see below).
set -u

tables= timeout=240 any_kernel= console_out= expect_open=/tmp/fp-verify-known arch=x86_64 append=
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=$2; shift 2 ;;
	--tables) tables=$2; shift 2 ;;
	--expect-open) expect_open=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--any-kernel) any_kernel=--any-kernel; shift ;;
	--console) console_out=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "verify-output: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 3 ]; then
	echo "usage: verify-output.sh [--arch ARCH] [--tables FILE] [--timeout S] [--any-kernel] [--console FILE] [--expect-open PATH] [--append ARGS] OUTPUT IMAGE_PACKAGE RESULT" >&2
	exit 2
fi
output=$1 image=$2 result=$3
console_out=${console_out:-$result.console}
name=$(basename "$output")
case $name in
*.ko) kind=kmod verifier=${FP_KMOD_READ:-${FP_BIN:?FP_BIN names the tools directory}/kmod-read} ;;
*.o) kind=bpf verifier=${FP_BPF_LOAD:-${FP_BIN:?FP_BIN names the tools directory}/bpf-load} ;;
*) echo "verify-output: $name: neither a probe (.o) nor a kernel module (.ko)" >&2; exit 2 ;;
esac
extract=${FP_BIN:?FP_BIN names the tools directory}/extract
busybox=${BUSYBOX:-/bin/busybox}

die() { echo "verify-output: $name: $*" >&2; exit 2; }

# Each architecture's machine: its ELF e_machine, its console, qemu and its board.
# arm64: TCG's "max" CPU, every feature an arm64 kernel may use but two. Its pointer
# authentication is QEMU's cheap implementation-defined algorithm, not the architected one (many
# times slower under TCG, and the same to the kernel). And it has no FEAT_LPA2 (52-bit physical
# addresses with 4K pages), which no arm64 server Falco is known to run on has (Graviton,
# Ampere, Neoverse N1/V1/N2), and under which Debian's 6.12 kernels turn LPA2 on: there the
# Falco module's ring mappings (PAGE_SHARED as is, whose shareability bits LPA2 reads as address
# bits 51:50; the kernel clears them from its own protections) map the wrong pages, and reading
# the ring ends in a bus error. FP_VERIFY_CPU=max boots such a machine.
case $arch in
x86_64) machine=62 console_dev=ttyS0 qemu=${QEMU:-qemu-system-x86_64} qemu_board= ;;
aarch64) machine=183 console_dev=ttyAMA0 qemu=${QEMU:-qemu-system-aarch64}
	qemu_board="-M virt -cpu ${FP_VERIFY_CPU:-max,lpa2=off,pauth-impdef=on}" ;;
*) die "no verification of $arch kernels (x86_64 and aarch64 only)" ;;
esac
# elf_machine FILE: its ELF e_machine (little-endian), empty if it is no ELF file.
elf_machine() {
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = 177ELF ] || return 0
	od -An -tu2 -j18 -N2 "$1" | tr -d ' '
}

[ -f "$output" ] || die "no $kind output at $output"
[ -f "$image" ] || die "no image package at $image"
[ -z "$tables" ] || [ -f "$tables" ] || die "no tables at $tables"
[ -x "$extract" ] || die "no extract tool at $extract"
[ -x "$verifier" ] || die "no $(basename "$verifier") at $verifier"
command -v "$qemu" >/dev/null || die "$qemu is not installed"
command -v cpio >/dev/null || die "cpio is not installed"
# Nothing but the kernel is in the VM: both binaries must stand alone, and run on its CPU.
for bin in "$verifier" "$busybox"; do
	[ "$(elf_machine "$bin")" = "$machine" ] ||
		die "$bin is not an $arch program (ELF machine $(elf_machine "$bin"), $arch's is $machine)"
	if LC_ALL=C ldd "$bin" 2>&1 | grep -q '=>'; then
		die "$bin is dynamically linked; the initramfs needs a static one (build/bin, not the SAN build)"
	fi
done
# A module's own facts, from its .modinfo strings (NUL-separated key=value).
modinfo() { LC_ALL=C tr '\0' '\n' <"$output" | sed -n "s/^$1=//p" | head -n 1; }
if [ "$kind" = kmod ]; then
	vermagic=$(modinfo vermagic | sed "s/ *$//")
	[ -n "$vermagic" ] || die "$output has no vermagic: not a kernel module"
	# Nothing but the module is loaded: one that needs another cannot be judged here.
	depends=$(modinfo depends)
	[ -z "$depends" ] || die "$output needs the modules $depends, which the verifier does not load"
	# A module of another architecture was never for this kernel (build-output.sh makes none).
	[ "$(elf_machine "$output")" = "$machine" ] ||
		die "$output is not an $arch module (ELF machine $(elf_machine "$output"), $arch's is $machine)"
fi

mkdir -p "$(dirname "$result")" "$(dirname "$console_out")" || die "cannot create the output directories"
work=$(mktemp -d "$(dirname "$result")/.verify.XXXXXX") || die "cannot create a work directory"
qemu_pid=
cleanup() {
	# timeout(1) passes TERM on to qemu; a KILL would orphan qemu.
	[ -n "$qemu_pid" ] && kill -TERM "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# The kernel: the whole package is unpacked (libarchive reads it in one pass), the image kept.
"$extract" --quiet "$image" "$work/pkg" >"$work/extract.log" 2>&1 ||
	die "cannot unpack $image: $(tail -n 3 "$work/extract.log")"
set -- "$work"/pkg/boot/vmlinuz-*
[ $# -eq 1 ] && [ -f "$1" ] || die "$image holds $# kernel images under /boot (expected one)"
mv "$1" "$work/vmlinuz" && rm -rf "$work/pkg" || die "cannot keep the kernel image"
# The image's own mark, where it has one: a bzImage's "HdrS" at 0x202, an arm64 Image's "ARMd" at 0x38 (Debian's
# arm64 vmlinuz is a gzipped Image, which qemu-system-aarch64 unpacks itself).
case $(head -c 2 "$work/vmlinuz" | od -An -tx1 | tr -d ' ') in
1f8b) gzip -dc <"$work/vmlinuz" 2>/dev/null | head -c 4096 >"$work/head" ;;
*) head -c 4096 "$work/vmlinuz" >"$work/head" ;;
esac
image_mark() { dd if="$work/head" bs=1 skip="$1" count=4 2>/dev/null; }
if [ "$(image_mark 514)" = HdrS ]; then
	image_arch=x86_64
elif [ "$(image_mark 56)" = ARMd ]; then
	image_arch=aarch64
else
	image_arch=$arch # one it does not know is qemu's to boot or not (no verdict either way)
fi
[ "$image_arch" = "$arch" ] || die "the kernel of $image is an $image_arch image, not $arch"

# The initramfs: busybox, the verifier, the driver, the tables and /init.
root=$work/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" || die "cannot create $root"
cp "$busybox" "$root/bin/busybox" && cp "$verifier" "$root/bin/verifier" || die "cannot fill the initramfs"
tables_arg=
if [ -n "$tables" ]; then
	cp "$tables" "$root/scap.tables" || die "cannot copy $tables"
	tables_arg="--tables /scap.tables --expect-exec /bin/true --expect-open $expect_open"
fi
if [ "$kind" = bpf ]; then
	cp "$output" "$root/probe.o" || die "cannot fill the initramfs"
	run_driver="{ /bin/verifier $any_kernel $tables_arg --wait 30 /probe.o; echo \"exit=\$?\"; } 2>&1 | sed 's/^/fp: /'"
else
	cp "$output" "$root/module.ko" || die "cannot fill the initramfs"
	# A kernel with modversions checks symbol versions, not the release in vermagic: two
	# builds of one ABI take each other's modules. Falco's loaders choose a module by the
	# kernel's release, so a module for another release is refused first, as bpf-load
	# refuses a probe's kernel_version (--any-kernel leaves the judgement to insmod).
	# The module's name is the directory insmod adds under /sys/module; its devices are
	# /dev/<name>N, one per CPU.
	module_release=${vermagic%% *}
	run_driver=$(cat <<EOF
ls /sys/module >/tmp/modules.before
if [ "\$(uname -r)" != "$module_release" ] && [ -z "$any_kernel" ]; then
	echo "fp: FAIL vermagic: the module is for $module_release, this kernel is \$(uname -r)"
	echo "fp: result=FAIL"
else
	[ "\$(uname -r)" = "$module_release" ] ||
		echo "fp: WARN vermagic: the module is for $module_release, this kernel is \$(uname -r)"
	t0=\$(cut -d' ' -f1 /proc/uptime)
	if insmod /module.ko >/tmp/insmod.log 2>&1; then
		t1=\$(cut -d' ' -f1 /proc/uptime)
		echo "fp: load_seconds=\$(awk "BEGIN { printf \"%.2f\", \$t1 - \$t0 }")"
		module=\$(ls /sys/module | grep -vxF -f /tmp/modules.before | head -n 1)
		echo "fp: module=\$module"
		{ /bin/verifier --module "\$module" $tables_arg --wait 30; echo "exit=\$?"; } 2>&1 | sed 's/^/fp: /'
	else
		# The kernel says why (symbol versions, vermagic) in its log, which the console does
		# not show.
		why=\$(dmesg | sed 's/^\[[ .0-9]*\] *//' | tail -n 2 | uniq | tr '\n' ' ')
		echo "fp: FAIL insmod: \$(tr '\n' ' ' </tmp/insmod.log)(kernel: \${why% })"
		echo "fp: result=FAIL"
	fi
fi
EOF
)
fi
cat >"$root/init" <<EOF
#!/bin/busybox sh
# The kernel runs this as pid 1; its console is $console_dev, which qemu writes to a file.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo  # the firmware leaves the console mid-line
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
echo "fp: boot_seconds=\$(cut -d' ' -f1 /proc/uptime)"
echo "fp: uname=\$(uname -r)"
echo known >/tmp/fp-verify-known
$run_driver
echo "fp: done"
poweroff -f
EOF
chmod 755 "$root/init"
# Fixed owners and times: the archive depends only on its content.
find "$root" -exec touch -h -d @0 {} + 2>/dev/null
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$work/initramfs.cpio" ||
	die "cannot write the initramfs"

console=$work/console.log
start=$(date +%s.%N)
# -no-reboot: a panic (panic=-1 reboots at once) ends qemu instead of looping.
# shellcheck disable=SC2086 # (the board's options are words)
timeout -k 5 "$timeout" "$qemu" $qemu_board -accel tcg -m "${FP_VERIFY_MEM:-2G}" -smp "${FP_VERIFY_SMP:-2}" \
	-nographic -nodefaults -no-reboot -serial "file:$console" -monitor none \
	-kernel "$work/vmlinuz" -initrd "$work/initramfs.cpio" \
	-append "console=$console_dev panic=-1 oops=panic quiet loglevel=3${append:+ $append}" </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
wait "$qemu_pid"
qemu_status=$?
qemu_pid=
end=$(date +%s.%N)
total=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')

tr -d '\r' <"$console" >"$work/console.txt"
val() { sed -n "s/^fp: $1=//p" "$work/console.txt" | tail -n 1; }
verdict=$(val result)
if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
	timed_out=yes
else
	timed_out=no
fi
# A panic or oops while the driver runs is a verdict on the driver, with or without a result line.
if grep -v '^fp: ' "$work/console.txt" | grep -q -e 'Kernel panic' -e 'BUG:' -e 'Oops'; then
	verdict=FAIL
	reason=kernel-crash
elif [ -z "$verdict" ]; then
	echo "verify-output: $name: no verdict (qemu status $qemu_status, timed out: $timed_out); console:" >&2
	tail -n 30 "$work/console.txt" >&2
	tail -n 5 "$work/qemu.log" >&2
	exit 2
else
	reason=$(sed -n 's/^fp: \(FAIL .*\)/\1/p' "$work/console.txt" | head -n 1)
fi

if [ "$kind" = bpf ]; then
	keys="programs_loaded programs_failed fillers_missing tracepoints_attached events_seen events_malformed
		events_lost event_execve_enter event_execve_exit event_openat probe_n_drops_bug"
else
	keys="module devices_opened ring_bytes ioctls events_seen events_malformed module_n_evts
		module_n_drops_buffer module_n_drops_pf event_execve_enter event_execve_exit event_openat"
fi
{
	echo "result=$verdict"
	[ -n "${reason:-}" ] && echo "reason=$reason"
	echo "kind=$kind"
	echo "probe=$name"
	echo "probe_sha256=$(sha256sum "$output" | cut -d' ' -f1)"
	if [ "$kind" = bpf ]; then
		echo "probe_kernel_version=$(val kernel_version)"
	else
		echo "vermagic=$vermagic"
	fi
	echo "kernel=$(val uname)"
	echo "image=$(basename "$image")"
	echo "arch=$arch"
	[ -z "$qemu_board" ] || echo "machine=$qemu_board"
	[ -z "$append" ] || echo "append=$append"
	echo "driver_version=$(val "\\(probe\\|driver\\)_version")"
	for k in $keys; do
		echo "$k=$(val "$k")"
	done
	echo "boot_seconds=$(val boot_seconds)"
	echo "load_seconds=$(val load_seconds)"
	echo "total_seconds=$total"
} >"$work/result" || die "cannot write the result"
cp "$work/console.txt" "$console_out.tmp" && mv "$console_out.tmp" "$console_out" &&
	mv "$work/result" "$result.tmp" && mv "$result.tmp" "$result" || die "cannot write $result"

if [ "$verdict" = PASS ]; then
	if [ "${FP_QUIET:-}" != 1 ]; then
		if [ "$kind" = bpf ]; then
			what="$(val programs_loaded) programs, $(val tracepoints_attached) tracepoints"
		else
			what="module $(val module), $(val devices_opened) devices"
		fi
		echo "  PASS    $name in $(val uname): $what, $(val events_seen) events (boot $(val boot_seconds) s, load $(val load_seconds) s, total $total s)"
	fi
	exit 0
fi
echo "  FAIL    $name in $(val uname): ${reason:-see $console_out}" >&2
# The failing programs with their verifier logs, and every other FAIL line.
sed -n -e 's/^fp: //' -e '/^FAIL /p' -e '/^-- verifier log/,/^-- end of verifier log/p' \
	-e '/^near miss/p' "$work/console.txt" | head -n 200 >&2
exit 1
