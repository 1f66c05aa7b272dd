#!/bin/sh
# The COS family's steps (mk/family-cos.mk): what the cos-tools bucket holds, read through
# cos-index. FP_BIN names the tools.
#
#   cos.sh builds MIRROR BUILD_NUMBER DIR
#       The builds of one milestone, `build <id>` lines on stdout: COS numbers the builds of a
#       milestone <BUILD_NUMBER>.<x>.<y>, so one listing, GET MIRROR?prefix=<BUILD_NUMBER>.&
#       delimiter=/, names them as CommonPrefixes, page after page (at most 1,000 entries a
#       page); DIR holds the pages while they are read. Exit 4 when the bucket does not answer
#       the listing with a page (the generic refresh treats it as a missing source).
#   cos.sh facts MIRROR CACHE OS_RELEASE LISTED_MIRROR ROOT
#       For each build of ROOT (the output of `builds`): its kernel, learned once and kept in
#       CACHE/facts/<build> (tree, uname -r, uname -v, artifact, SHA-256, size); prints the
#       source's index lines (mk/family.mk): `- - - <build> <os-release> <listed mirror>`.
#   cos.sh listing CACHE UNAME_M INDEXES...
#       The kernel listing (mk/kernels.mk's format) of the builds the INDEXES name. Each kernel's
#       os-release is its milestone's with the BUILD_ID of the build it is listed by, as a host of
#       that build has it (falcoctl names no COS host without one): CACHE/os-release/cos-<build>.
set -eu
here=$(dirname "$0")
. "$here/lib.sh"
bin=${FP_BIN:?}

# list_pages URL_PREFIX OUT [--builds]: every page of a paginated listing, read by cos-index.
list_pages() {
	prefix=$1 out=$2 mode=${3:-}
	marker='' pages=0
	: >"$out"
	while :; do
		url="$prefix${marker:+&marker=$marker}"
		rm -f "$out.page"
		"$bin/fetch" --quiet "$url" "$out.page" || return 4
		# shellcheck disable=SC2086 # mode is one word or none
		"$bin/cos-index" page $mode "$out.page" >"$out.parsed" || die "cannot read the listing of $url"
		grep -v '^next	' "$out.parsed" >>"$out" || :
		next=$(sed -n 's/^next	//p' "$out.parsed")
		[ -n "$next" ] || break
		[ "$next" != "$marker" ] || die "$url: the listing does not advance"
		marker=$next pages=$((pages + 1))
		[ "$pages" -lt 10000 ] || die "$url: more than 10,000 pages; giving up"
	done
	rm -f "$out.page" "$out.parsed"
}

builds() {
	mirror=$1 number=$2 dir=$3
	case $number in *[!0-9]* | '') die "build number '$number' is not a number" ;; esac
	mkdir -p "$dir"
	list_pages "$mirror?prefix=$number.&delimiter=%2F" "$dir/builds" --builds || exit 4
	sed -n 's/^build	//p' "$dir/builds" | sort -u | sed 's/^/build /'
}

# build_facts MIRROR CACHE ID: CACHE/facts/ID, or nothing (with a note) for a build left out.
build_facts() {
	mirror=$1 cache=$2 id=$3
	case $id in
	*[!0-9.]* | .* | *. | *..*) die "$id: not a build id" ;;
	esac
	facts=$cache/facts/$id
	[ -s "$facts" ] && return 0
	mkdir -p "$cache/objects" "$cache/archives" "$cache/facts"
	tmp=$(mktemp -d "$cache/.build-$id.XXXXXX")
	objects=$cache/objects/$id
	if [ ! -s "$objects" ]; then
		list_pages "$mirror?prefix=$id%2F&delimiter=%2F" "$tmp/objects" || die "cannot list the objects of build $id"
		has() { grep -q "^object	$1	" "$tmp/objects"; }
		if ! has kernel_commit; then
			note "cos: build $id: no kernel_commit (an incomplete or withdrawn build); leaving it out"
			rm -rf "$tmp"
			return 0
		fi
		if ! has kernel-headers.tgz && ! has kernel-src.tar.gz; then
			note "cos: build $id: neither kernel-headers.tgz nor kernel-src.tar.gz; leaving it out"
			rm -rf "$tmp"
			return 0
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
		# One download per archive, however many milestones of a parallel run share it.
		exec 9>"$info.lock"
		flock 9
	fi
	if [ ! -s "$info" ]; then
		# Cloud Storage's ETag of an object uploaded whole is its MD5 (a composite object's is
		# not, and is not checked): what came must be what the listing describes.
		"$bin/fetch" --quiet --size "$size" "$url" "$tmp/archive" || die "cannot download $url"
		if printf '%s\n' "$etag" | grep -Eqx '[0-9a-f]{32}'; then
			md5=$(md5sum "$tmp/archive" | cut -d' ' -f1)
			[ "$md5" = "$etag" ] || die "$url has MD5 $md5, but the bucket's listing says $etag: refusing it"
		fi
		sha=$(sha256sum "$tmp/archive" | cut -d' ' -f1)
		rc=0
		if [ "$mode" = source ]; then
			# shellcheck disable=SC2086 # two words
			set -- $conventions
			facts_line=$("$bin/cos-index" source --defconfig "$1" --localversion "$2" "$tmp/archive" 2>"$tmp/err") || rc=$?
		else
			facts_line=$("$bin/cos-index" headers "$tmp/archive" 2>"$tmp/err") || rc=$?
		fi
		case $rc in
		0) printf '%s\t%s\t%s\n' "$sha" "$size" "$facts_line" >"$info.tmp" ;;
		3) printf 'unusable\t%s\n' "$(sed -n '$s/^cos-index: [^:]*: //p' "$tmp/err")" >"$info.tmp" ;;
		*) cat "$tmp/err" >&2; die "cannot read $url" ;;
		esac
		mv -f "$info.tmp" "$info"
	fi
	rm -rf "$tmp"
	IFS='	' read -r sha size kdir uname_r uname_v <"$info"
	if [ "$sha" = unusable ]; then
		note "cos: build $id: $artifact holds no usable kernel tree ($size); leaving it out"
		return 0
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kdir" "$uname_r" "$uname_v" "$id/$artifact" "$sha" "$size" >"$facts.tmp"
	mv -f "$facts.tmp" "$facts"
}

facts() {
	mirror=$1 cache=$2 osrel=$3 listed=$4 root=$5
	sed -n 's/^build //p' "$root" | while read -r id; do
		build_facts "$mirror" "$cache" "$id"
		[ ! -s "$cache/facts/$id" ] || echo "- - - $id $osrel $listed"
	done
}

listing() {
	cache=$1 uname_m=$2
	shift 2
	mkdir -p "$cache/os-release"
	# Builds in the order COS numbers them, so that the oldest build of a kernel comes first.
	awk '{ print $4, $5, $6 }' "$@" | sort -t. -k1,1n -k2,2n -k3,3n | while read -r id osrel listed; do
		printf '%s\t%s\t%s\t%s\n' "$id" "$osrel" "$listed" "$(cat "$cache/facts/$id")"
	done | awk -F'\t' -v m="$uname_m" -v dir="$cache/os-release" '
	{
		key = $2 FS $4 FS $5 FS $6 FS $8
		if (key in seen)
			next
		seen[key] = 1
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s/%s|%s|%s\t-\n", $1, $2, m, $5, $6, $4, $3, $7, $8, $9
	}' | while IFS='	' read -r id osrel rest; do
		f=$cache/os-release/cos-$id
		if [ ! -f "$f" ]; then
			{ grep -v '^BUILD_ID=' "$osrel" && echo "BUILD_ID=$id"; } >"$f.tmp" && mv -f "$f.tmp" "$f"
		fi
		printf '%s\t%s\n' "$f" "$rest"
	done
}

cmd=$1
shift
case $cmd in
builds | facts | listing) "$cmd" "$@" ;;
*) die "unknown command $cmd" ;;
esac
