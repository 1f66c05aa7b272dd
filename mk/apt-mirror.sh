#!/bin/sh
# Prints the URI of the first apt source of this host whose suite matches an extended regular
# expression, for MIRRORS_FROM_APT=1 and for the tests. Reads deb822 .sources files and
# one-line sources.list entries, of /etc/apt (or FP_APT_DIR, for the tests).
#   apt-mirror.sh SUITE_REGEX
re=$1
apt=${FP_APT_DIR:-/etc/apt}
{
for f in "$apt"/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk -v re="$re" '
		function flush() { if (uri != "" && suites != "") { n = split(suites, s, " "); for (i = 1; i <= n; i++) if (s[i] ~ re) { print uri; exit 0 } } uri = ""; suites = "" }
		/^[ \t]*$/ { flush(); next }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
		END { flush() }' "$f"
done
for f in "$apt"/sources.list "$apt"/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[ \t]*deb[ \t]\+\(\[[^]]*\][ \t]\+\)\?\([^ \t]\+\)[ \t]\+\([^ \t]\+\).*/\2 \3/p' "$f" |
		awk -v re="$re" '$2 ~ re { print $1 }'
done
} | head -n 1
