#!/usr/bin/env bats
# extract: real packages and archives, made here with the real tools (dpkg-deb, tar, cpio,
# rpmbuild), unpack to the right files; hostile archives made with GNU tar are refused or
# defused, and nothing is ever written outside the destination.

setup() {
	load lib/common
	EXTRACT=${FP_BIN:?}/extract
	T=$BATS_TEST_TMPDIR
	# Destinations sit two levels down, so that "../" and "../../" still land inside $T, where
	# the tests look for them.
	DEST=$T/a/b/dest
	mkdir -p "$T/a/b" "$T/outside"
}

# A package tree like a kernel header package's: files, an executable, an empty file, a
# relative symlink that stays inside and an absolute one (lib/modules/<r>/build) that must be
# skipped.
make_tree() {
	local root=$1
	mkdir -p "$root/usr/src/linux-headers-9.9.9-1-amd64/include/generated" \
		"$root/usr/lib/linux-kbuild-9.9/scripts" "$root/lib/modules/9.9.9-1-amd64"
	echo '#define UTS_RELEASE "9.9.9-1-amd64"' >"$root/usr/src/linux-headers-9.9.9-1-amd64/include/generated/utsrelease.h"
	printf 'all:\n\t@true\n' >"$root/usr/src/linux-headers-9.9.9-1-amd64/Makefile"
	printf '#!/bin/sh\necho fixdep\n' >"$root/usr/lib/linux-kbuild-9.9/scripts/fixdep"
	chmod 0755 "$root/usr/lib/linux-kbuild-9.9/scripts/fixdep"
	: >"$root/usr/src/linux-headers-9.9.9-1-amd64/.empty"
	ln -s ../../lib/linux-kbuild-9.9/scripts "$root/usr/src/linux-headers-9.9.9-1-amd64/scripts"
	ln -s /usr/src/linux-headers-9.9.9-1-amd64 "$root/lib/modules/9.9.9-1-amd64/build"
}

check_tree() {
	local d=$1
	[ "$(cat "$d/usr/src/linux-headers-9.9.9-1-amd64/include/generated/utsrelease.h")" = '#define UTS_RELEASE "9.9.9-1-amd64"' ]
	cmp "$T/tree/usr/src/linux-headers-9.9.9-1-amd64/Makefile" "$d/usr/src/linux-headers-9.9.9-1-amd64/Makefile"
	[ -x "$d/usr/lib/linux-kbuild-9.9/scripts/fixdep" ]
	[ -f "$d/usr/src/linux-headers-9.9.9-1-amd64/.empty" ]
	[ ! -s "$d/usr/src/linux-headers-9.9.9-1-amd64/.empty" ]
	[ "$(readlink "$d/usr/src/linux-headers-9.9.9-1-amd64/scripts")" = ../../lib/linux-kbuild-9.9/scripts ]
	[ "$("$d/usr/src/linux-headers-9.9.9-1-amd64/scripts/fixdep")" = fixdep ]
	[ ! -e "$d/lib/modules/9.9.9-1-amd64/build" ]
	[ ! -L "$d/lib/modules/9.9.9-1-amd64/build" ]
}

# Every symlink under DIR resolves to DIR or below it, and OUTSIDE is still empty.
no_escape() {
	local dir=$1 real link target
	real=$(realpath "$dir")
	while IFS= read -r -d '' link; do
		target=$(realpath -m "$link")
		case $target in
		"$real" | "$real"/*) ;;
		*)
			echo "symlink $link leads outside $dir, to $target" >&2
			return 1
			;;
		esac
	done < <(find "$dir" -type l -print0)
	[ -z "$(ls -A "$T/outside")" ]
}

make_deb() {
	local comp=$1
	rm -rf "$T/tree"
	make_tree "$T/tree"
	mkdir -p "$T/tree/DEBIAN"
	cat >"$T/tree/DEBIAN/control" <<EOF
Package: linux-headers-9.9.9-1-amd64
Version: 9.9.9-1
Architecture: amd64
Maintainer: falco-probes tests <tests@example.invalid>
Description: extract test package
EOF
	dpkg-deb --root-owner-group -Z"$comp" --build "$T/tree" "$T/pkg.deb" >/dev/null
	rm -rf "$T/tree/DEBIAN"
}

@test "extract: .deb packages with xz, gzip, zstd and uncompressed data unpack their data" {
	for comp in xz gzip zstd none; do
		make_deb "$comp"
		# The member really is of that kind.
		case $comp in
		xz) member=data.tar.xz ;; gzip) member=data.tar.gz ;; zstd) member=data.tar.zst ;; none) member=data.tar ;;
		esac
		ar t "$T/pkg.deb" | grep -qx "$member"
		rm -rf "$DEST"
		run "$EXTRACT" "$T/pkg.deb" "$DEST"
		[ "$status" -eq 0 ]
		check_tree "$DEST"
		# The control member is metadata, not unpacked.
		[ ! -e "$DEST/control" ]
		[ ! -e "$DEST/DEBIAN" ]
		[[ "$output" == *"not creating symlink"*"lib/modules/9.9.9-1-amd64/build"* ]]
		no_escape "$DEST"
	done
}

@test "extract: --quiet leaves out the note about a skipped symlink" {
	make_deb xz
	run "$EXTRACT" --quiet "$T/pkg.deb" "$DEST"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	check_tree "$DEST"
}

@test "extract: several packages unpack into one root" {
	make_deb xz
	mkdir -p "$T/tree2/usr/src/other/DEBIAN" "$T/t2/usr/src/other"
	echo other >"$T/t2/usr/src/other/file"
	mkdir -p "$T/t2/DEBIAN"
	printf 'Package: other\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: other\n' >"$T/t2/DEBIAN/control"
	dpkg-deb --root-owner-group --build "$T/t2" "$T/other.deb" >/dev/null
	"$EXTRACT" --quiet "$T/pkg.deb" "$DEST"
	"$EXTRACT" --quiet "$T/other.deb" "$DEST"
	check_tree "$DEST"
	[ "$(cat "$DEST/usr/src/other/file")" = other ]
}

@test "extract: tar, tar.gz, tar.xz, tar.zst and cpio archives unpack" {
	make_tree "$T/tree"
	tar -C "$T/tree" -cf "$T/x.tar" .
	tar -C "$T/tree" -czf "$T/x.tgz" .
	tar -C "$T/tree" -cJf "$T/x.tar.xz" .
	tar -C "$T/tree" --zstd -cf "$T/x.tar.zst" .
	(cd "$T/tree" && find . | cpio --quiet -o -H newc >"$T/x.cpio")
	(cd "$T/tree" && find . | cpio --quiet -o -H newc | gzip >"$T/x.cpio.gz")
	for a in x.tar x.tgz x.tar.xz x.tar.zst x.cpio x.cpio.gz; do
		rm -rf "$DEST"
		run "$EXTRACT" "$T/$a" "$DEST"
		echo "$a: $output"
		[ "$status" -eq 0 ]
		check_tree "$DEST"
		no_escape "$DEST"
	done
}

@test "extract: an rpm with a zstd payload unpacks its cpio payload" {
	make_tree "$T/tree"
	cat >"$T/k.spec" <<'EOF'
%define debug_package %{nil}
%define __os_install_post %{nil}
%define _build_id_links none
%define _binary_payload w19.zstdio
Name: kernel-devel
Version: 9.9.9
Release: 1
Summary: extract test package
License: GPLv2
BuildArch: noarch
%description
extract test package
%install
cp -a %{tree}/. %{buildroot}/
%files
/usr
/lib
EOF
	rpmbuild --quiet -bb --define "_topdir $T/rpm" --define "tree $T/tree" "$T/k.spec" >/dev/null 2>&1
	rpm=$(find "$T/rpm/RPMS" -name '*.rpm')
	[ "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR}' "$rpm")" = zstd ]
	run "$EXTRACT" "$rpm" "$DEST"
	[ "$status" -eq 0 ]
	check_tree "$DEST"
	no_escape "$DEST"
}

@test "extract: --exclude leaves out other architectures' headers, and still refuses a hostile entry" {
	make_tree "$T/tree"
	common=$T/tree/usr/src/linux-headers-9.9.9-1-common
	mkdir -p "$common/arch/x86/include/asm" "$common/arch/mips/include/asm" "$T/tree/usr/share/doc/x"
	echo x86 >"$common/arch/x86/include/asm/a.h"
	echo mips >"$common/arch/mips/include/asm/a.h"
	echo doc >"$T/tree/usr/share/doc/x/copyright"
	mkdir -p "$T/tree/DEBIAN"
	printf 'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: t\n' >"$T/tree/DEBIAN/control"
	dpkg-deb --root-owner-group --build "$T/tree" "$T/x.deb" >/dev/null
	run "$EXTRACT" --quiet --exclude '*/arch/mips/*' --exclude 'usr/share/doc/*' "$T/x.deb" "$DEST"
	[ "$status" -eq 0 ]
	[ "$(cat "$DEST/usr/src/linux-headers-9.9.9-1-common/arch/x86/include/asm/a.h")" = x86 ]
	[ ! -e "$DEST/usr/src/linux-headers-9.9.9-1-common/arch/mips/include/asm/a.h" ]
	[ ! -e "$DEST/usr/share/doc/x/copyright" ]
	check_tree "$DEST"
	mkdir -p "$T/w/in"
	echo pwned >"$T/w/escape.txt"
	(cd "$T/w/in" && tar -cPf "$T/evil.tar" ../escape.txt)
	run "$EXTRACT" --exclude '*escape*' "$T/evil.tar" "$T/a/b/dest2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'../escape.txt'"* ]]
}

@test "extract: a tar member named ../x is refused, naming it, and nothing is written outside" {
	mkdir -p "$T/w/in"
	echo ok >"$T/w/in/ok.txt"
	echo pwned >"$T/w/escape.txt"
	(cd "$T/w/in" && tar -cPf "$T/evil.tar" ok.txt ../escape.txt)
	tar -tPf "$T/evil.tar" | grep -qx '../escape.txt'
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'../escape.txt'"* ]]
	[[ "$output" == *"$T/evil.tar"* ]]
	[ ! -e "$T/a/b/escape.txt" ]
}

@test "extract: a member with .. in its middle is refused" {
	mkdir -p "$T/w"
	echo pwned >"$T/w/x"
	(cd "$T/w" && tar -cPf "$T/evil.tar" --transform 's,^x$,usr/../../../x,' x)
	tar -tPf "$T/evil.tar" | grep -qx 'usr/../../../x'
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'usr/../../../x'"* ]]
	[ ! -e "$T/a/x" ]
}

@test "extract: a member with an absolute name is refused, naming it, and not written" {
	echo pwned >"$T/outside/abs.txt"
	tar -cPf "$T/evil.tar" "$T/outside/abs.txt"
	rm "$T/outside/abs.txt"
	tar -tPf "$T/evil.tar" | grep -qx "$T/outside/abs.txt"
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'$T/outside/abs.txt'"* ]]
	[ ! -e "$T/outside/abs.txt" ]
	[ ! -e "$DEST/$T/outside/abs.txt" ]
}

@test "extract: an absolute symlink is not created, and a member through it stays inside" {
	mkdir -p "$T/s1" "$T/s2/evil"
	ln -s "$T/outside" "$T/s1/evil"
	echo pwned >"$T/s2/evil/pwned"
	tar -C "$T/s1" -cf "$T/evil.tar" evil
	tar -C "$T/s2" -rf "$T/evil.tar" evil/pwned
	tar -tvf "$T/evil.tar" | grep -q "evil -> $T/outside"
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[[ "$output" == *"not creating symlink 'evil' -> '$T/outside'"* ]]
	[ ! -e "$T/outside/pwned" ]
	[ ! -L "$DEST/evil" ]
	no_escape "$DEST"
}

@test "extract: a relative symlink climbing out is not created, and a member through it stays inside" {
	mkdir -p "$T/s1" "$T/s2/up"
	ln -s ../../.. "$T/s1/up"
	echo pwned >"$T/s2/up/pwned"
	tar -C "$T/s1" -cf "$T/evil.tar" up
	tar -C "$T/s2" -rf "$T/evil.tar" up/pwned
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[[ "$output" == *"not creating symlink 'up' -> '../../..'"* ]]
	[ ! -L "$DEST/up" ]
	[ ! -e "$T/pwned" ]
	no_escape "$DEST"
}

@test "extract: a symlink whose path has ./ in it is measured by its real depth" {
	# a/./evil lives in a/, so ../../secret from there is outside, though a/./ looks two deep.
	mkdir -p "$T/s/a"
	ln -s ../../outside "$T/s/a/evil"
	tar -C "$T/s" -cf "$T/evil.tar" --no-recursion --transform 's,^a/evil$,a/./evil,' a a/evil
	tar -tf "$T/evil.tar" | grep -qx 'a/./evil'
	# DEST directly in $T: ../../outside from DEST/a is $T/outside.
	DEST=$T/dest
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[[ "$output" == *"not creating symlink 'a/./evil'"* ]]
	[ ! -L "$DEST/a/evil" ]
	no_escape "$DEST"
}

@test "extract: a symlink climbing out through another symlink is not created" {
	# d/s -> .. is the root itself, fine; x -> d/s/.. is the root's parent.
	mkdir -p "$T/s/d" "$T/s2/x"
	ln -s .. "$T/s/d/s"
	ln -s d/s/.. "$T/s/x"
	echo pwned >"$T/s2/x/pwned"
	tar -C "$T/s" -cf "$T/evil.tar" --no-recursion d d/s x
	tar -C "$T/s2" -rf "$T/evil.tar" x/pwned
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[[ "$output" == *"not creating symlink 'x' -> 'd/s/..'"* ]]
	[ "$(readlink "$DEST/d/s")" = .. ]
	[ ! -L "$DEST/x" ]
	[ ! -e "$T/a/b/pwned" ]
	no_escape "$DEST"
}

@test "extract: a hard link to ../x refuses the archive, naming it" {
	mkdir -p "$T/w"
	echo ok >"$T/w/ok"
	echo secret >"$T/w/a"
	ln "$T/w/a" "$T/w/b"
	# b is a hard link to a; renamed, a is ../x, and deleting that member leaves b pointing to it.
	(cd "$T/w" && tar -cPf "$T/evil.tar" --transform 's,^a$,../x,' ok a b)
	tar --delete -Pf "$T/evil.tar" ../x
	tar -tvPf "$T/evil.tar" | grep -q '^h.* b link to \.\./x$'
	echo original >"$T/a/b/x"
	run "$EXTRACT" "$T/evil.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'b'"*"'../x'"* ]]
	[ "$(cat "$T/a/b/x")" = original ]
	[ ! -e "$DEST/b" ]
}

@test "extract: a hard link inside a tar or cpio archive is made" {
	mkdir -p "$T/w"
	echo same >"$T/w/a"
	ln "$T/w/a" "$T/w/b"
	tar -C "$T/w" -cf "$T/ok.tar" a b
	tar -tvf "$T/ok.tar" | grep -q '^h.* b link to a$'
	(cd "$T/w" && printf 'a\nb\n' | cpio --quiet -o -H newc >"$T/ok.cpio")
	for a in ok.tar ok.cpio; do
		rm -rf "$DEST"
		run "$EXTRACT" "$T/$a" "$DEST"
		[ "$status" -eq 0 ]
		[ "$(cat "$DEST/b")" = same ]
		[ "$(stat -c %i "$DEST/a")" = "$(stat -c %i "$DEST/b")" ]
	done
}

@test "extract: setuid, setgid, sticky and world-writable bits are dropped" {
	mkdir -p "$T/w/d"
	echo x >"$T/w/suid"
	echo y >"$T/w/open"
	chmod 4755 "$T/w/suid"
	chmod 0666 "$T/w/open"
	chmod 1777 "$T/w/d"
	tar -C "$T/w" -cf "$T/x.tar" suid open d
	tar -tvf "$T/x.tar" | grep -q '^-rwsr-xr-x .* suid$'
	run "$EXTRACT" "$T/x.tar" "$DEST"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$DEST/suid")" = 755 ]
	[ "$(stat -c %a "$DEST/open")" = 644 ]
	[ "$(stat -c %a "$DEST/d")" = 755 ]
}

@test "extract: an archive's ./ (tar, or a .deb's data) leaves the destination's mode as it was; a directory inside keeps its own" {
	mkdir -p "$T/w/d"
	echo x >"$T/w/d/f"
	chmod 0050 "$T/w"
	chmod 0700 "$T/w/d"
	tar -C "$T/w" -cf "$T/x.tar" .
	tar -tvf "$T/x.tar" | grep -q '^d---r-x--- .* \./$'
	mkdir -p "$DEST"
	run "$EXTRACT" "$T/x.tar" "$DEST"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$DEST")" = 755 ]
	[ "$(stat -c %a "$DEST/d")" = 700 ]
	[ "$(cat "$DEST/d/f")" = x ]
	chmod 0755 "$T/w"
	# dpkg-deb writes ./ first; one of mode 0700 is refused by dpkg-deb, so GNU tar makes it.
	mkdir -p "$T/pkg/DEBIAN"
	printf 'Package: p\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' >"$T/pkg/DEBIAN/control"
	tar -C "$T/pkg/DEBIAN" -czf "$T/control.tar.gz" ./control
	chmod 0700 "$T/w"
	tar -C "$T/w" -cJf "$T/data.tar.xz" .
	chmod 0755 "$T/w"
	echo 2.0 >"$T/debian-binary"
	(cd "$T" && ar rc p.deb debian-binary control.tar.gz data.tar.xz)
	run "$EXTRACT" "$T/p.deb" "$T/deb"
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$T/deb")" = 755 ]
	[ -f "$T/deb/d/f" ]
}

@test "extract: a FIFO, a socket or a device node refuses the archive, naming it; nothing is made" {
	mkdir -p "$T/w"
	echo ok >"$T/w/ok"
	mkfifo "$T/w/fifo"
	tar -C "$T/w" -cf "$T/fifo.tar" ok fifo
	tar -tvf "$T/fifo.tar" | grep -q '^p.* fifo$'
	run "$EXTRACT" "$T/fifo.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == "extract: $T/fifo.tar: entry 'fifo' is a FIFO, which no package holds: refusing the archive" ]]
	[ ! -e "$DEST/fifo" ]
	# GNU tar leaves sockets out; cpio keeps them.
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/w/sock"
	(cd "$T/w" && printf 'ok\nsock\n' | cpio --quiet -o -H newc >"$T/sock.cpio")
	cpio -tv <"$T/sock.cpio" 2>/dev/null | grep -q '^s.* sock$'
	run "$EXTRACT" "$T/sock.cpio" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry 'sock' is a socket"* ]]
	[ ! -e "$DEST/sock" ]
	# Device nodes: python's tarfile writes them without root; mknod makes real ones as root.
	python3 - "$T/dev.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name, kind in (("dev/null", tarfile.CHRTYPE), ("dev/sda", tarfile.BLKTYPE)):
        i = tarfile.TarInfo(name)
        i.type, i.devmajor, i.devminor, i.mode = kind, 1 if kind == tarfile.CHRTYPE else 8, 3 if kind == tarfile.CHRTYPE else 0, 0o666
        t.addfile(i)
PY
	tar -tvf "$T/dev.tar" | grep -q '^c.* dev/null$'
	run "$EXTRACT" "$T/dev.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry 'dev/null' is a character device"* ]]
	[ ! -e "$DEST/dev/null" ]
	python3 -c 'import sys, tarfile; t = tarfile.open(sys.argv[1], "w"); i = tarfile.TarInfo("sda"); i.type = tarfile.BLKTYPE; i.devmajor = 8; t.addfile(i)' "$T/blk.tar"
	run "$EXTRACT" "$T/blk.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry 'sda' is a block device"* ]]
	if [ "$(id -u)" = 0 ]; then
		mknod "$T/w/null" c 1 3
		(cd "$T/w" && printf 'ok\nnull\n' | cpio --quiet -o -H newc >"$T/null.cpio")
		run "$EXTRACT" "$T/null.cpio" "$DEST"
		[ "$status" -eq 1 ]
		[[ "$output" == *"entry 'null' is a character device"* ]]
		[ ! -e "$DEST/null" ]
	fi
	# Excluded or not: such an archive is not a package.
	run "$EXTRACT" --exclude 'dev/*' "$T/dev.tar" "$DEST"
	[ "$status" -eq 1 ]
}

@test "extract: a decompression bomb is refused before it is written, naming the entry (tar.zst, .deb)" {
	# 300 MiB of zeros (a sparse file, read as zeros) compress to a few KiB: far past 100 times
	# the archive's size, and past the 64 MiB any archive may unpack to.
	mkdir -p "$T/w/usr/src"
	echo ok >"$T/w/usr/src/a"
	truncate -s 300M "$T/w/usr/src/zero"
	tar -C "$T/w" --sort=name --zstd -cf "$T/bomb.tar.zst" usr
	[ "$(stat -c %s "$T/bomb.tar.zst")" -lt 100000 ]
	run "$EXTRACT" "$T/bomb.tar.zst" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == "extract: $T/bomb.tar.zst: entry 'usr/src/zero' takes it to 314572803 bytes unpacked from "*", more than 100 times its size: a decompression bomb, refusing the archive" ]]
	[ ! -e "$DEST/usr/src/zero" ]
	# In a .deb, as dpkg-deb packs it.
	mkdir -p "$T/w/DEBIAN"
	printf 'Package: bomb\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: t\n' >"$T/w/DEBIAN/control"
	dpkg-deb -Zzstd --root-owner-group --build "$T/w" "$T/bomb.deb" >/dev/null
	run "$EXTRACT" "$T/bomb.deb" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/bomb.deb: entry './usr/src/zero' takes it to "*"a decompression bomb"* ]]
	[ ! -e "$DEST/usr/src/zero" ]
}

@test "extract: many small files that add up to a bomb are refused at the first past 64 MiB" {
	mkdir -p "$T/w"
	for i in $(seq -w 1 100); do truncate -s 1M "$T/w/f$i"; done
	tar -C "$T/w" --sort=name -cJf "$T/many.tar.xz" .
	run "$EXTRACT" "$T/many.tar.xz" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry './f065' takes it to 68157440 bytes unpacked"*"a decompression bomb"* ]]
	[ -f "$DEST/f064" ]
	[ ! -e "$DEST/f065" ]
}

@test "extract: an archive past --max-bytes or --max-entries is refused, naming the entry; one within them is not" {
	# Random bytes do not compress: this is a limit on the bytes, not on the ratio.
	mkdir -p "$T/w"
	for f in a b c; do head -c 1000000 /dev/urandom >"$T/w/$f"; done
	tar -C "$T/w" -cf "$T/x.tar" a b c
	run "$EXTRACT" --max-bytes 2500000 "$T/x.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == "extract: $T/x.tar: entry 'c' takes it past 2500000 bytes unpacked, more than any package: refusing the archive" ]]
	[ ! -e "$DEST/c" ]
	rm -rf "$DEST"
	run "$EXTRACT" --max-bytes 3000000 "$T/x.tar" "$DEST"
	[ "$status" -eq 0 ]
	cmp "$T/w/c" "$DEST/c"
	run "$EXTRACT" --max-entries 2 "$T/x.tar" "$T/d2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry 'c': more than 2 entries"* ]]
	run "$EXTRACT" --max-entries 3 "$T/x.tar" "$T/d3"
	[ "$status" -eq 0 ]
	# Limits are only lowered, by numbers.
	run "$EXTRACT" --max-bytes 99999999999999 "$T/x.tar" "$T/d4"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--max-bytes 99999999999999: not a number up to 4294967296"* ]]
	run "$EXTRACT" --max-entries -1 "$T/x.tar" "$T/d4"
	[ "$status" -eq 1 ]
}

@test "extract: a huge sparse file is refused by its size; a small sparse one unpacks whole" {
	mkdir -p "$T/w"
	truncate -s 2T "$T/w/huge"
	tar -C "$T/w" --sparse -cf "$T/huge.tar" huge
	tar -tvf "$T/huge.tar" | grep -q ' 2199023255552 .* huge$'
	[ "$(stat -c %s "$T/huge.tar")" -lt 100000 ]
	run "$EXTRACT" "$T/huge.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == "extract: $T/huge.tar: entry 'huge' is 2199023255552 bytes (a sparse file), more than any file of a package (1073741824): refusing the archive" ]]
	[ ! -e "$DEST/huge" ]
	# 10 MiB with 4 KiB of data at its end: within every limit.
	truncate -s 10M "$T/w/small"
	printf 'end' | dd of="$T/w/small" bs=1 seek=$((10 * 1024 * 1024 - 3)) conv=notrunc status=none
	tar -C "$T/w" --sparse -cf "$T/small.tar" small
	run "$EXTRACT" "$T/small.tar" "$DEST"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$DEST/small")" = 10485760 ]
	cmp "$T/w/small" "$DEST/small"
}

@test "extract: a hard link to an absolute path, or through a symlink out of the tree, is refused" {
	echo secret >"$T/outside/secret"
	python3 - "$T/abs.tar" "$T/outside/secret" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("h")
    i.type, i.linkname = tarfile.LNKTYPE, sys.argv[2]
    t.addfile(i)
PY
	tar -tvPf "$T/abs.tar" | grep -q "^h.* h link to $T/outside/secret$"
	run "$EXTRACT" "$T/abs.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry 'h' is a hard link to '$T/outside/secret', outside $DEST: refusing the archive"* ]]
	# A symlink out of the tree is not made, so a hard link through it has nothing to link.
	mkdir -p "$T/s"
	ln -s ../../../outside "$T/s/out"
	ln "$T/outside/secret" "$T/s/h"
	tar -C "$T/s" -cf "$T/through.tar" out
	python3 - "$T/through.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "a") as t:
    i = tarfile.TarInfo("h")
    i.type, i.linkname = tarfile.LNKTYPE, "out/secret"
    t.addfile(i)
PY
	rm "$T/s/h"
	run "$EXTRACT" "$T/through.tar" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/through.tar: h: "* ]]
	[ "$(stat -c %h "$T/outside/secret")" = 1 ]
	[ ! -e "$DEST/h" ]
}

@test "extract: not an archive, a missing file, an empty archive and usage errors fail" {
	echo 'just text' >"$T/text"
	run "$EXTRACT" "$T/text" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/text"* ]]
	run "$EXTRACT" "$T/missing.deb" "$DEST"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/missing.deb"* ]]
	tar -cf "$T/empty.tar" -T /dev/null
	run "$EXTRACT" "$T/empty.tar" "$DEST"
	[ "$status" -eq 1 ]
	run "$EXTRACT" only-one
	[ "$status" -eq 2 ]
}
