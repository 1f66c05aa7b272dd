#!/bin/sh
# What the listings hold and what became of it: per distribution and release, the kernels
# listed, and per driver version and kind, how many of their outputs are built (and of those,
# verified to pass in their own kernel), failed (a recorded verdict), unservable (no name the
# release's loader would ask for), and not built yet.
#
#   coverage.sh DIST VERDICTS LISTINGS KERNELS "RELEASES" DISTRO...
#
# LISTINGS holds <distro>.tsv (mk/family.mk), KERNELS <driver version>/<distro>.outputs
# (tools/kernels-mk); RELEASES are the selected Falco releases (an output counts when one of the
# releases asking for it is selected; "custom" for a driver of one's own). Output paths are
# counted once however many releases ask for them. Plain text, one table per distribution.
set -eu
dist=$1 verdicts=$2 listings=$3 kernels=$4 releases=$5
shift 5
for d in "$@"; do
	listing=$listings/$d.tsv
	if [ ! -f "$listing" ]; then
		echo "$d: not listed yet (make list-$d)"
		continue
	fi
	tables=$(ls "$kernels"/*/"$d.outputs" 2>/dev/null || true)
	# shellcheck disable=SC2086 # the tables are words
	awk -F'\t' -v d="$d" -v dist="$dist" -v verdicts="$verdicts" -v releases="$releases" -v format="${FP_VERDICT_FORMAT:?}" '
		function exists(f) { return (getline _ < f) >= 0 ? (close(f) || 1) : 0 }
		# A verdict of the current form (mk/outputs.mk, VERDICT_FORMAT): an older one is void.
		function verdict(f,   line, ok) {
			ok = 0
			while ((getline line < f) > 0) if (line == "format=" format) ok = 1
			close(f)
			return ok
		}
		function verified(f,   line, r) {
			r = ""
			while ((getline line < f) > 0) if (line ~ /^result=/) r = substr(line, 8)
			close(f)
			return r
		}
		function osrel(path) { sub(/.*\//, "", path); return path }
		BEGIN { n = split(releases, sel, " "); for (i = 1; i <= n; i++) want[sel[i]] = 1 }
		FNR == 1 { file++ }
		file == 1 { kernels[osrel($1)]++; next }
		{
			# kernels/<dv>/<d>.outputs: path, kernel id, kind, releases, role.
			asked = 0
			m = split($4, rs, ",")
			for (i = 1; i <= m; i++) if (rs[i] in want) asked = 1
			if (!asked || seen[$1]++) next
			dv = FILENAME; sub(/\/[^\/]*$/, "", dv); sub(/.*\//, "", dv)
			rel = $2; sub(/_.*/, "", rel)
			key = rel SUBSEP dv SUBSEP $3
			keys[key] = 1
			if ($5 ~ /^unservable/) { unservable[key]++; next }
			if (exists(dist "/" $1)) {
				built[key]++
				if (verified(dist "/" $1 ".verified") == "PASS") passed[key]++
			} else if (verdict(verdicts "/" $1)) failed[key]++
			else pending[key]++
		}
		END {
			printf "%s\n", d
			printf "  %-16s %7s  %-42s %-4s %7s %8s %6s %10s %7s\n", "release", "kernels", "driver version", "kind", \
				"built", "verified", "failed", "unservable", "pending"
			for (r in kernels) rows[r] = 1
			for (k in keys) { split(k, f, SUBSEP); rows[f[1]] = 1 }
			nr = 0
			for (r in rows) order[++nr] = r
			for (i = 2; i <= nr; i++) for (j = i; j > 1 && order[j - 1] > order[j]; j--) { t = order[j]; order[j] = order[j - 1]; order[j - 1] = t }
			nk = 0
			for (k in keys) korder[++nk] = k
			for (i = 2; i <= nk; i++) for (j = i; j > 1 && korder[j - 1] > korder[j]; j--) { t = korder[j]; korder[j] = korder[j - 1]; korder[j - 1] = t }
			for (i = 1; i <= nr; i++) {
				r = order[i]
				any = 0
				for (j = 1; j <= nk; j++) {
					split(korder[j], f, SUBSEP)
					if (f[1] != r) continue
					k = korder[j]
					printf "  %-16s %7s  %-42s %-4s %7d %8d %6d %10d %7d\n", any ? "" : r, any ? "" : kernels[r] + 0, f[2], f[3], \
						built[k], passed[k], failed[k], unservable[k], pending[k]
					any = 1
				}
				if (!any) printf "  %-16s %7d  (no output asked for by the selected releases)\n", r, kernels[r]
			}
		}' "$listing" $tables
done
