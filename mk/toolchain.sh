#!/bin/sh
# The compiler a kernel module is built with: its kernel's own, from this host where it has it
# and can run the kernel's build tree, else from a private root made of a distribution's signed
# packages (distros/toolchains.mk):
#
#   toolchain.sh COMPILER TREE CACHE [CROSS]
#
# COMPILER is the compiler as the kernel names it (mk/kernel-tree.sh's "cc" fact: its
# CONFIG_CC_VERSION_TEXT, compile.h's LINUX_COMPILER, CONFIG_GCC_VERSION or its image's banner).
# A series is named as gcc names it: by its major version from gcc 5 on (gcc-14), by major and
# minor before (gcc-4.8: 4.8 and 4.9 are two compilers). A vendor's build of a series (Red Hat's
# 4.8.5, Amazon's 7.3.1) takes that series from a root. CROSS is the prefix of the kernel's
# architecture's cross compilers (aarch64-linux-gnu-) when it is not this host's: the compiler is
# then that series' cross compiler (aarch64-linux-gnu-gcc-12, Debian's and Ubuntu's package
# gcc-12-aarch64-linux-gnu), never this host's own. Prints three words: the compiler command
# (gcc-14), the root ("-" for the host), and the root's id ("-" for the host). Exits 3 with the
# reason on stderr when no compiler can be had: a fact about the
# kernel and distros/toolchains.mk (mk/build-output.sh records it as a verdict); exits 1 when a
# root could not be made (a mirror down, a package whose hash is not its index's): that may pass,
# and is never recorded.
#
# A root is made once with mmdebstrap (--mode=unshare: no root privileges, no Docker) and named by
# the SHA-256 of its packages' SHA-256s, CACHE/toolchains/<id>, with <id>.manifest listing them;
# CACHE/toolchains/<name>-<spec hash> points at it, so that a spec of distros/toolchains.mk or
# its packages made again give a root of their own. One make run at a time makes a given root
# (a lock); a half-made one is never named.
#
# Environment (the run's context, mk/lib.sh): TOOLCHAINS (distros/toolchains.mk's, each with
# its mirror's URL in place of its variable), TOOLCHAIN_PACKAGES, FP_KEYRING_debian,
# FP_KEYRING_ubuntu (the keyrings the distributions' archives are signed with), FP_RUN (whose
# namespaces file says whether this host can enter a root at all).
set -eu
. "$(dirname "$0")/lib.sh"
text=$1 tree=$2 cache=$3 cross=${4:-}

none() {
	echo "$*" >&2
	exit 3
}

failed() {
	echo "$*" >&2
	exit 1
}

[ -n "$text" ] || none "nothing names the kernel's compiler (no CONFIG_CC_VERSION_TEXT, compile.h, CONFIG_GCC_VERSION or image banner)"
case $text in
*clang*) family=clang ;;
*gcc* | *GCC*) family=gcc ;;
*) none "the kernel was built with '$text', a compiler this project does not know" ;;
esac
version=$(printf '%s\n' "$text" | grep -o '[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' | head -n 1)
[ -n "$version" ] || none "no version in the kernel's compiler '$text'"
major=${version%%.*}
series=$major
[ "$family" != gcc ] || [ "$major" -ge 5 ] || series=$major.$(echo "$version" | cut -d. -f2)
name=$family-$series
[ -z "$cross" ] || [ "$family" = gcc ] || none "no cross-build with $name (gcc only)"
# The command, and the package a root installs for it.
command=$cross$name package=$name
[ -z "$cross" ] || package=$name-${cross%-}

# The kernel's build tree carries programs (modpost) built for its own distribution's C library:
# the host must be able to run them. The dynamic loader says "version `GLIBC_2.38' not found"
# of a newer C library; a program it cannot load at all exits 126 or 127.
runs_here() {
	[ ! -x "$tree/scripts/mod/modpost" ] && return 0
	rc=0
	out=$("$tree/scripts/mod/modpost" -h 2>&1) || rc=$?
	[ "$rc" != 126 ] && [ "$rc" != 127 ] && ! printf '%s\n' "$out" | grep -Eq "GLIBC_[0-9.]+'? not found|cannot execute"
}

# The host's compiler of that name, if it is of that series (gcc -dumpversion says "4.8" or
# "4.8.5" before gcc 7, the major alone after; -dumpfullversion says it all from gcc 7).
host_series() {
	v=$("$command" -dumpfullversion 2>/dev/null || "$command" -dumpversion 2>/dev/null) || return 1
	case $series in
	*.*) [ "$(echo "$v" | cut -d. -f1-2)" = "$series" ] ;;
	*) [ "${v%%.*}" = "$series" ] ;;
	esac
}

if command -v "$command" >/dev/null 2>&1 && host_series && runs_here; then
	echo "$command - -"
	exit 0
fi

spec=
for entry in ${TOOLCHAINS:-}; do
	[ "${entry%%|*}" = "$name" ] && spec=$entry
done
[ -n "$spec" ] || none "no $name for the kernel's compiler '$text' (distros/toolchains.mk names none)"
rest=${spec#*|}
dist=${rest%%|*} rest=${rest#*|}
suites=${rest%%|*} mirror=${rest#*|}
# The first suite names the root's release; every suite of the list is a source of it (Ubuntu's
# -updates pocket carries the compilers its kernels were built with: bionic's gcc-7 7.5.0, with
# asm inline, which 5.4's headers use, where bionic itself has 7.3.0).
suite=${suites%%,*}
case $dist in
debian) keyring=${FP_KEYRING_debian:-} components=main ;;
ubuntu) keyring=${FP_KEYRING_ubuntu:-} components="main universe" ;;
*) none "distros/toolchains.mk: $spec: no distribution '$dist'" ;;
esac
[ -n "$mirror" ] || none "$name: no mirror for $dist $suite"
# A root is entered through namespaces: a host that cannot make them (mk/outputs.mk checked it
# for this run) builds no module in one, which is its own fault and no fact about the kernel.
ns=$(cat "${FP_RUN:-/nonexistent}/namespaces" 2>/dev/null || echo ok)
[ "$ns" = ok ] || failed "$name must come from a $dist $suite root, and this host cannot make user namespaces ($ns)"
packages="$package ${TOOLCHAIN_PACKAGES:?}"
spec_hash=$(printf '%s\n' "$dist $suites $mirror $packages" "$(cat "$0")" | sha256sum | cut -c1-16)
dir=$cache/toolchains
pointer=$dir/$package-$spec_hash
mkdir -p "$dir"
if [ ! -f "$pointer" ] || [ ! -d "$dir/$(cat "$pointer")" ]; then
	exec 9>"$pointer.lock"
	flock 9
fi
if [ ! -f "$pointer" ] || [ ! -d "$dir/$(cat "$pointer")" ]; then
	tmp=$(mktemp -d "$dir/.root.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM HUP
	# mmdebstrap makes the root in $TMPDIR as a user of its own namespace (no privileges), which
	# may not enter the cache's directories: it writes a tarball, unpacked here. Every package
	# of the root is listed by its hash before apt's cache is emptied.
	# Descriptors it did not open are closed first: apt's hooks write to descriptors mmdebstrap
	# numbers itself, and one inherited from whatever runs make (a CI runner, a test harness)
	# can stand in the way.
	# The root is the packages named and their dependencies (--variant=custom): a suite's
	# essential set can carry more, which may not install in a user namespace (xenial's has
	# init, whose systemd's postinst fails calling chfn there).
	set --
	for s in $(echo "$suites" | tr ',' ' '); do
		set -- "$@" "deb $mirror $s $components"
	done
	# shellcheck disable=SC2086 # the packages are words
	perl -MPOSIX -e 'POSIX::close($_) for 3 .. 1023; exec @ARGV or die "$ARGV[0]: $!\n"' mmdebstrap --mode=unshare --variant=custom --skip=essential/unlink --skip=output/dev --skip=output/mknod \
		${keyring:+--keyring="$keyring"} --include="$(echo $packages | tr ' ' ',')" \
		--customize-hook='cd "$1/var/cache/apt/archives" && sha256sum *.deb > "$1/.falco-probes-manifest"' \
		"$suite" "$tmp/root.tar" "$@" >"$tmp/mmdebstrap.log" 2>&1 || {
		# apt's own words (a hash mismatch, a package not found) for the output's log.
		grep '^E:\|^W:' "$tmp/mmdebstrap.log" | grep -v 'apt-get.*failed' >&2 || true
		failed "$name: mmdebstrap could not make a $dist $suites root from $mirror: $(grep '^E:' "$tmp/mmdebstrap.log" | tail -n 1)"
	}
	mkdir "$tmp/root"
	tar -xf "$tmp/root.tar" -C "$tmp/root" --no-same-owner || failed "$name: cannot unpack the $dist $suite root"
	rm -f "$tmp/root.tar"
	mv "$tmp/root/.falco-probes-manifest" "$tmp/manifest" 2>/dev/null || true
	[ -s "$tmp/manifest" ] || failed "$name: the $dist $suite root lists no packages"
	LC_ALL=C sort -k2 "$tmp/manifest" >"$tmp/manifest.sorted"
	id=$(sha256sum <"$tmp/manifest.sorted" | cut -d' ' -f1)
	bwrap --bind "$tmp/root" / --dev /dev --proc /proc --tmpfs /tmp "$command" --version >/dev/null 2>&1 ||
		failed "$name: the $dist $suite root cannot run $command"
	rm -rf "${dir:?}/$id"
	mv "$tmp/root" "$dir/$id"
	mv "$tmp/manifest.sorted" "$dir/$id.manifest"
	echo "$id" >"$pointer.tmp" && mv -f "$pointer.tmp" "$pointer"
fi
id=$(cat "$pointer")
echo "$command $dir/$id $id"
