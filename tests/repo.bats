#!/usr/bin/env bats
# The probe repository (mk/repo.mk, tools/repo-index, tools/repo-query): index.json, SHA256SUMS
# and index.html; building only what a served repository lacks; reproducible rebuilds; minisign
# signatures and verify-repo; shards.
#
# Hermetic: real probes, but tiny ones, built by the real pipeline from tiny kernel header
# packages (tests/lib/tinykernel.bash, made with dpkg-deb) and the tiny driver tree, listed by a
# listing-family distribution; repositories are served on 127.0.0.1 only. Every make run has
# its own BUILD, CACHE, DIST and KERNELS.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	# shellcheck source=lib/tinyrepo.bash
	source "$TOP/tests/lib/tinyrepo.bash"
	# Every run here lists the kernels at one time (make's RUN_TIME, which the coverage keeps as
	# when each kernel was first seen), so that indexes made apart can be compared byte for byte.
	export RUN_TIME=1765000000
	tinyrepo_setup "$FIX" 9.9.0-1 9.9.0-2 9.9.0-3 9.9.0-4
	minisign -G -W -p "$FIX/key.pub" -s "$FIX/key.key" </dev/null >/dev/null
	minisign -G -W -p "$FIX/other.pub" -s "$FIX/other.key" </dev/null >/dev/null
	# The origin: every probe built, indexed and signed, as a nightly run publishes them.
	fpmake "$FIX/origin" tiny >"$FIX/origin.log" 2>&1 || { cat "$FIX/origin.log" >&3; return 1; }
	fpmake "$FIX/origin" repo SIGNING_KEY="$FIX/key.key" >>"$FIX/origin.log" 2>&1 ||
		{ cat "$FIX/origin.log" >&3; return 1; }
	export DV=9.9.9+test
	export P1=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o
}

setup() {
	load lib/common
	load lib/tinyrepo
}

teardown() {
	fp_http_stop_all
}

# The probes a listing gives, as repository paths, sorted.
probe_paths() {
	fpmake "$1" list-tiny "${@:2}" | sed -n "s|^$1/dist/||p" | LC_ALL=C sort
}

@test "repo: index.json describes every probe and each input by SHA-256; SHA256SUMS per directory; rebuilt byte for byte" {
	local o=$FIX/origin
	run "$BIN/repo-query" paths "$o/dist/index.json"
	[ "$status" -eq 0 ]
	[ "$output" = "$(probe_paths "$o")" ]
	[ "$(echo "$output" | wc -l)" -eq 4 ]
	# Each directory's SHA256SUMS checks with sha256sum; Falco's layout for X.Y.Z+driver: per arch.
	[ "$(cd "$o/dist" && find . -name SHA256SUMS | sort)" = "./$DV/x86_64/SHA256SUMS" ]
	(cd "$o/dist/$DV/x86_64" && sha256sum --strict -c SHA256SUMS)
	[ "$(wc -l <"$o/dist/$DV/x86_64/SHA256SUMS")" -eq 4 ]
	# Every field, read back by an independent JSON parser.
	for d in "$FIX"/debs/*.deb; do sha256sum "$d" | cut -d' ' -f1; done | sort >"$BATS_TEST_TMPDIR/debs"
	/usr/bin/python3 - "$o" "$BATS_TEST_TMPDIR/debs" <<'EOF'
import hashlib, json, os, sys
o, debs = sys.argv[1], set(open(sys.argv[2]).read().split())
idx = json.load(open(o + "/dist/index.json"))
assert idx["format"] == "falco-probes-index/2"
toolchain = open(o + "/build/toolchain/bpf.id", "rb").read()
tsha = hashlib.sha256(toolchain).hexdigest()
assert idx["toolchains"] == {tsha: toolchain.decode()}, idx["toolchains"]
driver = open(o + "/build/driver/" + [f for f in os.listdir(o + "/build/driver") if f.endswith(".sha256")][0]).read().strip()
paths = [p["path"] for p in idx["probes"]]
assert paths == sorted(paths), paths
for p in idx["probes"]:
    data = open(o + "/dist/" + p["path"], "rb").read()
    assert p["sha256"] == hashlib.sha256(data).hexdigest() and p["size"] == len(data), p
    abi = os.path.basename(p["path"]).split("_")[2]
    assert p["kernel_release"] == abi and p["uname_r"] == abi and p["kernel_version"] == "1", p
    assert p["target"] == "debian" and p["arch"] == "x86_64" and p["driver_version"] == "9.9.9+test", p
    assert p["distro"] == "tiny", p
    assert len(p["inputs"]["packages"]) == 3 and set(p["inputs"]["packages"]) <= debs, p
    assert p["inputs"]["driver_tree_sha256"] == driver, p
    assert p["inputs"]["toolchain_sha256"] == tsha, p
    assert data.find(p["kernel_release"].encode()) >= 0
EOF
	# The same records give the same bytes, however often.
	cp "$o/dist/index.json" "$BATS_TEST_TMPDIR/before.json"
	cp "$o/dist/index.html" "$BATS_TEST_TMPDIR/before.html"
	run fpmake "$o" repo SIGNING_KEY="$FIX/key.key"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/before.json" "$o/dist/index.json"
	cmp "$BATS_TEST_TMPDIR/before.html" "$o/dist/index.html"
}

@test "repo: the same probe built in two other directories has the same SHA-256 as the published one" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/elsewhere/b
	run fpmake "$a" "$a/dist/$P1"
	[ "$status" -eq 0 ]
	run fpmake "$b" "$b/dist/$P1"
	[ "$status" -eq 0 ]
	want=$(fp_sha256 "$FIX/origin/dist/$P1")
	[ "$(fp_sha256 "$a/dist/$P1")" = "$want" ]
	[ "$(fp_sha256 "$b/dist/$P1")" = "$want" ]
	# The work trees' paths reached neither object.
	[ -z "$(grep -l "$BATS_TEST_TMPDIR" "$a/dist/$P1" "$b/dist/$P1")" ]
}

@test "repo: the flat layout of commit-hash driver versions gets its SHA256SUMS beside the probes" {
	local d=$BATS_TEST_TMPDIR/flat
	run fpmake "$d" tiny LAYOUT=flat
	[ "$status" -eq 0 ]
	run fpmake "$d" repo LAYOUT=flat
	[ "$status" -eq 0 ]
	[ -f "$d/dist/$DV/falco_debian_9.9.0-1-amd64_1.o" ]
	[ "$(cd "$d/dist" && find . -name SHA256SUMS)" = "./$DV/SHA256SUMS" ]
	(cd "$d/dist/$DV" && sha256sum --strict -c SHA256SUMS)
	run "$BIN/repo-query" dirs "$d/dist/index.json"
	[ "$output" = "$DV" ]
}

@test "repo: a probe without a record, or unlike its record, fails loudly and writes no index" {
	local d=$BATS_TEST_TMPDIR/bad
	mkdir -p "$d"
	cp -R "$FIX/origin/dist" "$FIX/origin/build" "$d/"
	cp "$d/dist/index.json" "$d/index.before"
	# A stray probe nobody built here.
	cp "$d/dist/$P1" "$d/dist/$DV/x86_64/falco_debian_1.0.0-stray_1.o"
	run fpmake "$d" repo
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "falco_debian_1.0.0-stray_1.o: no record or index describes it"
	cmp "$d/index.before" "$d/dist/index.json"
	rm "$d/dist/$DV/x86_64/falco_debian_1.0.0-stray_1.o"
	# A probe whose bytes changed after its record was written.
	printf 'X' | dd of="$d/dist/$P1" bs=1 seek=64 conv=notrunc 2>/dev/null
	run fpmake "$d" repo
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "$P1: sha256 $(fp_sha256 "$d/dist/$P1") .* but .*$P1.rec says $(fp_sha256 "$FIX/origin/dist/$P1")"
	cmp "$d/index.before" "$d/dist/index.json"
	# A record that lies about its probe's path.
	cp "$FIX/origin/dist/$P1" "$d/dist/$P1"
	sed -i 's/^probe=.*/probe=other\/falco_x.o/' "$d/build/records/$P1.rec"
	run fpmake "$d" repo
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "names probe other/falco_x.o"
}

@test "repo: a published probe never changes: an index that gives it another hash is refused" {
	local d=$BATS_TEST_TMPDIR/conflict
	fp_http_start "$FIX/origin/dist"
	sha=$(fp_sha256 "$FIX/origin/dist/$P1")
	sed "s/$sha/$(printf '%064d' 0)/" "$FIX/origin/dist/index.json" >"$BATS_TEST_TMPDIR/other.json"
	run fpmake "$d" repo REPO="$FP_HTTP_URL" REPO_MERGE="$BATS_TEST_TMPDIR/other.json"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "$P1: .* has sha256 $sha .*other.json has 0000.*a published probe never changes"
}

@test "repo: a merged shard whose index names a probe its files lack is refused; no index lists what is not uploaded" {
	local d=$BATS_TEST_TMPDIR/merge m=$BATS_TEST_TMPDIR/shard
	cp -R "$FIX/origin/dist" "$m"
	rm "$m/$P1"
	run fpmake "$d" repo REPO_MERGE="$m"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "$P1 (from $m/index.json) is neither published nor in $d/dist"
	[ ! -e "$d/dist/index.json" ]
	# With the probe there, the same merge is the origin's index.
	cp "$FIX/origin/dist/$P1" "$m/$P1"
	run fpmake "$d" repo REPO_MERGE="$m"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q "\"$P1\"" "$d/dist/index.json"
}

@test "repo: a run against the served repository builds nothing and asks for its index once" {
	local d=$BATS_TEST_TMPDIR/again
	fp_http_start "$FIX/origin/dist"
	run fpmake "$d" REPO="$FP_HTTP_URL" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'PROBE\|FETCH')" -eq 0 ]
	echo "$output" | grep -q "REMOTE  $FP_HTTP_URL: 4 probes published"
	echo "$output" | grep -qx 'tiny: 4 outputs: 0 built, 0 up to date, 0 failed; 4 published'
	[ "$(grep -c '"GET ' "$FP_HTTP_LOG")" -eq 1 ]
	grep -q '"GET /index.json ' "$FP_HTTP_LOG"
	[ -z "$(find "$d/dist" -name 'falco_*' 2>/dev/null)" ]
	run fpmake "$d" REPO="$FP_HTTP_URL" list-tiny
	[ "$status" -eq 0 ]
	[ -z "$(echo "$output" | grep falco_)" ]
	# The index of this run is the published one, with nothing to upload.
	run fpmake "$d" REPO="$FP_HTTP_URL" repo
	[ "$status" -eq 0 ]
	cmp "$FIX/origin/dist/index.json" "$d/dist/index.json"
	[ ! -s "$d/build/repo/upload-probes.list" ]
}

@test "repo: a probe removed from the served repository is rebuilt byte-identical, and only it is uploaded" {
	local pub=$BATS_TEST_TMPDIR/pub d=$BATS_TEST_TMPDIR/nightly
	mkdir -p "$pub"
	cp -R "$FIX/origin/dist" "$FIX/origin/build" "$pub/"
	rm "$pub/dist/$P1"
	run fpmake "$pub" repo SIGNING_KEY="$FIX/key.key"
	[ "$status" -eq 0 ]
	[ "$(grep -c "$P1" "$pub/dist/index.json")" -eq 0 ]
	fp_http_start "$pub/dist"
	run fpmake "$d" REPO="$FP_HTTP_URL" tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '  PROBE ')" -eq 1 ]
	echo "$output" | grep -q "PROBE .*$d/dist/$P1"
	[ "$(fp_sha256 "$d/dist/$P1")" = "$(fp_sha256 "$FIX/origin/dist/$P1")" ]
	# The published index (checked against the key) and the new probe: the origin's index again.
	run fpmake "$d" REPO="$FP_HTTP_URL" SIGNING_PUBKEY="$FIX/key.pub" SIGNING_KEY="$FIX/key.key" repo
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$d/build/repo/upload-probes.list")" = "$P1" ]
	cmp "$FIX/origin/dist/index.json" "$d/dist/index.json"
	grep -qx "$DV/x86_64/SHA256SUMS" "$d/build/repo/upload-index.list"
	grep -qx "index.json.minisig" "$d/build/repo/upload-index.list"
	# The published index must carry the key's signature before it is merged and signed again.
	run fpmake "$d" REPO="$FP_HTTP_URL" SIGNING_PUBKEY="$FIX/other.pub" repo
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "index.json is not signed by $FIX/other.pub"
}

@test "repo: a repository without index.json is refused unless REPO_INIT=1 (its first publication)" {
	local d=$BATS_TEST_TMPDIR/init
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	fp_http_start "$BATS_TEST_TMPDIR/empty"
	run fpmake "$d" REPO="$FP_HTTP_URL" tiny
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "$FP_HTTP_URL/index.json does not exist; REPO_INIT=1"
	[ -z "$(find "$d/dist" -name 'falco_*' 2>/dev/null)" ]
	run fpmake "$d" REPO="$FP_HTTP_URL" REPO_INIT=1 tiny
	[ "$status" -eq 0 ]
	[ "$(find "$d/dist" -name 'falco_*' | wc -l)" -eq 4 ]
}

@test "is-uploaded: exit 0 for a published probe, 1 for a missing one, 2 for an unreadable repository" {
	fp_http_start "$FIX/origin/dist"
	run fpmake "$BATS_TEST_TMPDIR/q" is-uploaded REPO="$FP_HTTP_URL" PROBE="$P1"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "$P1: uploaded"
	run fpmake "$BATS_TEST_TMPDIR/q" is-uploaded REPO="$FP_HTTP_URL" PROBE="$DV/x86_64/falco_debian_1.0_1.o"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "not in $FP_HTTP_URL"
	FP_BIN=$BIN run sh "$TOP/mk/is-uploaded.sh" "$FP_HTTP_URL" "$P1"
	[ "$status" -eq 0 ]
	FP_BIN=$BIN run sh "$TOP/mk/is-uploaded.sh" "$FP_HTTP_URL" "$DV/x86_64/falco_debian_1.0_1.o"
	[ "$status" -eq 1 ]
	FP_BIN=$BIN run sh "$TOP/mk/is-uploaded.sh" "file://$BATS_TEST_TMPDIR/nowhere" "$P1"
	[ "$status" -eq 2 ]
}

@test "rebuild-check: a published probe rebuilds byte-identical from its recorded inputs" {
	fp_http_start "$FIX/origin/dist"
	local d=$BATS_TEST_TMPDIR/rc
	run fpmake "$d" rebuild-check REPO="$FP_HTTP_URL" PROBE="$P1"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "SAME    $P1: the rebuild is byte-identical (sha256 $(fp_sha256 "$FIX/origin/dist/$P1"))"
	# A scratch directory of its own, removed when it agrees.
	echo "$output" | grep -q "REBUILD $P1 in $d/build/rebuild\."
	[ -z "$(ls -d "$d"/build/rebuild.* 2>/dev/null)" ]
	# From a repository directory too.
	run fpmake "$d" rebuild-check REPO="$FIX/origin/dist" PROBE="$DV/x86_64/falco_debian_9.9.0-3-amd64_1.o"
	[ "$status" -eq 0 ]
}

@test "rebuild-check: other inputs, or published bytes unlike the index, fail it" {
	local d=$BATS_TEST_TMPDIR/rc2
	# Another toolchain (other kbuild arguments): named, with both toolchains.
	run fpmake "$d" rebuild-check REPO="$FIX/origin/dist" PROBE="$P1" FP_KBUILD_ARGS=V=1
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'INPUT   toolchain_sha256 differs'
	echo "$output" | grep -q 'FP_KBUILD_ARGS=V=1'
	# A published probe whose bytes are not those its index gives.
	mkdir -p "$BATS_TEST_TMPDIR/pub"
	cp -R "$FIX/origin/dist/." "$BATS_TEST_TMPDIR/pub/"
	printf 'X' | dd of="$BATS_TEST_TMPDIR/pub/$P1" bs=1 seek=64 conv=notrunc 2>/dev/null
	fp_http_start "$BATS_TEST_TMPDIR/pub"
	run fpmake "$d" rebuild-check REPO="$FP_HTTP_URL" PROBE="$P1"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "is not the probe its index describes"
	run fpmake "$d" rebuild-check REPO="$FP_HTTP_URL" PROBE="$DV/x86_64/falco_none_1.o"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "does not list $DV/x86_64/falco_none_1.o"
}

@test "verify-repo: a signed repository passes over HTTP and as a directory" {
	fp_http_start "$FIX/origin/dist"
	run fpmake "$BATS_TEST_TMPDIR/v" verify-repo REPO="$FP_HTTP_URL" SIGNING_PUBKEY="$FIX/key.pub"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "verify-repo: $FP_HTTP_URL: 4 probes in 1 directories, signatures and checksums good"
	run fpmake "$BATS_TEST_TMPDIR/v" verify-repo REPO="$FIX/origin/dist" SIGNING_PUBKEY="$FIX/key.pub"
	[ "$status" -eq 0 ]
	# The signatures are minisign's own: minisign checks them too.
	minisign -V -q -p "$FIX/key.pub" -m "$FIX/origin/dist/index.json"
	minisign -V -q -p "$FIX/key.pub" -m "$FIX/origin/dist/$DV/x86_64/SHA256SUMS"
}

@test "verify-repo: a tampered probe, index or SHA256SUMS, an unlisted probe or another key fails" {
	local r=$BATS_TEST_TMPDIR/r
	fresh() { rm -rf "$r" && cp -R "$FIX/origin/dist" "$r"; }
	verify() { fpmake "$BATS_TEST_TMPDIR/v" verify-repo REPO="$1" SIGNING_PUBKEY="${2:-$FIX/key.pub}"; }

	fresh
	printf 'X' | dd of="$r/$P1" bs=1 seek=64 conv=notrunc 2>/dev/null
	run verify "$r"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $P1 does not have sha256"
	fp_http_start "$r"
	run verify "$FP_HTTP_URL"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $P1: .*SHA-256 .*expected $(fp_sha256 "$FIX/origin/dist/$P1")"

	fresh
	sed -i 's/"kernel_version": "1"/"kernel_version": "2"/' "$r/index.json"
	run verify "$r"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "index.json is not validly signed"

	fresh
	sed -i '1s/^./0/' "$r/$DV/x86_64/SHA256SUMS"
	run verify "$r"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $DV/x86_64/SHA256SUMS is not validly signed"

	fresh
	rm "$r/$DV/x86_64/SHA256SUMS.minisig"
	run verify "$r"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $DV/x86_64/SHA256SUMS is not validly signed"

	# Signed by the key, but not this index's: an older publication's SHA256SUMS, say.
	fresh
	sed -i "/ ${P1##*/}\$/d" "$r/$DV/x86_64/SHA256SUMS"
	minisign -S -s "$FIX/key.key" -m "$r/$DV/x86_64/SHA256SUMS" </dev/null >/dev/null
	minisign -V -q -p "$FIX/key.pub" -m "$r/$DV/x86_64/SHA256SUMS"
	run verify "$r"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $DV/x86_64/SHA256SUMS does not say what index.json says about $DV/x86_64"

	fresh
	cp "$r/$P1" "$r/$DV/x86_64/falco_debian_6.6.6-evil_1.o"
	run verify "$r"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $DV/x86_64/falco_debian_6.6.6-evil_1.o is not in index.json"

	fresh
	run verify "$r" "$FIX/other.pub"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "$r/index.json is not validly signed by $FIX/other.pub"
	# Each refusal above is one of its own: the untouched repository passes.
	run verify "$r"
	[ "$status" -eq 0 ]
}

@test "shards: SHARD=i/N partitions the kernels exactly, by path, and stays stable when kernels are added" {
	local d=$BATS_TEST_TMPDIR/sh n i
	probe_paths "$d" >"$BATS_TEST_TMPDIR/all"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/all")" -eq 4 ]
	for n in 1 2 3 5; do
		for i in $(seq 1 "$n"); do probe_paths "$d" SHARD="$i/$n"; done >"$BATS_TEST_TMPDIR/union"
		# Every probe in one shard, none in two.
		[ "$(LC_ALL=C sort "$BATS_TEST_TMPDIR/union")" = "$(cat "$BATS_TEST_TMPDIR/all")" ]
	done
	# Twenty more kernels: every old probe stays in its shard.
	local more=$BATS_TEST_TMPDIR/more.tsv k
	cp "$LISTING" "$more"
	for k in $(seq 10 29); do
		printf '%s\tx86_64\t9.9.%d-1-amd64\t#1 SMP Debian 9.9.%d-1\tusr/src/linux-headers-9.9.%d-1-amd64\tfile:///nonexistent/%d.deb|%064d|1\t-\n' \
			"$FIX/os-release" "$k" "$k" "$k" "$k" "$k"
	done >>"$more"
	for i in 1 2 3; do
		probe_paths "$d" SHARD="$i/3" >"$BATS_TEST_TMPDIR/old.$i"
		LISTING=$more probe_paths "$BATS_TEST_TMPDIR/sh-more" SHARD="$i/3" >"$BATS_TEST_TMPDIR/new.$i"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/new.$i")" -gt 0 ]
		[ "$(LC_ALL=C comm -23 "$BATS_TEST_TMPDIR/old.$i" "$BATS_TEST_TMPDIR/new.$i")" = "" ]
	done
	cat "$BATS_TEST_TMPDIR"/new.* | LC_ALL=C sort >"$BATS_TEST_TMPDIR/union"
	[ "$(LC_ALL=C sort -u "$BATS_TEST_TMPDIR/union" | wc -l)" -eq 24 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/union")" -eq 24 ]
	run fpmake "$d" SHARD=4/3 list-tiny
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'SHARD=4/3: expected i/N'
}

@test "shards: two shards built apart merge into the same repository as one run" {
	local s1=$BATS_TEST_TMPDIR/s1 s2=$BATS_TEST_TMPDIR/s2 m=$BATS_TEST_TMPDIR/merged
	for s in 1 2; do
		eval "dir=\$s$s"
		run fpmake "$dir" SHARD="$s/2" tiny
		[ "$status" -eq 0 ]
		run fpmake "$dir" repo
		[ "$status" -eq 0 ]
	done
	# Disjoint, and together all four.
	[ "$(cat <("$BIN/repo-query" paths "$s1/dist/index.json") <("$BIN/repo-query" paths "$s2/dist/index.json") | sort | uniq -d)" = "" ]
	run fpmake "$m" repo REPO_MERGE="$s1/dist $s2/dist" SIGNING_KEY="$FIX/key.key"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$FIX/origin/dist/index.json" "$m/dist/index.json"
	(cd "$m/dist/$DV/x86_64" && sha256sum --strict -c SHA256SUMS)
	[ "$(wc -l <"$m/build/repo/upload-probes.list")" -eq 4 ]
	run fpmake "$m" verify-repo REPO="$m/dist" SIGNING_PUBKEY="$FIX/key.pub"
	[ "$status" -eq 0 ]
}

@test "probes.html: headless Chromium shows every probe per distribution and kernel, with its hash" {
	local chromium
	chromium=$(command -v chromium || command -v chromium-browser) || {
		echo "chromium is not installed (mk/packages.txt lists it)" >&2
		return 1
	}
	local prof=$BATS_TEST_TMPDIR/profile
	run timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--dump-dom "file://$FIX/origin/dist/index.html"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '<p id="summary">4 probes for 1 distribution\.'
	# The front page names the distribution's page of probes, and lists none itself.
	echo "$output" | grep -q '<a href="coverage/tiny/probes.html">tiny</a> (4)'
	[ "$(echo "$output" | grep -c '<tr data-path=')" -eq 0 ]
	run timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--dump-dom "file://$FIX/origin/dist/coverage/tiny/probes.html"
	[ "$status" -eq 0 ]
	dom=$output
	echo "$dom" | grep -q '<h2 id="tiny">tiny</h2>'
	[ "$(echo "$dom" | grep -c '<tr data-path=')" -eq 4 ]
	local p sha
	while read -r p; do
		sha=$(fp_sha256 "$FIX/origin/dist/$p")
		local release
		release=$(basename "$p" | cut -d_ -f3)
		# One row per probe: its kernel release, a link to it as Falco requests it, its hash.
		echo "$dom" | grep "<tr data-path=\"$p\" " | grep "<td>$release</td>" |
			grep "href=\"../../${p//+/%2B}\"" | grep -q "<td class=\"sha256\">$sha</td>"
		[ -f "$FIX/origin/dist/coverage/tiny/../../$p" ]
	done < <("$BIN/repo-query" paths "$FIX/origin/dist/index.json")
	# Kernels in version order within the distribution.
	[ "$(echo "$dom" | grep -o '<tr data-path="[^"]*"' | cut -d_ -f4)" = "$(printf '9.9.0-%s-amd64\n' 1 2 3 4)" ]
	# And it renders: a screenshot that is not blank.
	run timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--window-size=1200,800 --screenshot="$BATS_TEST_TMPDIR/page.png" "file://$FIX/origin/dist/coverage/tiny/probes.html"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/page.png")" -gt 10000 ]
}

@test "repo-query: reads an index reformatted by another JSON writer; refuses a broken one, naming line and column" {
	/usr/bin/python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=3, sort_keys=True, ensure_ascii=True)' \
		"$FIX/origin/dist/index.json" "$BATS_TEST_TMPDIR/re.json"
	[ "$("$BIN/repo-query" paths "$BATS_TEST_TMPDIR/re.json")" = "$("$BIN/repo-query" paths "$FIX/origin/dist/index.json")" ]
	[ "$("$BIN/repo-query" show "$BATS_TEST_TMPDIR/re.json" "$P1")" = "$(cat "$FIX/origin/build/records/$P1.rec")" ]
	# Truncated.
	head -c 300 "$FIX/origin/dist/index.json" >"$BATS_TEST_TMPDIR/cut.json"
	run "$BIN/repo-query" paths "$BATS_TEST_TMPDIR/cut.json"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "cut.json:[0-9]*:[0-9]*: "
	# A key given twice: which of the two would count is anybody's guess, so neither does.
	sed '0,/"distro": /s//"distro": "other", "distro": /' "$FIX/origin/dist/index.json" >"$BATS_TEST_TMPDIR/twice.json"
	run "$BIN/repo-query" paths "$BATS_TEST_TMPDIR/twice.json"
	[ "$status" -eq 2 ]
	line=$(grep -n '"distro": "other"' "$BATS_TEST_TMPDIR/twice.json" | cut -d: -f1)
	echo "$output" | grep -q "twice.json:$line:[0-9]*: duplicate object key"
	# A path that climbs out of the repository.
	sed '0,/"path": "/s//"path": "..\//' "$FIX/origin/dist/index.json" >"$BATS_TEST_TMPDIR/up.json"
	run "$BIN/repo-query" paths "$BATS_TEST_TMPDIR/up.json"
	[ "$status" -eq 2 ]
	echo "$output" | grep -q "is not a repository path"
	# Missing: 1; broken: 2.
	run "$BIN/repo-query" has "$FIX/origin/dist/index.json" nope.o
	[ "$status" -eq 1 ]
	run "$BIN/repo-query" has "$BATS_TEST_TMPDIR/cut.json" "$P1"
	[ "$status" -eq 2 ]
}

@test "repo-query: falco-probes-index/2's compact coverage is read strictly, naming file and entry; /1 still reads" {
	local o=$FIX/origin/dist/index.json t=$BATS_TEST_TMPDIR n=0 f want
	grep -q '"format": "falco-probes-index/2"' "$o"
	# Each broken copy, and what the refusal must say.
	/usr/bin/python3 - "$o" "$t" <<'EOF'
import copy, json, sys
src, out = sys.argv[1:]
idx = json.load(open(src))
c = idx["coverage"]
assert len(c["kernels"]) == 4 and len(c["requests"]) == 1 and len(c["outputs"]) == 4, c
cases = []
def case(want, edit=None, text=None):
    i = copy.deepcopy(idx)
    if edit:
        edit(i, i["coverage"])
    cases.append((want, text(json.dumps(i)) if text else json.dumps(i, indent=1)))
def setc(i, c, k, v): c[k] = v
case(r'coverage" must be an object', lambda i, c: i.update(coverage=[]))
case(r'coverage: "extra" is no member', lambda i, c: setc(i, c, "extra", 1))
case(r'coverage: "kernel_fields" must be \["distro", "os_release"', lambda i, c: c["kernel_fields"].reverse())
case(r'coverage: "output_fields" must be \["kernel", "request"', lambda i, c: c.pop("output_fields"))
case(r'coverage: "requests" must be an array', lambda i, c: setc(i, c, "requests", {}))
case(r'coverage.kernels\[1\]: a row is an array of 6 fields', lambda i, c: c["kernels"][1].pop())
case(r'coverage.kernels\[0\]: uname_r must be a string', lambda i, c: c["kernels"][0].__setitem__(3, 5))
for bad in (-1, "1765000000", 1.5, 10**18):
    case(r'coverage.kernels\[2\]: first_seen must be null or a whole number', lambda i, c, b=bad: c["kernels"][2].__setitem__(5, b))
def dup_kernel(i, c):
    c["kernels"].append(list(c["kernels"][0]))
    c["outputs"].append([4, 0, "-", "pending", ""])
case(r'coverage.kernels\[4\] repeats coverage.kernels\[0\]', dup_kernel)
def dup_request(i, c):
    c["requests"].append(list(c["requests"][0]))
    c["outputs"][1][1] = 1
case(r'coverage.requests\[1\] repeats coverage.requests\[0\]', dup_request)
for bad in (99, 4, -1, "0", None):
    case(r'coverage.outputs\[3\]: kernel must be the index of a row of coverage.kernels \(4 rows\)', lambda i, c, b=bad: c["outputs"][3].__setitem__(0, b))
case(r'coverage.outputs\[1\]: request must be the index of a row of coverage.requests \(1 rows\)', lambda i, c: c["outputs"][1].__setitem__(1, 1))
case(r'coverage.outputs\[2\]: an output is an array of 5 fields', lambda i, c: c["outputs"][2].pop())
case(r'coverage.outputs\[2\]: an output is an array of 5 fields', lambda i, c: c["outputs"][2].append(""))
case(r'coverage.requests\[0\]: a release must be a name without a comma', lambda i, c: c["requests"][0].__setitem__(2, ["a,b"]))
case(r'coverage.requests\[0\]: a release must be a name without a comma', lambda i, c: c["requests"][0].__setitem__(2, ["a", ""]))
case(r'coverage.requests\[0\]: "releases" must be an array', lambda i, c: c["requests"][0].__setitem__(2, "rel"))
case(r'coverage.outputs\[0\]: no valid releases', lambda i, c: c["requests"][0].__setitem__(2, []))
case(r"coverage.outputs\[1\]: state 'done' is none of built", lambda i, c: c["outputs"][1].__setitem__(3, "done"))
case(r"coverage.outputs\[0\]: '../x.o' is not a repository path", lambda i, c: c["outputs"][0].__setitem__(2, "../x.o"))
case(r'coverage.outputs\[0\]: no valid reason', lambda i, c: c["outputs"][0].__setitem__(4, "a\u0007b"))
case(r'coverage.outputs\[[0-9]\]: no valid distro', lambda i, c: c["kernels"][2].__setitem__(0, ""))
def unnamed(i, c):
    c["kernels"].append(["tiny", "debian-12", "nobody", "1.0", "x86_64", None])
case(r'coverage.kernels\[4\]: no output names it', unnamed)
def unnamed_request(i, c):
    c["requests"].append(["1.0", "kmod", ["r"]])
case(r'coverage.requests\[1\]: no output names it', unnamed_request)
case(r'duplicate object key', text=lambda t: t.replace('"kernels": [', '"kernels": [], "kernels": [', 1))
case(r'"coverage" must be an array', lambda i, c: i.update(format="falco-probes-index/1"))
case(r'"format" is neither "falco-probes-index/2" nor "falco-probes-index/1"', lambda i, c: i.update(format="falco-probes-index/3"))
for n, (want, text) in enumerate(cases):
    open("%s/bad-%d.json" % (out, n), "w").write(text)
    open("%s/bad-%d.want" % (out, n), "w").write(want)
# The same index as /1 wrote it: a coverage object per output.
v1 = copy.deepcopy(idx)
v1["format"] = "falco-probes-index/1"
v1["coverage"] = [dict(zip(c["kernel_fields"], c["kernels"][o[0]])) | dict(zip(c["request_fields"], c["requests"][o[1]]))
                  | dict(zip(c["output_fields"][2:], o[2:])) for o in c["outputs"]]
for o in v1["coverage"]:
    o["first_seen"] = "" if o["first_seen"] is None else str(o["first_seen"])
json.dump(v1, open(out + "/v1.json", "w"), indent=2)
EOF
	for f in "$t"/bad-*.json; do
		want=$(cat "${f%.json}.want")
		run "$BIN/repo-query" paths "$f"
		[ "$status" -eq 2 ] || { echo "$f: read ($status): $output"; return 1; }
		echo "$output" | grep -Eq "$(basename "$f")(:[0-9]+:[0-9]+)?: .*$want" ||
			{ echo "$f: wanted /$want/, said: $output"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 34 ]
	# The unbroken index reads; as /1 wrote it, it says the same, and is written again as the same /2.
	run "$BIN/repo-query" summary "$o" text 1765000000
	[ "$status" -eq 0 ]
	[ "$("$BIN/repo-query" summary "$t/v1.json" text 1765000000)" = "$output" ]
	mkdir -p "$t/again"
	run "$BIN/repo-index" --dist "$t/again" --published "$t/v1.json"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$o" "$t/again/index.json"
}

@test "repo: a boot verification's verdict (PROBE.verified) goes into the index with its probe, a stale one does not" {
	local d=$BATS_TEST_TMPDIR/verdict
	mkdir -p "$d"
	cp -R "$FIX/origin/dist" "$FIX/origin/build" "$d/"
	local p3=$DV/x86_64/falco_debian_9.9.0-3-amd64_1.o
	printf 'result=PASS\nprobe_sha256=%s\nevents_seen=12\n' "$(fp_sha256 "$d/dist/$P1")" >"$d/dist/$P1.verified"
	printf 'result=PASS\nprobe_sha256=%064d\n' 0 >"$d/dist/$p3.verified"
	run fpmake "$d" repo
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "$p3.verified: verifies another build of $p3; left out"
	/usr/bin/python3 - "$d/dist/index.json" "$P1" <<'PY'
import json, sys
probes = {p["path"]: p for p in json.load(open(sys.argv[1]))["probes"]}
assert probes[sys.argv[2]]["verified"] == {"events_seen": "12", "probe_sha256": probes[sys.argv[2]]["sha256"], "result": "PASS"}
assert sum("verified" in p for p in probes.values()) == 1
PY
	grep "<tr data-path=\"$P1\" " "$d/dist/coverage/tiny/probes.html" | grep -q '<td>PASS</td></tr>'
	# The verdicts are not probes: SHA256SUMS names the four probes only.
	[ "$(wc -l <"$d/dist/$DV/x86_64/SHA256SUMS")" -eq 4 ]
}
