#!/usr/bin/env bash
# The fleet's figures (issue 22): Debian and Ubuntu listed with every Falco release
# (FALCO_VERSIONS=all, about 215,000 outputs), from the real mirrors (Debian's as this host's
# apt names it, Ubuntu's official archive), in a scratch tree of TREE (default: this one):
#   1. listing and tables, cold                 wall, CPU, peak memory (target: keep)
#   2. the same again, nothing changed          wall, CPU (target <= 4 s wall)
#   3. a run with about 100 outputs to build (a SHARD): how long until its first compile is
#      planned (make -n), and peak memory (target: within 5 s of its listing, under 150 MB)
#   4. what a run with every output to build reads (make -n): wall, peak memory
#   5. make repo over that listing (nothing built, every output's coverage): index.json and
#      index.html sizes, the front page's load in headless Chromium (target: <= 1 MB, < 2 s),
#      and the same with the default releases (target < 1 s)
# Each figure is printed with its target. Compare two trees in one sitting (this machine is
# noisy): bench/fleet.sh /path/to/old-tree; bench/fleet.sh.
#   bench/fleet.sh [TREE]       KEEP=1 keeps the scratch directory
set -u
tree=$(cd "${1:-$(dirname "$0")/..}" && pwd)
dir=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "keeping $dir" >&2; else trap 'rm -rf "$dir"' EXIT; fi
libs=${FP_LIBS_DIR:-$tree/../shared/libs}
[ -x /usr/bin/time ] || { echo "bench/fleet.sh: /usr/bin/time is missing (package time)" >&2; exit 1; }
cd "$tree" || exit 1
make -s tools >/dev/null || exit 1
args=(BUILD="$dir/build" CACHE="$dir/cache" DIST="$dir/dist" KERNELS="$dir/kernels" MIRRORS_FROM_APT=1
	FALCO_VERSIONS=all LIBS_ARCHIVES=http://127.0.0.1:9/unused)

# measure LABEL CMD...: wall s, CPU s (user + system of it and its children), peak RSS MB.
measure() {
	local label=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" >"$dir/out" 2>&1
	local rc=$?
	read -r wall user sys rss <"$dir/time"
	printf '%-46s %7.1f s wall %7.1f s CPU %6d MB peak' "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
	[ "$rc" = 0 ] || printf ' (exit %s: %s)' "$rc" "$(tail -n 1 "$dir/out")"
}

echo "tree: $tree ($(git -C "$tree" log -1 --format='%h %s' 2>/dev/null | cut -c1-60))"
measure "1. listing and tables, cold" make -s "${args[@]}" list-debian list-ubuntu
echo "   (target: keep)"
outputs=$(cat "$dir"/kernels/*/debian.outputs "$dir"/kernels/*/ubuntu.outputs 2>/dev/null | wc -l)
echo "   outputs in the tables: $outputs"
measure "2. the same again, nothing changed" make -s "${args[@]}" list-debian list-ubuntu
echo "   (target <= 4 s wall)"
# A shard of about 100 outputs: the plan of that run, and how long make takes to reach its
# first compile (-n prints the recipes instead of running them).
n=$((outputs / 100))
[ "$n" -ge 1 ] || n=1
measure "3. a run of ~100 outputs (SHARD=1/$n), make -n" make -n "${args[@]}" SHARD="1/$n" debian ubuntu
echo "   (target: its first compile within 5 s, under 150 MB)"
echo "   outputs planned: $(grep -c 'build-output.sh ' "$dir/out")"
start=$(date +%s.%N)
make -n "${args[@]}" SHARD="1/$n" debian ubuntu 2>/dev/null | grep -m 1 -q 'build-output.sh ' || true
echo "   first compile planned after $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s"
measure "4. every output to build, make -n" make -n "${args[@]}" debian ubuntu
echo
echo "   outputs planned: $(grep -c 'build-output.sh ' "$dir/out")"

# 5. The repository's index and page over that listing (nothing is built: every output is
# pending), and with the default releases.
page() {
	local label=$1
	shift
	rm -f "$dir/dist/index.json" "$dir/dist/index.html"
	measure "$label: make repo" make -s "${args[@]}" "$@" repo
	echo
	printf '   index.json %s MB, index.html %s MB' "$(echo "scale=1; $(stat -c %s "$dir/dist/index.json") / 1048576" | bc)" \
		"$(echo "scale=2; $(stat -c %s "$dir/dist/index.html") / 1048576" | bc)"
	[ -d "$dir/dist/coverage" ] && printf ', coverage/ %s MB in %s files' \
		"$(du -sm "$dir/dist/coverage" | cut -f1)" "$(find "$dir/dist/coverage" -type f | wc -l)"
	echo
	local c
	c=$(command -v chromium || command -v chromium-browser)
	if [ -n "$c" ]; then
		start=$(date +%s.%N)
		if timeout 180 "$c" --headless --no-sandbox --disable-gpu --user-data-dir="$dir/profile" \
			--dump-dom "file://$dir/dist/index.html" >"$dir/dom" 2>/dev/null; then
			echo "   front page loaded in headless Chromium in $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s (DOM $(($(wc -c <"$dir/dom") / 1024)) KB)"
		else
			echo "   front page NOT loaded in headless Chromium within 180 s"
		fi
	fi
}
page "5. every release"
echo "   (target: front page <= 1 MB, loaded in < 2 s)"
page "   default releases" FALCO_VERSIONS="0.44.1 0.43.1"
echo "   (target: loaded in < 1 s)"
