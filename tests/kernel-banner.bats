#!/usr/bin/env bats
# tools/kernel-banner: the version banner of a kernel image and the compiler it names, as a
# kernel carries it: in the payload of an x86 bzImage (compressed, after the setup sectors whose
# header says where the payload starts), in a compressed Image, or in a vmlinux as it is. The
# images here are stand-ins made with the real compressors around a real banner's text; the
# live tests (tests/kmod-old.bats) read real Ubuntu images.

setup() {
	load lib/common
	KB=${FP_BIN:?}/kernel-banner
	T=$BATS_TEST_TMPDIR
	BANNER='Linux version 4.14.355-275.570.amzn2.x86_64 (mockbuild@ip-10-0-1-143) (gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)) #1 SMP Mon Jan 1 00:00:00 UTC 2026'
}

# payload: a vmlinux-like body with the banner in it (and a decoy that only looks like one).
payload() {
	head -c 100000 /dev/urandom | base64 -w0
	printf 'Linux version %%s (%%s@%%s) (%%s) %%s\n\0'
	printf '%s\n\0' "$BANNER"
	head -c 100000 /dev/urandom | base64 -w0
}

# bzimage COMPRESS...: a bzImage's layout: setup sectors whose header ("HdrS", protocol 2.08)
# gives the payload's offset, then the payload compressed by COMPRESS.
bzimage() {
	python3 - "$T/setup" <<'EOF'
import struct, sys
setup = bytearray(4 * 512 + 512)           # setup_sects = 4, plus the boot sector
setup[0x1f1] = 4
setup[0x202:0x206] = b"HdrS"
setup[0x206:0x208] = struct.pack("<H", 0x020f)
setup[0x248:0x24c] = struct.pack("<I", 0x1000)  # payload_offset from the protected-mode code
open(sys.argv[1], "wb").write(bytes(setup) + b"P" * 0x1000)
EOF
	cat "$T/setup"
	payload | "$@"
}

@test "kernel-banner: a bzImage's payload in each compression a kernel uses; the banner, its compiler, its version" {
	for c in "gzip -9" "xz --check=crc32" "bzip2" "zstd -q" "xz --format=lzma"; do
		bzimage $c >"$T/vmlinuz"
		run "$KB" "$T/vmlinuz"
		echo "$c: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "$BANNER" ]
	done
	run "$KB" --compiler "$T/vmlinuz"
	[ "$output" = "gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)" ]
	run "$KB" --version "$T/vmlinuz"
	[ "$output" = "#1 SMP Mon Jan 1 00:00:00 UTC 2026" ]
}

@test "kernel-banner: a compressed Image with no setup part, and a vmlinux as it is (an ELF object)" {
	payload | gzip -9 >"$T/Image.gz"
	run "$KB" --compiler "$T/Image.gz"
	[ "$status" -eq 0 ]
	[ "$output" = "gcc version 7.3.1 20180712 (Red Hat 7.3.1-17) (GCC)" ]
	printf 'const char linux_banner[] = "%s\\n";\n' "$BANNER" >"$T/version.c"
	gcc -c -o "$T/vmlinux" "$T/version.c"
	run "$KB" "$T/vmlinux"
	[ "$status" -eq 0 ]
	[ "$output" = "$BANNER" ]
}

@test "kernel-banner: since Linux 5.8 the compiler names its linker too; the whole text is the compiler's" {
	BANNER='Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)'
	bzimage xz --check=crc32 >"$T/vmlinuz"
	run "$KB" --compiler "$T/vmlinuz"
	[ "$status" -eq 0 ]
	[ "$output" = "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40" ]
}

@test "kernel-banner: no banner, a banner of another form, a directory, bad usage: each refused, naming the file" {
	head -c 300000 /dev/urandom | gzip >"$T/noise"
	run "$KB" "$T/noise"
	[ "$status" -eq 1 ]
	[ "$output" = "kernel-banner: $T/noise: no kernel version banner (Linux version ...) in it, as it is or decompressed" ]
	printf 'Linux version 6.1 built by nobody\n' | gzip >"$T/odd"
	run "$KB" "$T/odd"
	[ "$status" -eq 0 ]
	run "$KB" --compiler "$T/odd"
	[ "$status" -eq 1 ]
	[[ "$output" == "kernel-banner: $T/odd: its banner is not Linux's "* ]]
	run "$KB" "$T"
	[ "$status" -eq 1 ]
	[ "$output" = "kernel-banner: $T: not a file" ]
	run "$KB"
	[ "$status" -eq 2 ]
	run "$KB" --bogus "$T/odd"
	[ "$status" -eq 2 ]
}
