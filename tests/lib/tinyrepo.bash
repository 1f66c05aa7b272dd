# A tiny probe repository for the repository and workflow tests: real probes built by the real
# pipeline, from tiny kernel header packages (lib/tinykernel.bash) and the tiny driver tree,
# for kernels listed by a listing-family distribution ("tiny").
#
#   tinyrepo_setup DIR ABI...   writes DIR/os-release, DIR/debs/, DIR/listing.tsv (one kernel
#                               per ABI) and exports LISTING
#   fpmake DIR ARGS...          make in the project with DIR/{build,cache,dist,kernels}
#   tinyrepo_env DIR            exports the same settings as environment variables, for make
#                               commands run as written (the workflow's)
#   listing_line OSREL ABI DEB...   one listing line, the packages by file:// URL (and the image
#                               package TINY_IMAGE names, if set)

# shellcheck source=tinykernel.bash
source "${BASH_SOURCE[0]%/*}/tinykernel.bash"
# shellcheck source=common.bash
source "${BASH_SOURCE[0]%/*}/common.bash"

listing_line() {
	local osrel=$1 abi=$2 pkgs= d image=-
	shift 2
	for d in "$@"; do
		pkgs="$pkgs file://$d|$(sha256sum "$d" | cut -d' ' -f1)|$(stat -c %s "$d")"
	done
	# The kernel's image package (tinykernel_image_deb), when the line has one.
	[ -z "${TINY_IMAGE:-}" ] || image="file://$TINY_IMAGE|$(sha256sum "$TINY_IMAGE" | cut -d' ' -f1)|$(stat -c %s "$TINY_IMAGE")"
	# TINY_UNAME_M and TINY_FLAVOUR: a kernel of another architecture (aarch64, arm64).
	local m=${TINY_UNAME_M:-x86_64} f=${TINY_FLAVOUR:-amd64}
	printf '%s\t%s\t%s-%s\t#1 SMP PREEMPT_DYNAMIC Debian %s (2026-01-01)\tusr/src/linux-headers-%s-%s\t%s\t%s\n' \
		"$osrel" "$m" "$abi" "$f" "$abi" "$abi" "$f" "${pkgs# }" "$image"
}

tinyrepo_setup() {
	local dir=$1 abi
	shift
	mkdir -p "$dir/debs"
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n' >"$dir/os-release"
	for abi in "$@"; do
		# shellcheck disable=SC2046
		listing_line "$dir/os-release" "$abi" $(tinykernel_debs "$dir/debs" "$abi" amd64 "$abi")
	done >"$dir/listing.tsv"
	export LISTING=$dir/listing.tsv
}

fpmake() {
	FP_BIN=${BIN:?} fp_make "$1" DISTROS=tiny tiny_FAMILY=listing tiny_LISTING="${LISTING:?}" \
		tiny_NAMES='falco_debian_%' tiny_FIXUP=mk/fixup-debian.sh DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "${@:2}"
}

tinyrepo_env() {
	local dir=$1
	export DISTROS=tiny tiny_FAMILY=listing tiny_LISTING="${LISTING:?}" tiny_NAMES='falco_debian_%' tiny_FIXUP=mk/fixup-debian.sh
	export DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" BIN="${BIN:?}" SAN=1
	export BUILD="$dir/build" CACHE="$dir/cache" DIST="$dir/dist" KERNELS="$dir/kernels"
}
