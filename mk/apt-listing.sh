#!/bin/sh
# Fetches, by the hashes the verified Release files gave, every Packages index of one apt
# distribution and lists its kernels with deb-index. Called by mk/apt.mk:
#
#   apt-listing.sh OUT STYLE "COMPONENTS" "ARCHES" APT_CACHE APT_BUILD DISTRO SUITE...
#
# ARCHES are uname-m|debian-arch|flavour,flavour entries; each SUITE is
# suite|MIRROR_VARIABLE|os-release-name|mirror-url. The listing names packages as
# $(MIRROR_VARIABLE)/pool/..., so a later change of mirror needs no new listing. OUT is
# replaced only when its content changes.
set -eu
out=$1 style=$2 components=$3 arches=$4 apt_cache=$5 apt_build=$6 distro=$7
shift 7
bin=${FP_BIN:?}
mkdir -p "$apt_cache/by-hash"
: >"$out.tmp"
for arch in $arches; do
	uname_m=${arch%%|*}
	rest=${arch#*|}
	debarch=${rest%%|*}
	flavours=${rest#*|}
	[ "$flavours" = "$rest" ] && flavours=
	set -- "$@" # keep the suites
	args=
	for entry in "$@"; do
		suite=${entry%%|*}; rest=${entry#*|}
		var=${rest%%|*}; rest=${rest#*|}
		osrel=${rest%%|*}; url=${rest#*|}
		indexes=$apt_build/$distro/$suite.indexes
		while read -r sha size path; do
			for comp in $components; do
				case $path in
				"$comp/binary-$debarch/"*)
					"$bin/fetch" --quiet --sha256 "$sha" --size "$size" "$url/dists/$suite/$path" \
						"$apt_cache/by-hash/$sha" || exit 1
					args="$args --index distros/os-release/$osrel \$($var) $apt_cache/by-hash/$sha"
					;;
				esac
			done
		done <"$indexes"
	done
	[ -n "$args" ] || continue
	flavour_args=
	for f in $(echo "$flavours" | tr ',' ' '); do
		flavour_args="$flavour_args --flavour $f"
	done
	# shellcheck disable=SC2086 # the words are ours, none holds a space
	"$bin/deb-index" --style "$style" --uname-m "$uname_m" $flavour_args $args >>"$out.tmp"
done
LC_ALL=C sort -o "$out.tmp" "$out.tmp"
if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv -f "$out.tmp" "$out"; fi
