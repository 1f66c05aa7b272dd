# tinykernel_image_deb OUTDIR ABI FLAVOUR VERSION COMPILER
#   the kernel's image package, linux-image-<abi>-<flavour>, whose boot/vmlinuz-<abi>-<flavour>
#   carries the version banner naming COMPILER as a real image does: compressed (gzip) after a
#   setup part, as a bzImage's payload follows its setup sectors. Prints the .deb's path.
tinykernel_image_deb() {
	local out=$1 abi=$2 flavour=$3 version=$4 compiler=$5 stage
	stage=$(mktemp -d)
	mkdir -p "$stage/boot" "$stage/DEBIAN"
	{
		head -c 4096 /dev/zero | tr '\0' 'S'
		{
			head -c 65536 /dev/zero
			printf 'Linux version %s-%s (tests@tiny) (%s) #1 SMP Debian %s (2026-01-01)\n\0' "$abi" "$flavour" "$compiler" "$version"
			head -c 65536 /dev/zero
		} | gzip -n -9
	} >"$stage/boot/vmlinuz-$abi-$flavour"
	cat >"$stage/DEBIAN/control" <<CTL
Package: linux-image-$abi-$flavour
Version: $version
Architecture: amd64
Maintainer: falco-probes tests <tests@invalid>
Description: Linux $abi for 64-bit PCs (a tiny stand-in)
CTL
	local pkg=$out/linux-image-$abi-${flavour}_${version}_amd64.deb
	SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz --build "$stage" "$pkg" >/dev/null
	rm -rf "$stage"
	echo "$pkg"
}

# Builds the header packages of a tiny kernel with dpkg-deb, laid out as Debian's are: an arch
# package whose Makefile includes the shared -common package by absolute path, the -common
# package, and linux-kbuild. The tree's "kbuild" is the smallest stand-in that compiles
# M=<dir>/probe.c the way the Falco driver's rule does (clang -emit-llvm, then llc -march=bpf).
#
#   tinykernel_debs OUTDIR ABI FLAVOUR VERSION [UTS_VERSION]
# e.g. tinykernel_debs "$dir" 9.9.0-1 amd64 9.9.0-1 prints the three .deb paths it wrote.
# The tree names the compiler the kernel was built with as Debian's do (include/config/auto.conf:
# $TINY_CC_TEXT, by default Debian 12's gcc-12); with $TINY_KERNEL_RELEASE set, its
# include/config/kernel.release says that release instead of the one in utsrelease.h; with
# $TINY_UTS_EXTRA set, that text ends utsrelease.h (an #error: a kernel the driver fails on).
# TINY_CC_TEXT empty (a kernel before 5.8) leaves the compiler to $TINY_COMPILE_H (compile.h's
# LINUX_COMPILER) or $TINY_GCC_VERSION (CONFIG_GCC_VERSION); $TINY_MODPOST is a program the tree
# carries as scripts/mod/modpost, which its kbuild runs on a module.

tinykernel_debs() {
	local out=$1 abi=$2 flavour=$3 version=$4
	local uts_version=${5:-"#1 SMP PREEMPT_DYNAMIC Debian $version (2026-01-01)"}
	local major=${abi%.*} stage
	major=${abi%%-*}
	major=${major%.*}
	stage=$(mktemp -d)

	# linux-headers-<abi>-common: the shared tree with the "kbuild" Makefile.
	local common=$stage/common/usr/src/linux-headers-$abi-common
	mkdir -p "$common/include/linux" "$stage/common/DEBIAN"
	cp "${BASH_SOURCE[0]%/*}/../fixtures/tiny-kernel/Makefile" "$common/Makefile"
	echo '/* shared headers */' >"$common/include/linux/kernel.h"
	cat >"$stage/common/DEBIAN/control" <<CTL
Package: linux-headers-$abi-common
Version: $version
Architecture: all
Maintainer: falco-probes tests <tests@invalid>
Description: Common header files for Linux $abi
CTL

	# linux-headers-<abi>-<flavour>: the arch tree, including the shared one by absolute path.
	local arch=$stage/arch/usr/src/linux-headers-$abi-$flavour
	mkdir -p "$arch/include/generated" "$stage/arch/DEBIAN" "$stage/arch/lib/modules/$abi-$flavour"
	# Linux 7's Debian headers also name the arch tree as the build's output, by its installed
	# path (TINY_KBUILD_OUTPUT=1).
	{
		[ -z "${TINY_KBUILD_OUTPUT:-}" ] || echo "KBUILD_OUTPUT=/usr/src/linux-headers-$abi-$flavour"
		echo "include /usr/src/linux-headers-$abi-common/Makefile"
	} >"$arch/Makefile"
	echo "#define UTS_RELEASE \"$abi-$flavour\"" >"$arch/include/generated/utsrelease.h"
	[ -z "${TINY_UTS_EXTRA:-}" ] || echo "$TINY_UTS_EXTRA" >>"$arch/include/generated/utsrelease.h"
	echo "#define UTS_VERSION \"$uts_version\"" >"$arch/include/generated/utsversion.h"
	mkdir -p "$arch/include/config"
	# A kernel older than 5.8 (TINY_CC_TEXT empty, not unset) has no CONFIG_CC_VERSION_TEXT; it
	# may name its compiler in compile.h (TINY_COMPILE_H) or CONFIG_GCC_VERSION (TINY_GCC_VERSION).
	: >"$arch/include/config/auto.conf"
	[ -z "${TINY_CC_TEXT-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0}" ] ||
		echo "CONFIG_CC_VERSION_TEXT=\"${TINY_CC_TEXT:-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0}\"" \
			>>"$arch/include/config/auto.conf"
	[ -z "${TINY_GCC_VERSION:-}" ] || echo "CONFIG_GCC_VERSION=$TINY_GCC_VERSION" >>"$arch/include/config/auto.conf"
	[ -z "${TINY_COMPILE_H:-}" ] || printf '#define UTS_MACHINE "x86_64"\n#define LINUX_COMPILE_BY "tests"\n#define LINUX_COMPILER "%s"\n' \
		"$TINY_COMPILE_H" >"$arch/include/generated/compile.h"
	[ -z "${TINY_KERNEL_RELEASE:-}" ] || echo "$TINY_KERNEL_RELEASE" >"$arch/include/config/kernel.release"
	ln -s "/usr/src/linux-headers-$abi-$flavour" "$stage/arch/lib/modules/$abi-$flavour/build"
	# The kernel's own build program (TINY_MODPOST: a program built elsewhere, as a distribution
	# builds its kbuild's programs against its own C library).
	if [ -n "${TINY_MODPOST:-}" ]; then
		mkdir -p "$arch/scripts/mod"
		cp "$TINY_MODPOST" "$arch/scripts/mod/modpost"
	fi
	cat >"$stage/arch/DEBIAN/control" <<CTL
Package: linux-headers-$abi-$flavour
Version: $version
Architecture: amd64
Maintainer: falco-probes tests <tests@invalid>
Depends: linux-headers-$abi-common (= $version), linux-kbuild-$major (>= $version), linux-compiler-gcc-12-x86
Description: Header files for Linux $abi-$flavour
CTL

	# linux-kbuild-<major>: Debian's build scripts; here one file, to be unpacked like them.
	mkdir -p "$stage/kbuild/usr/lib/linux-kbuild-$major/scripts" "$stage/kbuild/DEBIAN"
	echo '#!/bin/sh' >"$stage/kbuild/usr/lib/linux-kbuild-$major/scripts/placeholder"
	cat >"$stage/kbuild/DEBIAN/control" <<CTL
Package: linux-kbuild-$major
Version: $version
Architecture: amd64
Maintainer: falco-probes tests <tests@invalid>
Description: Kbuild infrastructure for Linux $major
CTL

	local part
	for part in common arch kbuild; do
		local pkg name
		name=$(sed -n 's/^Package: //p' "$stage/$part/DEBIAN/control")
		pkg=$out/${name}_${version}_$(sed -n 's/^Architecture: //p' "$stage/$part/DEBIAN/control").deb
		SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz --build "$stage/$part" "$pkg" >/dev/null
		echo "$pkg"
	done
	rm -rf "$stage"
}
