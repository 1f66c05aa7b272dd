#!/bin/sh
# What became of every output the selected Falco releases ask of the listed kernels, one line
# each, for the index (tools/repo-index --status: index.json's "coverage", index.html) and
# make summary. The same facts as mk/coverage.sh reads, per output instead of counted:
#
#   status.sh DIST VERDICTS LISTINGS KERNELS RUNS "RELEASES" DISTRO...
#
# prints, tab-separated: distro, os-release name, kernel id, uname -r, uname -m, driver
# version, kind, releases asking for it (comma-separated), repository path ("-" for none),
# state, reason. The state is built (DIST has it), failed (a verdict in VERDICTS, whose reason
# it gives; or a failure the last run that tried it recorded in RUNS/<id>/<distro>.failed, such
# as a package the mirror has lost, which is no verdict and is tried again), unservable (the
# table's reason) or pending. Tabs and control characters in a reason become spaces.
set -eu
dist=$1 verdicts=$2 listings=$3 kernels=$4 runs=$5 releases=$6
shift 6
for d in "$@"; do
	listing=$listings/$d.tsv
	[ -s "$listing" ] || continue
	tables=$(ls "$kernels"/*/"$d.outputs" 2>/dev/null || true)
	[ -n "$tables" ] || continue
	# Oldest run first, so that the newest failure of an output is the one kept.
	# An empty list would throw the count of files off: awk never sees its first line.
	failed=$(for f in "$runs"/*/"$d.failed"; do [ -s "$f" ] && echo "$f"; done | LC_ALL=C sort)
	# shellcheck disable=SC2086 # the file lists are words
	awk -F'\t' -v d="$d" -v dist="$dist" -v verdicts="$verdicts" -v releases="$releases" -v format="${FP_VERDICT_FORMAT:?}" \
		-v nfailed="$(echo $failed | wc -w)" '
		function exists(f) { return (getline _ < f) >= 0 ? (close(f) || 1) : 0 }
		# A verdict of the current form (mk/outputs.mk, VERDICT_FORMAT): an older one is void.
		function verdict(f,   line, ok) {
			ok = 0
			while ((getline line < f) > 0) if (line == "format=" format) ok = 1
			close(f)
			return ok
		}
		function reason(f,   line, r) {
			r = ""
			while ((getline line < f) > 0) if (line ~ /^reason=/) r = substr(line, 8)
			close(f)
			return r
		}
		function clean(s) { gsub(/[\001-\037\177]/, " ", s); return s }
		function base(path) { sub(/.*\//, "", path); return path }
		BEGIN { n = split(releases, sel, " "); for (i = 1; i <= n; i++) want[sel[i]] = 1 }
		FNR == 1 { file++ }
		# The runs failure lists: output (under DIST), reason, verdict or not.
		file <= nfailed { p = $1; if (index(p, dist "/") == 1) p = substr(p, length(dist) + 2); why[p] = $2; next }
		file == nfailed + 1 { arch[base($1) "_" $3] = $2; next }
		{
			# kernels/<dv>/<d>.outputs: path, kernel id, kind, releases, role.
			asked = 0
			m = split($4, rs, ",")
			for (i = 1; i <= m; i++) if (rs[i] in want) asked = 1
			if (!asked) next
			# A name two kernels ask for is built for one and unservable for the other: both count.
			key = $1 SUBSEP $2 SUBSEP $3 SUBSEP ($1 == "-" ? $4 : "")
			if (seen[key]++) next
			dv = FILENAME; sub(/\/[^\/]*$/, "", dv); sub(/.*\//, "", dv)
			osrel = $2; sub(/_.*/, "", osrel)
			ur = substr($2, length(osrel) + 2); sub(/~[0-9]+$/, "", ur)
			a = (osrel "_" ur) in arch ? arch[osrel "_" ur] : "-"
			if ($5 ~ /^unservable/) { state = "unservable"; r = $5; sub(/^unservable ?/, "", r) }
			else if (exists(dist "/" $1)) { state = "built"; r = "" }
			else if (verdict(verdicts "/" $1)) { state = "failed"; r = reason(verdicts "/" $1) }
			else if ($1 in why) { state = "failed"; r = why[$1] }
			else { state = "pending"; r = "" }
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d, osrel, $2, ur, a, dv, $3, $4, $1, state, clean(r)
		}' $failed "$listing" $tables
done
