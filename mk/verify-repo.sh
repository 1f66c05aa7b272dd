#!/bin/sh
# Checks a probe repository as a Falco host would trust it:
#   verify-repo.sh REPO PUBKEY [CERT...]  (REPO: a URL or a directory; FP_BIN: the tools)
# - index.json carries a valid minisign signature by PUBKEY;
# - every directory the index names has a SHA256SUMS, validly signed, saying exactly what the
#   index says about that directory;
# - every probe the index lists is there with that SHA-256 and size;
# - in a directory, no probe file is there that the index does not list;
# - with CERTs (MODULE_SIGNING_CERT: the certificates of every key that signed modules), every
#   module the index says is signed carries a signature of the kernel's format by the certificate
#   it names, which must be one of CERTs, over its bytes, with its kernel's digest (the index's
#   signature_hash, from its tree's CONFIG_MODULE_SIG_HASH), as the kernel checks it
#   (mk/module-sign.sh check); and no module the index says is unsigned carries one.
# Prints each problem and exits 1 if there is any.
set -u
repo=$1 pub=$2
shift 2
bin=${FP_BIN:?}
minisign=${MINISIGN:-minisign}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
enc() { printf '%s' "$1" | sed 's/+/%2B/g'; }
problems=0
modsign=$(dirname "$0")/module-sign.sh
# Each certificate by its fingerprint.
mkdir -p "$tmp/certs"
for c in "$@"; do
	fp=$(sh "$modsign" fingerprint "$c") || exit 1
	cp "$c" "$tmp/certs/$fp" || exit 1
done
signatures=0
problem() {
	echo "  BAD     $*" >&2
	problems=$((problems + 1))
}

case $repo in
*://*) url=${repo%/} dir= ;;
*) url= dir=$repo ;;
esac
[ -n "$url" ] || [ -d "$dir" ] || { echo "verify-repo: $repo is neither a URL nor a directory" >&2; exit 1; }

# get REL: prints a local path holding the repository's file REL, or fails.
get() {
	if [ -n "$dir" ]; then
		[ -f "$dir/$1" ] && echo "$dir/$1"
	else
		mkdir -p "$tmp/files/$(dirname "$1")" &&
			"$bin/fetch" --quiet "$url/$(enc "$1")" "$tmp/files/$1" 2>"$tmp/fetch.err" &&
			echo "$tmp/files/$1"
	fi
}

signed() {
	[ -n "$2" ] && "$minisign" -V -q -p "$pub" -m "$1" -x "$2" >/dev/null 2>&1
}

index=$(get index.json) || { echo "verify-repo: $repo has no index.json" >&2; exit 1; }
sig=$(get index.json.minisig) || sig=
if ! signed "$index" "$sig"; then
	echo "verify-repo: $repo/index.json is not validly signed by $pub" >&2
	exit 1
fi
"$bin/repo-query" paths "$index" >"$tmp/paths" || exit 1
"$bin/repo-query" dirs "$index" >"$tmp/dirs" || exit 1

while read -r d; do
	rel=$d/SHA256SUMS
	[ "$d" = . ] && rel=SHA256SUMS
	sums=$(get "$rel") || { problem "$rel is missing"; continue; }
	ssig=$(get "$rel.minisig") || ssig=
	signed "$sums" "$ssig" || { problem "$rel is not validly signed by $pub"; continue; }
	"$bin/repo-query" sums "$index" "$d" >"$tmp/expected"
	cmp -s "$tmp/expected" "$sums" || problem "$rel does not say what index.json says about $d"
done <"$tmp/dirs"

# check_signature FILE PATH: FILE, the module at PATH, is signed as its entry says.
check_signature() {
	case $2 in *.ko) ;; *) return 0 ;; esac
	[ -n "$(ls "$tmp/certs")" ] || return 0
	by=$(sed -n 's/^signing_cert_sha256=//p' "$tmp/entry")
	hash=$(sed -n 's/^signature_hash=//p' "$tmp/entry")
	if [ -z "$by" ]; then
		len=$(sh "$modsign" strip "$1" "$tmp/stripped") || len=bad
		[ "$len" = 0 ] || problem "$2: it carries a signature, but index.json says it is unsigned"
		return 0
	fi
	if [ ! -f "$tmp/certs/$by" ]; then
		problem "$2: signed by certificate sha256 $by, which MODULE_SIGNING_CERT does not name"
		return 0
	fi
	why=$(sh "$modsign" check "$1" "$tmp/certs/$by" "$hash") || {
		problem "$2: ${why:-mk/module-sign.sh cannot check it}"
		return 0
	}
	signatures=$((signatures + 1))
}

checked=0
while read -r p; do
	"$bin/repo-query" show "$index" "$p" >"$tmp/entry"
	sha=$(sed -n 's/^sha256=//p' "$tmp/entry")
	size=$(sed -n 's/^size=//p' "$tmp/entry")
	if [ -n "$dir" ]; then
		if [ ! -f "$dir/$p" ]; then
			problem "$p is missing"
		elif [ "$(sha256sum "$dir/$p" | cut -d' ' -f1)" != "$sha" ] || [ "$(wc -c <"$dir/$p" | tr -d ' ')" != "$size" ]; then
			problem "$p does not have sha256 $sha and size $size"
		else
			check_signature "$dir/$p" "$p"
		fi
	else
		mkdir -p "$tmp/probe"
		"$bin/fetch" --quiet --sha256 "$sha" --size "$size" "$url/$(enc "$p")" "$tmp/probe/file" 2>"$tmp/fetch.err" ||
			problem "$p: $(cat "$tmp/fetch.err")"
		[ ! -f "$tmp/probe/file" ] || check_signature "$tmp/probe/file" "$p"
		rm -f "$tmp/probe/file"
	fi
	checked=$((checked + 1))
done <"$tmp/paths"

if [ -n "$dir" ]; then
	(cd "$dir" && find . -type f \( -name 'falco_*.o' -o -name 'falco_*.ko' \) | sed 's|^\./||' | LC_ALL=C sort) >"$tmp/files"
	LC_ALL=C sort "$tmp/paths" >"$tmp/listed"
	LC_ALL=C comm -23 "$tmp/files" "$tmp/listed" | while read -r extra; do
		echo "  BAD     $extra is not in index.json" >&2
		echo x
	done >"$tmp/extra"
	problems=$((problems + $(wc -l <"$tmp/extra")))
fi

if [ "$problems" -gt 0 ]; then
	echo "verify-repo: $repo: $problems problem(s) in $checked probes" >&2
	exit 1
fi
if [ $# -gt 0 ]; then
	modules="; $signatures module signatures good"
else
	modules=" (module signatures not checked: no MODULE_SIGNING_CERT)"
fi
echo "verify-repo: $repo: $checked probes in $(wc -l <"$tmp/dirs" | tr -d ' ') directories, signatures and checksums good$modules"
