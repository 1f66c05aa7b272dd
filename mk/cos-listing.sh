#!/bin/sh
# The COS kernel listing, from what mk/cos-build.sh learned of each build. Called by mk/cos.mk:
#
#   cos-listing.sh OUT FACTS_DIR OS_RELEASE_DIR UNAME_M BUILD|MILESTONE...
#
# FACTS_DIR/<build> holds a build's kernel tree, uname -r, uname -v and package (absent for a
# build left out). Many builds of a milestone ship one kernel: builds whose facts are the same
# (same tree, release, version and archive hash) are one kernel, listed once, with the archive
# of the oldest such build, so that a new build of an old kernel changes nothing. Each line's
# os-release is OS_RELEASE_DIR/cos-<milestone>. OUT is sorted (LC_ALL=C) and replaced only when
# its text changes.
set -eu
out=$1 facts=$2 osrel_dir=$3 uname_m=$4
shift 4

for entry in "$@"; do
	id=${entry%%|*} milestone=${entry#*|}
	[ -s "$facts/$id" ] || continue
	printf '%s\t%s\t%s\n' "$id" "$milestone" "$(cat "$facts/$id")"
done |
	sort -t. -k1,1n -k2,2n -k3,3n |
	awk -F'\t' -v dir="$osrel_dir" -v m="$uname_m" '
	{
		pkg = $6
		split(pkg, p, "|")
		key = $2 FS $3 FS $4 FS $5 FS p[2]
		if (key in seen)
			next
		seen[key] = 1
		printf "%s/cos-%s\t%s\t%s\t%s\t%s\t%s\t-\n", dir, $2, m, $4, $5, $3, pkg
	}' |
	LC_ALL=C sort >"$out.tmp"
if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv -f "$out.tmp" "$out"; fi
