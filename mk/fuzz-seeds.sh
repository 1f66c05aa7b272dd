#!/bin/bash
# mk/fuzz-seeds.sh NAME DIR: the seed corpus of the harness tools/fuzz/fuzz_NAME.c, into DIR
# (emptied first). Seeds are real inputs: the fixtures' own files, and files made by the real
# tools (dpkg-deb, rpmbuild, createrepo_c, tar, cpio, clang, and this project's tools, from
# FP_BIN, default build/bin). Run from the top of the tree (mk/fuzz.mk does).
set -euo pipefail

name=$1 out=$2
BIN=${FP_BIN:-build/bin}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A tree like a kernel header package's, as tests/extract.bats makes it: files, an executable,
# an empty file, a relative symlink and the absolute lib/modules/<r>/build one.
header_tree() {
	local root=$1 r=9.9.9-1-amd64
	mkdir -p "$root/usr/src/linux-headers-$r/include/generated" "$root/usr/lib/linux-kbuild-9.9/scripts" \
		"$root/lib/modules/$r"
	echo "#define UTS_RELEASE \"$r\"" >"$root/usr/src/linux-headers-$r/include/generated/utsrelease.h"
	echo '#define UTS_VERSION "#1 SMP PREEMPT_DYNAMIC Debian 9.9.9-1 (2026-01-01)"' \
		>"$root/usr/src/linux-headers-$r/include/generated/utsversion.h"
	printf 'VERSION = 9\nPATCHLEVEL = 9\nSUBLEVEL = 9\nEXTRAVERSION =\nall:\n\t@true\n' \
		>"$root/usr/src/linux-headers-$r/Makefile"
	printf '#!/bin/sh\necho fixdep\n' >"$root/usr/lib/linux-kbuild-9.9/scripts/fixdep"
	chmod 0755 "$root/usr/lib/linux-kbuild-9.9/scripts/fixdep"
	: >"$root/usr/src/linux-headers-$r/.empty"
	ln -s ../../lib/linux-kbuild-9.9/scripts "$root/usr/src/linux-headers-$r/scripts"
	ln -s "/usr/src/linux-headers-$r" "$root/lib/modules/$r/build"
}

rpm_seeds() {
	# shellcheck source=tests/lib/rpmrepo.bash
	source tests/lib/rpmrepo.bash
	local top=$tmp/rpmbuild srv=$tmp/srv d i u
	d=$(rpmrepo_build "$top" kernel-devel 4.14.232 176.381.amzn2 w9.xzdio x86_64)
	i=$(rpmrepo_build "$top" kernel 4.14.232 176.381.amzn2 w6.gzdio x86_64)
	u=$(rpmrepo_build "$top" kernel-uek-devel 5.15.0 200.131.27.el9uek w19.zstdio x86_64)
	local bd bi bu
	bd=$(rpmrepo_blob "$srv" "$d") bi=$(rpmrepo_blob "$srv" "$i") bu=$(rpmrepo_blob "$srv" "$u")
	local comp
	for comp in gz xz bz2; do
		rpmrepo_al2 "$srv" "2/core/2.0/x86_64/$comp" "$comp" --no-database -- "$bd" "$bi" "$bu"
	done
	rpmrepo_plain "$srv" plain gz "$d" "$i"
}

case $name in
deb-index)
	cp tests/fixtures/debian/*.Packages* "$out/"
	for f in tests/fixtures/ubuntu/packages/*; do cp "$f" "$out/ubuntu-${f##*/}"; done
	;;
apt-release | verify-events)
	cp "tools/fuzz/seeds/$name"/* "$out/"
	;;
rpmmd-repomd)
	rpm_seeds
	for comp in gz xz bz2; do
		cp "$tmp/srv/2/core/2.0/x86_64/$comp/repodata/repomd.xml" "$out/repomd-$comp.xml"
	done
	cp "$tmp/srv/plain/repodata/repomd.xml" "$out/repomd-plain.xml"
	gzip -9n <"$out/repomd-gz.xml" >"$out/repomd.xml.gz"
	;;
rpmmd-primary)
	rpm_seeds
	for comp in gz xz bz2; do
		cp "$tmp/srv/2/core/2.0/x86_64/$comp"/repodata/*-primary.xml."$comp" "$out/primary.xml.$comp"
	done
	gzip -dc "$out/primary.xml.gz" >"$out/primary.xml"
	gzip -dc "$tmp/srv/plain"/repodata/*-primary.xml.gz >"$out/primary-plain.xml"
	;;
rpmmd-mirrorlist)
	cdn=https://cdn.amazonlinux.com
	echo "$cdn/2/core/2.0/\$basearch/c0ffee01" >"$out/core"
	echo "$cdn/2/core/2.0/\$basearch/c0ffee01/" >"$out/core-slash"
	printf '%s\n%s\n' "$cdn/2/extras/kernel-5.10/stable/\$basearch/c0ffee03" https://elsewhere.invalid/x >"$out/two"
	printf '# a comment\n\n  %s\n' "$cdn/al2023/core/mirrors/latest/x86_64" >"$out/comment"
	echo "file:///srv/mirror/2/core/2.0/x86_64/c0ffee01" >"$out/file"
	;;
cos-page)
	# Pages of a bucket of two builds, as tests/lib/cos-bucket.py answers them.
	b=$tmp/bucket
	mkdir -p "$b/17162.40.20" "$b/17412.1.2" "$b/not-a-build"
	echo headers >"$b/17162.40.20/kernel-headers.tgz"
	echo 5.15.73 >"$b/17162.40.20/kernel_commit"
	echo headers >"$b/17412.1.2/kernel-headers.tgz"
	python3 - "$b" "$out" <<'EOF'
import argparse, importlib.util, sys
spec = importlib.util.spec_from_file_location("bucket", "tests/lib/cos-bucket.py")
bucket = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bucket)
root, out = sys.argv[1:]
for n, (query, size, nonext) in enumerate([
        ({"prefix": [""], "delimiter": ["/"]}, 1000, False),
        ({"prefix": [""], "delimiter": ["/"]}, 2, False),
        ({"prefix": [""], "delimiter": ["/"], "marker": ["17162.40.20/"]}, 1, True),
        ({"prefix": ["17162.40.20/"], "delimiter": ["/"]}, 1000, False),
        ({"prefix": ["17162.40.20/"], "delimiter": ["/"]}, 1, False)]):
    args = argparse.Namespace(page_size=size, lie_etag="", no_next_marker=nonext)
    open("%s/page%d.xml" % (out, n), "wb").write(bucket.listing(root, query, args))
EOF
	;;
cos-archive)
	header_tree "$tmp/h"
	(cd "$tmp/h" && tar -czf "$out/kernel-headers.tgz" ./usr/src)
	(cd "$tmp/h" && tar -cf "$out/kernel-headers.tar" ./usr/src)
	s=$tmp/src/linux
	mkdir -p "$s/arch/x86/configs"
	printf 'VERSION = 5\nPATCHLEVEL = 15\nSUBLEVEL = 73\nEXTRAVERSION =\nNAME = Trick or Treat\n' >"$s/Makefile"
	echo 'mainmenu "Linux"' >"$s/Kconfig"
	printf 'CONFIG_LOCALVERSION="-lakitu"\n' >"$s/arch/x86/configs/lakitu_defconfig"
	echo -cos >"$s/localversion-cos"
	echo 3 >"$s/.version"
	(cd "$tmp/src" && tar -czf "$out/kernel-src-dir.tar.gz" linux)
	(cd "$s" && tar -czf "$out/kernel-src-top.tar.gz" .)
	;;
extract)
	header_tree "$tmp/t"
	mkdir -p "$tmp/t/DEBIAN"
	printf 'Package: linux-headers-9.9.9-1-amd64\nVersion: 9.9.9-1\nArchitecture: amd64\nMaintainer: t <t@example.invalid>\nDescription: fuzz seed\n' \
		>"$tmp/t/DEBIAN/control"
	for comp in xz gzip zstd none; do
		dpkg-deb --root-owner-group -Z"$comp" --build "$tmp/t" "$out/pkg-$comp.deb" >/dev/null
	done
	rm -rf "$tmp/t/DEBIAN"
	tar -C "$tmp/t" -cf "$out/x.tar" .
	tar -C "$tmp/t" -czf "$out/x.tgz" .
	tar -C "$tmp/t" -cJf "$out/x.tar.xz" .
	tar -C "$tmp/t" --zstd -cf "$out/x.tar.zst" .
	tar -C "$tmp/t" --format=pax -cf "$out/x-pax.tar" .
	(cd "$tmp/t" && find . | cpio --quiet -o -H newc >"$out/x.cpio")
	(cd "$tmp/t" && find . | cpio --quiet -o -H odc >"$out/x-odc.cpio")
	# shellcheck source=tests/lib/rpmrepo.bash
	source tests/lib/rpmrepo.bash
	cp "$(rpmrepo_build "$tmp/rpmbuild" kernel-devel 9.9.9 1 w9.xzdio x86_64)" "$out/kernel-devel.rpm"
	;;
repo)
	# An index repo-index writes from two records, each with a record and a verification after it.
	d=$tmp/dist r=$tmp/records dv=9.1.0+driver
	for k in 1 2; do
		p=$dv/x86_64/falco_debian_6.1.0-$k-amd64_1.o
		mkdir -p "$d/${p%/*}" "$r/${p%/*}"
		echo "probe $k" >"$d/$p"
		printf 'probe_sha256=%s\nresult=PASS\nkernel=6.1.0-%s-amd64\n' "$(sha256sum <"$d/$p" | cut -c1-64)" "$k" \
			>"$d/$p.verified"
		{
			echo "probe=$p"
			printf '%s\n' distro=debian target=debian "kernel_release=6.1.$k-1-amd64" kernel_version=1 \
				"uname_r=6.1.0-$k-amd64" arch=x86_64 "driver_version=$dv"
			echo "sha256=$(sha256sum <"$d/$p" | cut -c1-64)"
			echo "size=$(stat -c %s "$d/$p")"
			echo "packages=$(printf a%.0s {1..64}) $(printf b%.0s {1..64})"
			echo "driver_tree_sha256=$(printf c%.0s {1..64})"
			echo "driver_source_sha256=$(printf d%.0s {1..64})"
			echo "toolchain_sha256=$(echo "clang 14" | sha256sum | cut -c1-64)"
			[ "$k" = 1 ] || printf 'fixup=mk/fixup-debian.sh %s\nfixup_args=KBUILD_MODNAME=falco\n' "$(printf e%.0s {1..64})"
		} >"$r/$p.rec"
	done
	echo "clang 14" >"$tmp/toolchain"
	# The coverage too (tools/output-state status lines): built, failed with its reason, a kernel
	# with no first_seen, an unservable name without a path, two releases of one request.
	{
		printf 'debian\tdebian-12\tdebian-12_6.1.0-%s-amd64\t6.1.0-%s-amd64\tx86_64\t%s\tbpf\t0.43.0,0.43.1\t%s/x86_64/falco_debian_6.1.0-%s-amd64_1.o\tbuilt\t\t1765000000\n' \
			1 1 "$dv" "$dv" 1 2 2 "$dv" "$dv" 2
		printf 'debian\tdebian-12\tdebian-12_6.1.0-3-amd64\t6.1.0-3-amd64\tx86_64\t%s\tbpf\t0.43.1\t%s/x86_64/falco_debian_6.1.0-3-amd64_1.o\tfailed\tkbuild failed: probe.c:1: error: "x"\t\n' "$dv" "$dv"
		printf 'debian\tdebian-13\tdebian-13_6.12.0-1-amd64\t6.12.0-1-amd64\tx86_64\t%s\tkmod\t0.44.1\t-\tunservable\tthe name of another kernel\t1765086400\n' "$dv"
	} >"$tmp/status.tsv"
	"$BIN/repo-index" --dist "$d" --records "$r" --toolchain "$tmp/toolchain" --status "$tmp/status.tsv" >/dev/null
	for k in 1 2; do
		p=$dv/x86_64/falco_debian_6.1.0-$k-amd64_1.o
		{ cat "$d/index.json"; echo ---; cat "$r/$p.rec"; echo ---; cat "$d/$p.verified"; } >"$out/index-$k"
	done
	# An index as falco-probes-index/1 wrote its coverage, which published repositories hold.
	cat >"$out/index-1-format" <<-'EOF'
		{"format": "falco-probes-index/1", "probes": [], "toolchains": {}, "coverage": [
		  {"distro": "debian", "os_release": "debian-12", "kernel": "debian-12_6.1.0-3-amd64", "uname_r": "6.1.0-3-amd64",
		   "arch": "x86_64", "driver_version": "9.1.0+driver", "kind": "bpf", "releases": ["0.43.0", "0.43.1"],
		   "path": "-", "state": "failed", "reason": "kbuild failed", "first_seen": "1765000000"},
		  {"distro": "debian", "os_release": "debian-12", "kernel": "debian-12_6.1.0-4-amd64", "uname_r": "6.1.0-4-amd64",
		   "arch": "x86_64", "driver_version": "9.1.0+driver", "kind": "kmod", "releases": ["0.43.1"],
		   "path": "9.1.0+driver/x86_64/falco_debian_6.1.0-4-amd64_1.ko", "state": "pending", "reason": ""}]}
	EOF
	;;
bpf-load)
	clang -O2 -g -target bpf -DKERNEL_RELEASE='"6.1.0-50-amd64"' -c tests/fixtures/legacy-probe/probe.c \
		-o "$out/mini.o"
	clang -O2 -target bpf -DKERNEL_RELEASE='"6.1.0-50-amd64"' -c tests/fixtures/legacy-probe/probe.c \
		-o "$out/mini-nodebug.o"
	;;
falconame)
	# Each case of tests/fixtures/naming: its host, os-release and, as the kernel says them, its
	# generated headers.
	k=0
	grep -v '^#' tests/fixtures/naming/cases.tsv | while IFS=$'\t' read -r _dv _rules _layout _kind os m r v _; do
		k=$((k + 1))
		[ -f "$os" ] || continue
		{
			# (minikube's /etc/VERSION is a version, e.g. v1.33.1; only minikube reads it)
			printf '%s\n%s\n%s\nv1.33.1\n---\n' "$r" "$v" "$m"
			cat "$os"
			echo ---
			printf '#define UTS_RELEASE "%s"\n---\n#define UTS_VERSION "%s"\n' "$r" "$v"
		} >"$out/case-$k"
	done
	;;
kernels-mk | plan)
	# Listings deb-index writes of the fixtures, and the output tables kernels-mk writes of them.
	fl=(--flavour amd64 --flavour cloud-amd64 --flavour rt-amd64)
	"$BIN/deb-index" --style debian --uname-m x86_64 "${fl[@]}" \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' tests/fixtures/debian/bookworm.Packages \
		--index distros/os-release/debian-11 '$(MIRROR_debian_security)' tests/fixtures/debian/bullseye-security.Packages \
		>"$tmp/debian.tsv"
	"$BIN/deb-index" --style debian --uname-m x86_64 "${fl[@]}" \
		--index distros/os-release/debian-13 '$(MIRROR_debian)' tests/fixtures/debian/trixie.Packages \
		>"$tmp/trixie.tsv"
	"$BIN/deb-index" --style debian --uname-m x86_64 \
		--index distros/os-release/debian-12 '$(MIRROR_debian_security)' tests/fixtures/debian/bookworm-security.Packages \
		>"$tmp/security.tsv"
	for l in debian trixie security; do
		[ -s "$tmp/$l.tsv" ] || { echo "fuzz-seeds: deb-index listed nothing for $l" >&2; exit 1; }
		if [ "$name" = kernels-mk ]; then
			head -n 6 "$tmp/$l.tsv" >"$out/$l.tsv"
			continue
		fi
		"$BIN/kernels-mk" outputs --distro "$l" --driver-version 9.1.0+driver --release 0.43.0 --release 0.43.1 --release legacy:0.28:flat:flat:bpf,kmod \
			--outputs "$tmp/$l.out" "$tmp/$l.tsv"
		"$BIN/kernels-mk" kernels --distro "$l" --ids "$tmp/ids" --table "$tmp/$l.kernels" "$tmp/$l.tsv"
		head -n 20 "$tmp/$l.out" >"$tmp/table"
		{ cat "$tmp/table"; echo ---; head -n 3 "$tmp/table" | cut -f1; echo ---; cat "$tmp/$l.kernels"; } >"$out/$l.out"
	done
	;;
*)
	echo "fuzz-seeds: no harness $name" >&2
	exit 2
	;;
esac
[ -n "$(ls -A "$out")" ] || { echo "fuzz-seeds: no seeds for $name" >&2; exit 1; }
