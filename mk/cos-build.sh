#!/bin/sh
# What one COS build's kernel is, from its artifacts in the bucket. Called by mk/cos.mk:
#
#   cos-build.sh OUT BUILD_ID MIRROR MIRROR_TEXT COS_CACHE PKG_DIR
#
# Writes OUT, one tab-separated line: the kernel tree under the extraction root, uname -r,
# uname -v, and the package to extract, MIRROR_TEXT/<build>/<artifact>|<sha256>|<size>
# (MIRROR_TEXT is $(MIRROR_cos) as the listing keeps it, MIRROR the URL it stands for).
#
# 1. The build's objects: GET MIRROR?prefix=<build>/&delimiter=/ (paginated), read by
#    cos-index. A build is complete once it has kernel_commit and kernel-headers.tgz or, where
#    there is no headers archive, kernel-src.tar.gz; its object list is then kept in
#    COS_CACHE/objects (a build's artifacts never change). An incomplete build is left out with
#    a note and OUT is not written, so that the next run looks again.
# 2. The archive's facts, kept in COS_CACHE/archives/<etag>-<size> (an object is known by its
#    ETag, an MD5, and size from the listing, so identical archives of many builds are read
#    once): on first sight it is downloaded, checked against the listing's MD5, hashed, read by
#    cos-index (headers: UTS_RELEASE and UTS_VERSION of the tree; source: the release the
#    prepared tree will have, mk/cos-fixup.sh) and left in PKG_DIR under its SHA-256, where the
#    probe rules look for their packages first. An archive that holds no usable kernel is
#    remembered as such with cos-index's reason, and the build is left out with a note.
# FP_BIN names the tools.
set -eu
out=$1 id=$2 mirror=$3 mirror_text=$4 cache=$5 pkgdir=$6
bin=${FP_BIN:?}
here=$(dirname "$0")

die() {
	echo "cos-build.sh: $id: $*" >&2
	exit 1
}
note() {
	echo "  NOTE    cos: build $id: $*" >&2
}

case $id in
*[!0-9.]* | .* | *. | *..*) die "not a build id" ;;
esac
mkdir -p "$cache/objects" "$cache/archives" "$pkgdir" "$(dirname "$out")"
tmp=$(mktemp -d "$cache/.build-$id.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

objects=$cache/objects/$id
if [ ! -s "$objects" ]; then
	marker='' pages=0
	: >"$tmp/objects"
	while :; do
		url="$mirror?prefix=$id%2F&delimiter=%2F${marker:+&marker=$marker}"
		rm -f "$tmp/page.xml"
		"$bin/fetch" --quiet "$url" "$tmp/page.xml" || die "cannot list $url"
		"$bin/cos-index" page "$tmp/page.xml" >"$tmp/page.out" || die "cannot read the listing of $url"
		grep '^object	' "$tmp/page.out" >>"$tmp/objects" || :
		next=$(sed -n 's/^next	//p' "$tmp/page.out")
		[ -n "$next" ] || break
		[ "$next" != "$marker" ] || die "$url: the listing does not advance"
		marker=$next pages=$((pages + 1))
		[ "$pages" -lt 1000 ] || die "$url: more than 1,000 pages; giving up"
	done
	has() { grep -q "^object	$1	" "$tmp/objects"; }
	if ! has kernel_commit; then
		note "no kernel_commit (an incomplete or withdrawn build); leaving it out"
		exit 0
	fi
	if ! has kernel-headers.tgz && ! has kernel-src.tar.gz; then
		note "neither kernel-headers.tgz nor kernel-src.tar.gz; leaving it out"
		exit 0
	fi
	mv -f "$tmp/objects" "$objects"
fi

# The headers archive where there is one: it is what Falco's loader uses on a COS host.
artifact=kernel-headers.tgz mode=headers
if ! grep -q "^object	kernel-headers.tgz	" "$objects"; then
	artifact=kernel-src.tar.gz mode=source
fi
# shellcheck disable=SC2046 # two words
set -- $(awk -F'\t' -v a="$artifact" '$2 == a { print $3, $4 }' "$objects") - -
etag=$1 size=$2
[ "$size" != - ] || die "$objects lists no $artifact"
info=$cache/archives/$(printf '%s' "$etag" | tr -c 'A-Za-z0-9' _)-$size
url=$mirror/$id/$artifact
if [ "$mode" = source ]; then
	# The release a source tree gets depends on how it is prepared: facts per convention.
	conventions=$(sh "$here/cos-fixup.sh" --source-conventions)
	info=$info-source-$(printf '%s' "$conventions" | tr -c 'A-Za-z0-9' _)
fi

if [ ! -s "$info" ]; then
	# One download per archive, however many builds of a parallel run share it.
	exec 9>"$info.lock"
	flock 9
fi
if [ ! -s "$info" ]; then
	echo "  FETCH   $url" >&2
	"$bin/fetch" --quiet --size "$size" "$url" "$tmp/archive" || die "cannot download $url"
	# Cloud Storage's ETag of an object uploaded whole is its MD5 (a composite object's is not,
	# and is not checked): what came must be what the listing describes.
	if printf '%s\n' "$etag" | grep -Eqx '[0-9a-f]{32}'; then
		md5=$(md5sum "$tmp/archive" | cut -d' ' -f1)
		[ "$md5" = "$etag" ] || die "$url has MD5 $md5, but the bucket's listing says $etag: refusing it"
	fi
	sha=$(sha256sum "$tmp/archive" | cut -d' ' -f1)
	rc=0
	if [ "$mode" = source ]; then
		# shellcheck disable=SC2086 # two words
		set -- $conventions
		facts=$("$bin/cos-index" source --defconfig "$1" --localversion "$2" "$tmp/archive" 2>"$tmp/err") || rc=$?
	else
		facts=$("$bin/cos-index" headers "$tmp/archive" 2>"$tmp/err") || rc=$?
	fi
	cat "$tmp/err" >&2
	case $rc in
	0)
		printf '%s\t%s\t%s\n' "$sha" "$size" "$facts" >"$info.tmp"
		[ -f "$pkgdir/$sha" ] || mv -f "$tmp/archive" "$pkgdir/$sha"
		;;
	3) printf 'unusable\t%s\n' "$(sed -n '$s/^cos-index: [^:]*: //p' "$tmp/err")" >"$info.tmp" ;;
	*) die "cannot read $url" ;;
	esac
	mv -f "$info.tmp" "$info"
fi

IFS='	' read -r sha size kdir uname_r uname_v <"$info"
if [ "$sha" = unusable ]; then
	note "$artifact holds no usable kernel tree ($size); leaving it out"
	exit 0
fi
printf '%s\t%s\t%s\t%s/%s/%s|%s|%s\n' "$kdir" "$uname_r" "$uname_v" "$mirror_text" "$id" "$artifact" "$sha" "$size" >"$out.tmp"
mv -f "$out.tmp" "$out"
