#!/bin/sh
# Whether a probe is in a published repository, as the original design's
# is-falco-ebpf-probe-uploaded tool answered it: exit 0 if it is, 1 if it is not, 2 if the
# repository's index cannot be read. One request: the repository's index.json.
#   is-uploaded.sh REPO_URL REPO_PATH        (FP_BIN: the tools)
set -u
url=$1 path=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$FP_BIN/fetch" --quiet "$url/index.json" "$tmp/index.json"; then
	echo "is-uploaded: cannot read $url/index.json" >&2
	exit 2
fi
"$FP_BIN/repo-query" has "$tmp/index.json" "$path"
rc=$?
case $rc in
0) echo "$path: uploaded to $url" ;;
1) echo "$path: not in $url" ;;
esac
exit $rc
