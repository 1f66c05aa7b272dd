#!/usr/bin/env bats
# .github/workflows/probes.yml cannot run here: it is linted (yamllint, from Debian), its
# structure is checked (python3-yaml, which yamllint brings), and every make command in it is
# run as written under `make -n` against a served tiny repository, with the tiny listing
# distribution standing in for the matrix's distribution.

WF=.github/workflows/probes.yml

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	export PY=/usr/bin/python3
	# shellcheck source=lib/tinyrepo.bash
	source "$TOP/tests/lib/tinyrepo.bash"
	tinyrepo_setup "$FIX" 9.9.0-1 9.9.0-2
	minisign -G -W -p "$FIX/key.pub" -s "$FIX/key.key" </dev/null >/dev/null
	fpmake "$FIX/origin" tiny >"$FIX/origin.log" 2>&1 &&
		fpmake "$FIX/origin" repo SIGNING_KEY="$FIX/key.key" >>"$FIX/origin.log" 2>&1 ||
		{ cat "$FIX/origin.log" >&3; return 1; }
	# Every make command of the workflow: job, step and command, tab-separated.
	"$PY" - "$TOP/$WF" >"$FIX/commands" <<'EOF'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
for job, spec in wf["jobs"].items():
    for step in spec.get("steps", []):
        for line in step.get("run", "").splitlines():
            line = line.strip()
            if line.startswith("make ") or "$(make " in line:
                print("%s\t%s\t%s" % (job, step.get("name", ""), line))
EOF
}

setup() {
	load lib/common
	load lib/tinyrepo
}

teardown() {
	fp_http_stop_all
}

yamllint_config='{extends: default, rules: {line-length: {max: 200}, truthy: {check-keys: false}, document-start: disable}}'

@test "workflow: yamllint (strict) finds nothing in it, and does find a broken copy" {
	run yamllint -s -d "$yamllint_config" "$TOP/$WF"
	echo "$output"
	[ "$status" -eq 0 ]
	# The linter is live: a duplicated key and a tab are reported.
	sed 's/^  plan:$/  plan:\n    runs-on: x\n    runs-on: y/' "$TOP/$WF" >"$BATS_TEST_TMPDIR/bad.yml"
	run yamllint -s -d "$yamllint_config" "$BATS_TEST_TMPDIR/bad.yml"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'duplication of key "runs-on"'
}

@test "workflow: nightly and on demand; a matrix from make; cached packages; REPO; signing; new probes only; merged index" {
	"$PY" - "$TOP/$WF" <<'EOF'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
on = wf[True] if True in wf else wf["on"]       # YAML 1.1 reads the key `on` as true
assert on["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"], on["schedule"]   # nightly
assert "workflow_dispatch" in on
plan, build, publish = wf["jobs"]["plan"], wf["jobs"]["build"], wf["jobs"]["publish"]
run = lambda job: "\n".join(s.get("run", "") for s in job["steps"])
uses = lambda job: [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
assert "make -s matrix-json" in run(plan)
assert build["needs"] == "plan"
assert build["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
assert build["strategy"]["fail-fast"] is False
assert build["env"]["DISTRO"] == "${{ matrix.distro }}" and build["env"]["SHARD"] == "${{ matrix.shard }}"
assert wf["env"]["REPO"] == "${{ vars.PROBES_REPO_URL }}"
for job in (build, publish):
    assert "grep -v '^#' mk/packages.txt | xargs apt-get install" in run(job)
# The build job makes and enters compiler roots: its container may make namespaces.
assert build["container"] == {"image": "debian:12", "options": "--privileged"}, build["container"]
assert publish["container"] == "debian:12"
cache = [s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@")]
assert len(cache) == 1 and cache[0]["with"]["path"] == "cache/packages", cache
assert "matrix.distro" in cache[0]["with"]["key"] and "restore-keys" in cache[0]["with"]
# The cache comes back before the build.
names = [s.get("uses", s.get("run", "")) for s in build["steps"]]
assert names.index(cache[0]["uses"]) < [i for i, n in enumerate(names) if 'SHARD="$SHARD"' in n][0]
assert 'REPO="$REPO" SHARD="$SHARD" "$DISTRO"' in run(build)
assert "actions/upload-artifact" in uses(build)
assert set(publish["needs"]) == {"plan", "build"}
assert "actions/download-artifact" in uses(publish)
p = run(publish)
assert "REPO_MERGE=" in p and "SIGNING_KEY=" in p and "SIGNING_PUBKEY=" in p and " repo" in p
assert "secrets.MINISIGN_KEY" in str(publish)
assert "--ignore-existing --files-from build/repo/upload-probes.list" in p
assert "--files-from build/repo/upload-index.list" in p
assert p.index("upload-probes.list") < p.index("upload-index.list")    # probes before the index
assert "make verify-repo" in p
# The merged index's coverage matrix reaches the job summary, after the merge.
assert 'make -s summary SUMMARY_FORMAT=markdown >> "$GITHUB_STEP_SUMMARY"' in p
assert p.index(" repo\n") < p.index("make -s summary")
EOF
}

@test "workflow: the plan job's command gives one matrix entry per distribution and shard" {
	line=$(awk -F'\t' '$1 == "plan" { print $3 }' "$FIX/commands")
	[ -n "$line" ]
	export GITHUB_OUTPUT=$BATS_TEST_TMPDIR/output
	(cd "$TOP" && debian_SHARDS=3 eval "$line")
	json=$(sed -n 's/^matrix=//p' "$GITHUB_OUTPUT")
	"$PY" - "$json" "$TOP" <<'EOF'
import glob, json, re, sys
m = json.loads(sys.argv[1])["include"]
# Every distribution (distros/toolchains.mk is no distribution: the compilers' roots).
found = [re.search(r"^DISTROS \+= (\S+)", open(f).read(), re.M) for f in glob.glob(sys.argv[2] + "/distros/*.mk")]
distros = sorted(m.group(1) for m in found if m)
assert len(distros) >= 10, distros
assert sorted({e["distro"] for e in m}) == distros, (m, distros)
assert sorted(e["shard"] for e in m if e["distro"] == "debian") == ["1/3", "2/3", "3/3"], m
assert all(e["shard"] == "1/1" for e in m if e["distro"] != "debian"), m
EOF
}

@test "workflow: every make command in it runs as written under make -n" {
	local out=$BATS_TEST_TMPDIR/ci
	mkdir -p "$out"
	fp_http_start "$FIX/origin/dist"
	export REPO=$FP_HTTP_URL DISTRO=tiny SHARD=1/1 RUNNER_TEMP=$out GITHUB_OUTPUT=$out/output GITHUB_STEP_SUMMARY=$out/summary.md
	cp "$FIX/key.key" "$out/minisign.key"
	cp "$FIX/key.pub" "$out/minisign.pub"
	tinyrepo_env "$out"
	n=0
	while IFS=$'\t' read -r job step line; do
		# What runs is what the file says: no ${{ }} expression inside a make command.
		[[ $line != *'${{'* ]]
		line=${line/make /make -n }
		echo "# $job: $step: $line"
		(cd "$TOP" && eval "$line") >"$out/dry.log" 2>&1 || { cat "$out/dry.log"; return 1; }
		n=$((n + 1))
	done <"$FIX/commands"
	# plan, build, index, merge and sign, summary, check.
	[ "$n" -eq 6 ]
}

@test "workflow: its summary step appends the coverage matrix, as markdown, to the job summary" {
	local out=$BATS_TEST_TMPDIR/ci
	mkdir -p "$out"
	export GITHUB_STEP_SUMMARY=$out/summary.md
	echo '# earlier steps' >"$GITHUB_STEP_SUMMARY"
	tinyrepo_env "$out"
	export DIST=$FIX/origin/dist
	line=$(awk -F'\t' '$1 == "publish" && $3 ~ /summary/ { print $3 }' "$FIX/commands")
	[ -n "$line" ]
	(cd "$TOP" && eval "$line")
	cat "$GITHUB_STEP_SUMMARY"
	[ "$(head -n 1 "$GITHUB_STEP_SUMMARY")" = '# earlier steps' ]
	grep -qx '| distribution | release | Falco custom bpf |' "$GITHUB_STEP_SUMMARY"
	grep -qx '| tiny | os-release | 2/2 |' "$GITHUB_STEP_SUMMARY"
}

@test "workflow: its build step plans exactly the probes the served repository lacks" {
	local pub=$BATS_TEST_TMPDIR/pub out=$BATS_TEST_TMPDIR/ci
	mkdir -p "$pub" "$out"
	cp -R "$FIX/origin/dist" "$FIX/origin/build" "$pub/"
	missing=9.9.9+test/x86_64/falco_debian_9.9.0-2-amd64_1.o
	rm "$pub/dist/$missing"
	fpmake "$pub" repo >/dev/null
	fp_http_start "$pub/dist"
	export REPO=$FP_HTTP_URL DISTRO=tiny SHARD=1/1
	tinyrepo_env "$out"
	line=$(awk -F'\t' '$1 == "build" && $3 ~ /SHARD=/ { print $3 }' "$FIX/commands")
	[ -n "$line" ]
	run bash -c "cd '$TOP' && ${line/make /make -n }"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'build-output.sh ')" -eq 1 ]
	echo "$output" | grep 'build-output.sh ' | grep -q "$out/dist/$missing "
	# Served in full, nothing is planned.
	fp_http_stop
	fp_http_start "$FIX/origin/dist"
	export REPO=$FP_HTTP_URL
	run bash -c "cd '$TOP' && ${line/make /make -n }"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'build-output.sh ')" -eq 0 ]
}

@test "workflow: its merge step, run as written on the shards' artifacts, signs one index of the published and the new probes" {
	local out=$BATS_TEST_TMPDIR/ci tree=$BATS_TEST_TMPDIR/tree new s
	mkdir -p "$out" "$BATS_TEST_TMPDIR/debs"
	# Tonight's listing: the two published kernels and a new one.
	# shellcheck disable=SC2046
	listing_line "$FIX/os-release" 9.9.0-3 $(tinykernel_debs "$BATS_TEST_TMPDIR/debs" 9.9.0-3 amd64 9.9.0-3) \
		>"$BATS_TEST_TMPDIR/new.tsv"
	cat "$FIX/listing.tsv" "$BATS_TEST_TMPDIR/new.tsv" >"$BATS_TEST_TMPDIR/tonight.tsv"
	export LISTING=$BATS_TEST_TMPDIR/tonight.tsv
	new=9.9.9+test/x86_64/falco_debian_9.9.0-3-amd64_1.o
	old1=9.9.9+test/x86_64/falco_debian_9.9.0-1-amd64_1.o old2=9.9.9+test/x86_64/falco_debian_9.9.0-2-amd64_1.o
	fp_http_start "$FIX/origin/dist"
	# The build job: two shards against the published repository, each indexed; its artifact is
	# its dist/, downloaded by the publish job as shards/probes-<distro>-<index>/.
	for s in 1 2; do
		run fpmake "$BATS_TEST_TMPDIR/shard$s" -k REPO="$FP_HTTP_URL" SHARD="$s/2" tiny
		echo "$output"
		[ "$status" -eq 0 ]
		run fpmake "$BATS_TEST_TMPDIR/shard$s" repo
		[ "$status" -eq 0 ]
		mkdir -p "$tree/shards"
		cp -R "$BATS_TEST_TMPDIR/shard$s/dist" "$tree/shards/probes-tiny-$s"
	done
	# The new probe was built by exactly one shard.
	[ "$(find "$tree/shards" -name 'falco_*.o' | wc -l)" -eq 1 ]
	# The publish job's checkout: the project's files, and shards/ beside them.
	for f in Makefile mk tools distros; do
		ln -s "$TOP/$f" "$tree/$f"
	done
	tinyrepo_env "$out"
	export REPO=$FP_HTTP_URL RUNNER_TEMP=$out
	cp "$FIX/key.key" "$out/minisign.key"
	cp "$FIX/key.pub" "$out/minisign.pub"
	line=$(awk -F'\t' '$1 == "publish" && $3 ~ /REPO_MERGE=/ { print $3 }' "$FIX/commands")
	[ -n "$line" ]
	run bash -c "cd '$tree' && mkdir -p shards && $line"
	echo "$output"
	[ "$status" -eq 0 ]
	# One index of all three probes, signed by the key, and only the new probe to upload.
	run "$BIN/repo-query" paths "$out/dist/index.json"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "$old1" "$old2" "$new" | LC_ALL=C sort)" ]
	minisign -V -q -p "$FIX/key.pub" -m "$out/dist/index.json"
	[ "$(cat "$out/build/repo/upload-probes.list")" = "$new" ]
	cmp "$out/dist/$new" "$(find "$tree/shards" -name 'falco_*.o')"
	# The index's entry for it is the shard's, with the hash of its bytes.
	run "$BIN/repo-query" show "$out/dist/index.json" "$new"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx "sha256=$(fp_sha256 "$out/dist/$new")"
}

@test "workflow: its build step in a container that may not make namespaces warns first, builds what needs no root, records nothing" {
	local out=$BATS_TEST_TMPDIR/ci
	mkdir -p "$out" "$BATS_TEST_TMPDIR/debs"
	# A kernel of this host's gcc-12 and one of a gcc-14 only a root has, for a driver with both kinds.
	{
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-1 $(tinykernel_debs "$BATS_TEST_TMPDIR/debs" 9.9.0-1 amd64 9.9.0-1)
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-5 $(TINY_CC_TEXT="gcc-14 (Debian 14.2.0-19) 14.2.0" \
			tinykernel_debs "$BATS_TEST_TMPDIR/debs" 9.9.0-5 amd64 9.9.0-5)
	} >"$BATS_TEST_TMPDIR/listing.tsv"
	export LISTING=$BATS_TEST_TMPDIR/listing.tsv
	tinyrepo_env "$out"
	export DRIVER_SOURCE=$TOP/tests/fixtures/tiny-kmod-driver REPO_INIT=1 REPO=$BATS_TEST_TMPDIR/empty DISTRO=tiny SHARD=1/1
	mkdir -p "$REPO"
	line=$(awk -F'\t' '$1 == "build" && $3 ~ /SHARD=/ { print $3 }' "$FIX/commands")
	[ -n "$line" ]
	# The container of a GitHub-hosted job without options: no CAP_SYS_ADMIN, no user namespaces.
	run bwrap --dev-bind / / --unshare-user --uid 0 --gid 0 --disable-userns --cap-drop CAP_SYS_ADMIN -- \
		bash -c "cd '$TOP' && $line"
	echo "$output"
	[ "$status" -ne 0 ]
	# Said once, before the first kernel's tree, with the remedy.
	[ "$(echo "$output" | grep -c 'WARN    this host cannot make user namespaces')" -eq 1 ]
	[ "$(echo "$output" | grep -n 'WARN    this host cannot' | cut -d: -f1)" -lt "$(echo "$output" | grep -n '^  TREE ' | head -n 1 | cut -d: -f1)" ]
	echo "$output" | grep 'WARN    this host cannot' | grep -q 'README: Kernel modules and their compilers'
	# Both probes and the gcc-12 module built; the gcc-14 module a fault, and nothing recorded.
	[ "$(find "$out/dist" -name 'falco_*' | wc -l)" -eq 3 ]
	echo "$output" | grep -qx 'tiny: 4 outputs: 3 built, 0 up to date, 1 failed (1 fault: tried again next run)'
	echo "$output" | grep -q "^  fault:  $out/dist/9.9.9+kmod/x86_64/falco_debian_9.9.0-5-amd64_1.ko: .*cannot make user namespaces"
	[ -z "$(find "$out/build/verdicts" -type f ! -name .changed 2>/dev/null)" ]
}
