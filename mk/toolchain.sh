#!/bin/sh
# The compiler a kernel module is built with: its kernel's own (CONFIG_CC_VERSION_TEXT), from
# this host where it has it and can run the kernel's build tree, else from a private root made
# of a distribution's signed packages (distros/toolchains.mk):
#
#   toolchain.sh TREE CACHE
#
# prints three words: the compiler (gcc-14), the root ("-" for the host), and the root's id ("-"
# for the host); exits 3 with the reason on stderr when no compiler can be had: a fact about the
# kernel (mk/build-output.sh records it as a verdict), not a transient failure.
#
# A root is made once with mmdebstrap (--mode=unshare: no root privileges, no Docker) and named by
# the SHA-256 of its packages' SHA-256s, CACHE/toolchains/<id>, with <id>.manifest listing them;
# CACHE/toolchains/<name>-<spec hash> points at it, so that a spec of distros/toolchains.mk or
# its packages made again give a root of their own. One make run at a time makes a given root
# (a lock); a half-made one is never named.
#
# Environment: TOOLCHAINS, TOOLCHAIN_PACKAGES (distros/toolchains.mk), FP_MIRROR_debian,
# FP_MIRROR_ubuntu, FP_KEYRING_debian, FP_KEYRING_ubuntu (the archives and keyrings roots come
# from).
set -eu
. "$(dirname "$0")/lib.sh"
tree=$1 cache=$2

none() {
	echo "$*" >&2
	exit 3
}

text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$tree/include/config/auto.conf" 2>/dev/null | head -n 1)
[ -n "$text" ] || text=$(sed -n 's/^#define CONFIG_CC_VERSION_TEXT "\(.*\)"$/\1/p' \
	"$tree/include/generated/autoconf.h" 2>/dev/null | head -n 1)
[ -n "$text" ] || none "the headers name no compiler (no CONFIG_CC_VERSION_TEXT in include/config/auto.conf)"
case $text in
*clang*) family=clang ;;
*gcc* | *GCC*) family=gcc ;;
*) none "the kernel was built with '$text', a compiler this project does not know" ;;
esac
major=$(printf '%s\n' "$text" | grep -o '[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' | head -n 1 | cut -d. -f1)
[ -n "$major" ] || none "no version in the kernel's compiler '$text'"
name=$family-$major

# The kernel's build tree carries programs (modpost) built for its own distribution's C library:
# the host must be able to run them.
runs_here() {
	[ ! -x "$tree/scripts/mod/modpost" ] && return 0
	! "$tree/scripts/mod/modpost" -h 2>&1 | grep -q 'GLIBC_[0-9.]* not found\|cannot execute'
}

if command -v "$name" >/dev/null 2>&1 && [ "$("$name" -dumpversion 2>/dev/null | cut -d. -f1)" = "$major" ] && runs_here; then
	echo "$name - -"
	exit 0
fi

spec=
for entry in ${TOOLCHAINS:-}; do
	[ "${entry%%|*}" = "$name" ] && spec=$entry
done
[ -n "$spec" ] || none "no $name for the kernel's compiler '$text' (distros/toolchains.mk names none)"
rest=${spec#*|}
dist=${rest%%|*} rest=${rest#*|}
suite=${rest%%|*}
case $dist in
debian) mirror=${FP_MIRROR_debian:-} keyring=${FP_KEYRING_debian:-} ;;
ubuntu) mirror=${FP_MIRROR_ubuntu:-} keyring=${FP_KEYRING_ubuntu:-} ;;
*) none "distros/toolchains.mk: $spec: no distribution '$dist'" ;;
esac
[ -n "$mirror" ] || none "$name: no mirror for $dist"
packages="$name ${TOOLCHAIN_PACKAGES:-make libc6-dev}"
spec_hash=$(printf '%s\n' "$dist $suite $mirror $packages" "$(cat "$0")" | sha256sum | cut -c1-16)
dir=$cache/toolchains
pointer=$dir/$name-$spec_hash
mkdir -p "$dir"
if [ ! -f "$pointer" ] || [ ! -d "$dir/$(cat "$pointer")" ]; then
	exec 9>"$pointer.lock"
	flock 9
fi
if [ ! -f "$pointer" ] || [ ! -d "$dir/$(cat "$pointer")" ]; then
	tmp=$(mktemp -d "$dir/.root.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT INT TERM HUP
	# Every package of the root, by its hash, before apt's cache is emptied.
	# shellcheck disable=SC2086 # the packages are words
	mmdebstrap --mode=unshare --variant=apt --skip=essential/unlink ${keyring:+--keyring="$keyring"} \
		--components=main,universe --include="$(echo $packages | tr ' ' ',')" \
		--customize-hook='cd "$1/var/cache/apt/archives" && sha256sum *.deb > "$1/../manifest"' \
		"$suite" "$tmp/root" "$mirror" >"$tmp/mmdebstrap.log" 2>&1 ||
		none "$name: mmdebstrap could not make a $dist $suite root: $(grep '^E:' "$tmp/mmdebstrap.log" | tail -n 1)"
	[ -s "$tmp/manifest" ] || none "$name: the $dist $suite root lists no packages"
	LC_ALL=C sort -k2 "$tmp/manifest" >"$tmp/manifest.sorted"
	id=$(sha256sum <"$tmp/manifest.sorted" | cut -d' ' -f1)
	bwrap --bind "$tmp/root" / --dev /dev --proc /proc --tmpfs /tmp "$name" --version >/dev/null 2>&1 ||
		none "$name: the $dist $suite root cannot run $name"
	rm -rf "${dir:?}/$id"
	mv "$tmp/root" "$dir/$id"
	mv "$tmp/manifest.sorted" "$dir/$id.manifest"
	echo "$id" >"$pointer.tmp" && mv -f "$pointer.tmp" "$pointer"
fi
id=$(cat "$pointer")
echo "$name $dir/$id $id"
