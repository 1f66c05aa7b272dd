#!/usr/bin/env bash
# The repository's index and pages at fleet scale: tests/lib/fleetrepo.bash's 204,000 outputs
# (Debian and Ubuntu, every Falco release) given to repo-index, then the sizes of what it wrote
# and the time headless Chromium takes to show each page (tests/lib/pageload.py: the page's own
# clock, to the load event and a forced layout; best of RUNS, default 3). Prints the figures.
#   bench/page.sh                       this tree's build/bin/repo-index
#   REPO_INDEX=/path/to/repo-index bench/page.sh    another build (e.g. an older commit's)
#   TIMEOUT=300 ...                     how long a page may take to load (default 240 s)
# Targets: index.html <= 1 MB, shown in < 2 s at 200,000 outputs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
dir=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "keeping $dir" >&2; else trap 'rm -rf "$dir"' EXIT; fi
if [ -z "${REPO_INDEX:-}" ]; then
	make -s -C "$top" tools >/dev/null
	REPO_INDEX=$top/build/bin/repo-index
fi
# shellcheck source=tests/lib/fleetrepo.bash
source "$top/tests/lib/fleetrepo.bash"
n=$(fleetrepo "$dir")
mkdir -p "$dir/dist"
TIMEFORMAT='%R'
secs=$({ time "$REPO_INDEX" --dist "$dir/dist" --status "$dir/status.tsv" --published "$dir/published.json" >/dev/null; } 2>&1)
echo "outputs: $n; repo-index: $secs s"

json=$dir/dist/index.json
cov=$(python3 -c 'import sys; t = open(sys.argv[1], "rb").read(); print(len(t) - t.index(b"\"coverage\""))' "$json")
echo "index.json: $(stat -c %s "$json") bytes, of which the coverage $cov"
echo "files written: $(find "$dir/dist" -name '*.html' -o -name '*.js' | wc -l) pages and scripts, $(du -sb "$dir/dist" | cut -f1) bytes with the index"

# load FIGURE ARGS...: the best of $runs loads (a busy machine only ever makes a page slower);
# FIGURE is ready_ms, or wait_ms for what a script shows later.
load() {
	local best='' out ms key=$1
	shift
	for _ in $(seq "$runs"); do
		out=$(python3 "$top/tests/lib/pageload.py" --timeout "${TIMEOUT:-240}" "$@") || { echo "did not load"; return; }
		ms=$(echo "$out" | python3 -c 'import json, sys; print(int(json.load(sys.stdin)[sys.argv[1]]))' "$key")
		[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
	done
	echo "shown in $best ms"
}
for page in index.html coverage/ubuntu/ubuntu-22.04.html coverage/ubuntu/probes.html; do
	[ -f "$dir/dist/$page" ] || continue
	echo "$page: $(stat -c %s "$dir/dist/$page") bytes, $(load ready_ms "file://$dir/dist/$page")"
done
if [ -f "$dir/dist/coverage/search.js" ]; then
	echo "coverage/search.js: $(stat -c %s "$dir/dist/coverage/search.js") bytes"
	echo "index.html#q=5.15.0-1234-azure: $(load wait_ms --wait "document.getElementById('search-hits').children.length > 0" \
		"file://$dir/dist/index.html#q=5.15.0-1234-azure")"
fi
