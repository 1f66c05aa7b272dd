#!/bin/sh
# "Which file does my host get?": for each Falco release of the table and each kind of driver,
# the URL that release's loader requests for a host (tools/falco-name --all-releases), and
# whether the repository has that file.
#
#   lookup.sh REPO_URL UNAME_R UNAME_V UNAME_M OS_RELEASE        (FP_BIN: the tools)
#
# An empty UNAME_* or OS_RELEASE is read from the running host (uname, /etc/os-release), so that
# on a host itself `make lookup` needs nothing. A file:// REPO_URL is a directory, looked at
# directly; any other is asked for each file (the exact URL, escaped as the loader escapes it,
# fetched and thrown away: a repository without an index.json answers too). One line per release
# and kind: release, kind, present|missing|not-asked|unservable|unknown, the URL or the reason.
# Exit status: 0, whatever is missing; 1 when the host cannot be named or the repository not
# asked; 2 usage.
set -u
[ $# -eq 5 ] || { echo "usage: lookup.sh REPO_URL UNAME_R UNAME_V UNAME_M OS_RELEASE" >&2; exit 2; }
repo=${1%/} r=${2:-$(uname -r)} v=${3:-$(uname -v)} m=${4:-$(uname -m)} os=${5:-/etc/os-release}
[ -f "$os" ] || { echo "lookup: $os: no such os-release file" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$FP_BIN/falco-name" --all-releases --drivers-repo "$repo" --os-release "$os" \
	--uname-r "$r" --uname-v "$v" --uname-m "$m" >"$tmp/names" || exit 1
# Read, not sourced: the file may be any host's.
osv() { sed -n "s/^$1=[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}\$/\1/p" "$os" | head -n 1; }
id="$(osv ID) $(osv VERSION_ID)"
echo "host: uname -r $r, uname -v $v, uname -m $m, os-release $id ($os)"
echo "repository: $repo"
tab=$(printf '\t')
present=0 asked=0 n=0
while IFS=$tab read -r release kind status path what; do
	n=$((n + 1))
	case $status in
	named)
		asked=$((asked + 1))
		case $repo in
		file://*)
			if [ -f "${repo#file://}/$path" ]; then st=present; else st=missing; fi ;;
		*)
			# One request per URL, however many releases ask for it.
			key=$(printf '%s' "$what" | sha256sum | cut -c1-16)
			if [ ! -f "$tmp/$key.st" ]; then
				"$FP_BIN/fetch" --quiet --retries 0 "$what" "$tmp/$key.file" 2>"$tmp/$key.err"
				case $? in
				0) echo present ;;
				4) echo missing ;;
				*) echo unknown ;;
				esac >"$tmp/$key.st"
				rm -f "$tmp/$key.file"
			fi
			st=$(cat "$tmp/$key.st")
			[ "$st" != unknown ] || { echo "lookup: cannot ask $what: $(cat "$tmp/$key.err")" >&2; exit 1; } ;;
		esac
		[ "$st" != present ] || present=$((present + 1))
		printf '%-8s %-4s %-10s %s\n' "$release" "$kind" "$st" "$what" ;;
	not-asked) printf '%-8s %-4s %-10s %s\n' "$release" "$kind" not-asked "$what" ;;
	*) printf '%-8s %-4s %-10s %s\n' "$release" "$kind" unservable "$what" ;;
	esac
done <"$tmp/names"
[ "$n" -gt 0 ] || { echo "lookup: falco-name named nothing" >&2; exit 1; }
echo "$present of $asked requests find their file"
