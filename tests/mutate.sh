#!/bin/bash
# The mutation campaign (`make mutate`): applies each mutation of tests/mutations.txt to a scratch
# copy of the tree, one at a time, runs the tests it names there, and reports it killed (a test
# failed), survived (every test passed) or error (the mutation does not apply, or the tools do
# not build with it), then the kill rate. Exits 1 when any mutation survived or was an error.
#
#   tests/mutate.sh [--check|--applies] [ID...]
#
# --check only verifies that every mutation applies (its text occurs exactly once) and, for the
# tools, compiles; --applies only that it applies (seconds: make check runs it). IDs select
# mutations (default: all). MUTATE_LIST names another list (default tests/mutations.txt).
# MUTATE_DIR (default a new temporary directory, removed at the end) holds the scratch tree;
# MUTATE_TIMEOUT (default 180) bounds one mutation's tests, a run past it counting as killed
# (timeout).
#
# A mutation the C compiler rejects is an error, not killed: it says nothing of the tests, and
# the list must hold only mutations that build (--check verifies that). The scratch tree is the
# working tree's tracked and untracked-but-not-ignored files, so tests being written are used.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
list=${MUTATE_LIST:-$top/tests/mutations.txt}
check= applies_only=
case ${1:-} in
--check) check=1 && shift ;;
--applies) check=1 applies_only=1 && shift ;;
esac
timeout_s=${MUTATE_TIMEOUT:-180}
# The live tests in the scratch tree read the falcosecurity/libs archives where the tree's own
# tests do (beside the project, or FP_LIBS_DIR).
export FP_LIBS_DIR=${FP_LIBS_DIR:-$(cd "$top/.." && pwd)/shared/libs}

# Parse the list into one record per mutation: fields separated by \x1f, newlines inside a field
# as \x1e (find and replace may span lines).
records=$(python3 - "$list" <<'PY'
import sys
path = sys.argv[1]
recs, cur, last = [], {}, None
def flush():
    global cur
    if cur:
        recs.append(cur)
    cur = {}
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if line.startswith("#"):
        continue
    if not line.strip():
        flush(); last = None; continue
    if line.startswith("+ ") and last in ("find", "replace"):
        cur[last] += "\n" + line[2:]; continue
    key, sep, val = line.partition(": ")
    if not sep:
        sys.exit(f"{path}:{n}: not 'key: value': {line}")
    if key == "tests":
        cur.setdefault("tests", []).append(val)
    elif key in ("id", "file", "find", "replace", "why", "equivalent"):
        if key in cur:
            sys.exit(f"{path}:{n}: {key} given twice")
        cur[key] = val
    else:
        sys.exit(f"{path}:{n}: unknown key {key}")
    last = key
flush()
ids = set()
for r in recs:
    for k in ("id", "file", "find", "replace", "why"):
        if k not in r:
            sys.exit(f"{path}: mutation {r.get('id', '?')} has no {k}")
    if r["id"] in ids:
        sys.exit(f"{path}: mutation {r['id']} twice")
    ids.add(r["id"])
    if "tests" not in r and "equivalent" not in r:
        sys.exit(f"{path}: mutation {r['id']} names no tests")
    print("\x1f".join([r["id"], r["file"], r["find"].replace("\n", "\x1e"),
                       r["replace"].replace("\n", "\x1e"), "\x1e".join(r.get("tests", [])),
                       r.get("equivalent", "")]))
PY
) || exit 2

# mutate FILE FIND REPLACE: replaces the one occurrence of FIND; exit 3 when it occurs 0 or 2+ times.
mutate() {
	python3 - "$@" <<'PY'
import sys
path, find, repl = sys.argv[1], sys.argv[2].replace("\x1e", "\n"), sys.argv[3].replace("\x1e", "\n")
text = open(path, encoding="utf-8").read()
n = text.count(find)
if n != 1:
    print(f"the text to replace occurs {n} times in {path}", file=sys.stderr)
    sys.exit(3)
open(path, "w", encoding="utf-8").write(text.replace(find, repl))
PY
}

scratch=${MUTATE_DIR:-}
if [ -z "$scratch" ]; then
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/fp-mutate.XXXXXX")
	trap 'rm -rf "$scratch"' EXIT
fi
tree=$scratch/tree
rm -rf "$tree"
mkdir -p "$tree"
# The working tree as it is (tracked and new files, not what is ignored), mtimes kept.
(cd "$top" && git ls-files -z -c -o --exclude-standard | xargs -0 tar --no-recursion -cf - 2>/dev/null) |
	tar -xf - -C "$tree" || {
	echo "mutate: cannot copy the tree to $tree" >&2
	exit 2
}
bin=$tree/build/san/bin
mkdir -p "$bin"
if [ -z "$applies_only" ]; then
	echo "mutate: building the sanitizer tools in $tree" >&2
	make -s -C "$tree" SAN=1 BIN="$bin" tools >"$scratch/build.log" 2>&1 || {
		cat "$scratch/build.log" >&2
		echo "mutate: the unmutated tools do not build" >&2
		exit 2
	}
fi
cp -a "$bin" "$scratch/bin.orig"

selected() {
	local want=$1 i
	shift
	[ $# -eq 0 ] && return 0
	for i in "$@"; do [ "$i" = "$want" ] && return 0; done
	return 1
}

n=0 killed=0 survived=0 errors=0 equivalent=0
results=$scratch/results
: >"$results"
unknown=" $* "
while IFS=$'\x1f' read -r id file find repl tests equiv; do
	selected "$id" "$@" || continue
	unknown=${unknown/ $id / }
	start=$(date +%s)
	log=$scratch/logs/$id.log
	mkdir -p "$(dirname "$log")"
	if [ -n "$equiv" ]; then
		printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$file" equivalent 0 "$equiv" >>"$results"
		equivalent=$((equivalent + 1))
		continue
	fi
	n=$((n + 1))
	target=$tree/$file
	cp -p "$target" "$scratch/orig"
	result= note=
	if ! mutate "$target" "$find" "$repl" 2>"$log"; then
		result=error note="stale: $(cat "$log")"
	elif [ -n "$applies_only" ]; then
		result=applies
	elif [[ $file == tools/* ]] && ! make -s -C "$tree" SAN=1 BIN="$bin" tools </dev/null >>"$log" 2>&1; then
		result=error note="the tools do not build with it (log: $log)"
	elif [ -n "$check" ]; then
		result=applies
	else
		result=survived
		IFS=$'\x1e' read -ra runs <<<"$tests"
		for t in "${runs[@]}"; do
			# "file.bats [-f REGEX]": the REGEX may hold spaces and quotes as the list writes it.
			eval "args=($t)"
			args[0]=$tree/tests/${args[0]}
			echo "== bats ${args[*]}" >>"$log"
			rc=0
			(cd "$tree" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
				FP_BIN="$bin" FP_TOP="$tree" timeout -k 10 "$timeout_s" bats "${args[@]}") </dev/null >"$scratch/run.out" 2>&1 || rc=$?
			cat "$scratch/run.out" >>"$log"
			# A filter that selects nothing would pass every mutation: the entry is wrong.
			if [ "$rc" = 0 ] && [ "$(head -n 1 "$scratch/run.out")" = 1..0 ]; then
				result=error note="no test matches: ${args[*]#"$tree/tests/"}"
				break
			fi
			# So would tests that all skipped (a live test without what it needs here).
			if [ "$rc" = 0 ] && ! grep '^ok ' "$scratch/run.out" | grep -vq ' # skip'; then
				result=error note="every test skipped: ${args[*]#"$tree/tests/"}"
				break
			fi
			if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				result=killed note="timeout after ${timeout_s}s: ${args[*]#"$tree/tests/"}"
				break
			elif [ "$rc" != 0 ]; then
				result=killed note=$(grep -m 1 '^not ok' "$log" | cut -c1-100)
				break
			fi
		done
	fi
	# Restored as it was, content and time, with the unmutated tools.
	cp -p "$scratch/orig" "$target"
	if [[ $file == tools/* ]]; then
		rm -rf "$bin"
		cp -a "$scratch/bin.orig" "$bin"
	fi
	secs=$(($(date +%s) - start))
	case $result in
	killed) killed=$((killed + 1)) ;;
	survived) survived=$((survived + 1)) note="log: $log" ;;
	error) errors=$((errors + 1)) ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$file" "$result" "$secs" "$note" >>"$results"
	printf '%-28s %-22s %-9s %4ss  %s\n' "$id" "$file" "$result" "$secs" "$note"
done <<<"$records"
unknown=$(echo $unknown)
if [ -n "$unknown" ]; then
	echo "mutate: no such mutation: $unknown" >&2
	exit 2
fi

echo
printf '%-28s %-22s %-10s %5s\n' ID FILE RESULT SECONDS
while IFS=$'\t' read -r id file result secs note; do
	printf '%-28s %-22s %-10s %5s\n' "$id" "$file" "$result" "$secs"
done <"$results"
echo
if [ -n "$check" ]; then
	echo "mutate: $((n - errors)) of $n mutations apply$([ -n "$applies_only" ] || echo ' and build'); $equivalent equivalent"
	[ "$errors" = 0 ]
	exit
fi
pct=$(awk -v k="$killed" -v n="$n" 'BEGIN { printf "%.1f", n ? 100 * k / n : 0 }')
eq=
[ "$equivalent" = 0 ] || eq="; $equivalent equivalent (not counted)"
echo "kill rate: $killed/$n ($pct%)$eq; $survived survived, $errors errors"
[ "$survived" = 0 ] && [ "$errors" = 0 ]
