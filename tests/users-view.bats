#!/usr/bin/env bats
# The repository as its users read it: index.html's coverage matrix and time to driver, the
# pages of each release's kernels (coverage/<d>/<os-release>.html) with their outputs'
# verification or the reason they are missing, and the uname -r search (rendered by headless
# Chromium); index.json's "coverage"; make summary; make lookup. At fleet scale too: a synthetic
# repository of 204,000 outputs (lib/fleetrepo.bash), its pages loaded and timed.
#
# Hermetic: a test repository built by the real pipeline from tiny kernels (lib/tinyrepo.bash)
# for two listing distributions (tiny: Debian 12; tiny2: Debian 13) and two releases of the tiny
# driver (DRIVER_RELEASE rel-a, driver 9.9.9+test; rel-b, 9.9.8+test), built apart and merged as
# shards are. It holds built, verified (a PASS and a FAIL), failed (a kernel the driver does not
# compile for; a package the mirror has lost) and unservable (a name two kernels ask for) outputs.
# The pages' screenshots, and the fleet's sizes and load times (fleet.txt), are kept in
# $FP_ARTIFACTS (default build/test-artifacts/users-view/ in the project).

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	export ART=${FP_ARTIFACTS:-$TOP/build/test-artifacts/users-view}
	# shellcheck source=lib/tinyrepo.bash
	source "$TOP/tests/lib/tinyrepo.bash"
	mkdir -p "$FIX/debs" "$FIX/osrel" "$ART"
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n' >"$FIX/osrel/debian-12"
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="13"\n' >"$FIX/osrel/debian-13"
	# shellcheck disable=SC2046
	{
		listing_line "$FIX/osrel/debian-12" 9.9.0-1 $(tinykernel_debs "$FIX/debs" 9.9.0-1 amd64 9.9.0-1)
		listing_line "$FIX/osrel/debian-12" 9.9.0-2 $(tinykernel_debs "$FIX/debs" 9.9.0-2 amd64 9.9.0-2)
		listing_line "$FIX/osrel/debian-12" 9.9.0-3 $(TINY_UTS_EXTRA='#error "this kernel breaks the tiny driver"' \
			tinykernel_debs "$FIX/debs" 9.9.0-3 amd64 9.9.0-3)
		listing_line "$FIX/osrel/debian-12" 9.9.0-5 $(tinykernel_debs "$FIX/debs" 9.9.0-5 amd64 9.9.0-5)
	} >"$FIX/tiny.tsv"
	# The mirror lost one of 9.9.0-5's packages after it was listed.
	rm "$FIX/debs/linux-headers-9.9.0-5-amd64_9.9.0-5_amd64.deb"
	# shellcheck disable=SC2046
	{
		listing_line "$FIX/osrel/debian-13" 9.9.1-1 $(tinykernel_debs "$FIX/debs" 9.9.1-1 amd64 9.9.1-1)
		# A backport build of the same name: the name is the other kernel's, so unservable here.
		listing_line "$FIX/osrel/debian-13" 9.9.1-1 $(tinykernel_debs "$FIX/debs" 9.9.1-1 amd64 9.9.1-1) |
			sed 's/#1 SMP PREEMPT_DYNAMIC Debian 9.9.1-1 /#1 SMP PREEMPT_DYNAMIC Debian 9.9.1-1~bpo12+1 /'
	} >"$FIX/tiny2.tsv"
	cp -R "$TOP/tests/fixtures/tiny-driver" "$FIX/driver-b"
	sed -i 's/9.9.9+test/9.9.8+test/' "$FIX/driver-b/driver_config.h"
	export A=$FIX/a B=$FIX/b
	export DVA=9.9.9+test DVB=9.9.8+test
	export PASS_A=$DVA/x86_64/falco_debian_9.9.0-2-amd64_1.o FAIL_A=$DVA/x86_64/falco_debian_9.9.0-1-amd64_1.o
	# Two runs a day apart (RUN_TIME: when each first listed the kernels).
	umake "$A" -k tiny tiny2 DRIVER_RELEASE=rel-a RUN_TIME=1765000000 >"$FIX/a.log" 2>&1 || true
	# Boot verdicts, as mk/verify-output.sh leaves them beside their probes.
	printf 'result=PASS\nprobe_sha256=%s\n' "$(sha256sum "$A/dist/$PASS_A" | cut -d' ' -f1)" >"$A/dist/$PASS_A.verified"
	printf 'result=FAIL\nprobe_sha256=%s\n' "$(sha256sum "$A/dist/$FAIL_A" | cut -d' ' -f1)" >"$A/dist/$FAIL_A.verified"
	umake "$A" repo DRIVER_RELEASE=rel-a >>"$FIX/a.log" 2>&1 || { cat "$FIX/a.log" >&3; return 1; }
	umake "$B" -k tiny tiny2 DRIVER_SOURCE="$FIX/driver-b" DRIVER_RELEASE=rel-b RUN_TIME=1765086400 >"$FIX/b.log" 2>&1 || true
	umake "$B" repo DRIVER_SOURCE="$FIX/driver-b" DRIVER_RELEASE=rel-b REPO_MERGE="$A/dist" >>"$FIX/b.log" 2>&1 ||
		{ cat "$FIX/b.log" >&3; return 1; }
}

# make with both distributions; DRIVER_SOURCE defaults to the tiny driver.
umake() {
	FP_BIN=$BIN fp_make "$1" DISTROS='tiny tiny2' tiny_FAMILY=listing tiny_LISTING="$FIX/tiny.tsv" \
		tiny2_FAMILY=listing tiny2_LISTING="$FIX/tiny2.tsv" tiny_NAMES='falco_debian_%' tiny2_NAMES='falco_debian_%' \
		tiny_FIXUP=mk/fixup-debian.sh tiny2_FIXUP=mk/fixup-debian.sh DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "${@:2}"
}

setup() {
	load lib/common
}

teardown() {
	fp_http_stop_all
}

chromium_bin() {
	command -v chromium || command -v chromium-browser || {
		echo "chromium is not installed (mk/packages.txt lists it)" >&2
		return 1
	}
}

# pageload [--wait JS] [--dom FILE] [--screenshot FILE] URL: the page in headless Chromium, timed
# by the page's own clock (lib/pageload.py prints load_ms and ready_ms as JSON); --wait for what
# a script fills in later (a search loads its index first).
pageload() {
	"$FP_PYTHON" "$TOP/tests/lib/pageload.py" "$@"
}

# A search's answer is there (not "Looking for ...", not "Loading ...").
searched="(function (t) { return t !== '' && t.indexOf('\\u2026') < 0; })(document.getElementById('search-result').textContent)"

# chrome ARGS... URL: headless, offline, its own profile.
chrome() {
	local c
	c=$(chromium_bin) || return 1
	timeout 120 "$c" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$BATS_TEST_TMPDIR/profile" \
		--virtual-time-budget=2000 "$@"
}

@test "users-view: index.json's coverage has every output of both releases, with each missing one's reason" {
	run "$BIN/repo-query" paths "$B/dist/index.json"
	[ "$status" -eq 0 ]
	# 2 + 1 built per release: the probes, as before.
	[ "$(echo "$output" | wc -l)" -eq 6 ]
	/usr/bin/python3 - "$B/dist/index.json" <<'EOF'
import json, sys
idx = json.load(open(sys.argv[1]))
assert idx["format"] == "falco-probes-index/2", idx["format"]
# The compact form: a kernel once, a request once, an output per row naming both.
c = idx["coverage"]
assert c["kernel_fields"] == ["distro", "os_release", "kernel", "uname_r", "arch", "first_seen"], c
assert c["request_fields"] == ["driver_version", "kind", "releases"], c
assert c["output_fields"] == ["kernel", "request", "path", "state", "reason"], c
cov = [dict(zip(c["kernel_fields"], c["kernels"][o[0]])) | dict(zip(c["request_fields"], c["requests"][o[1]]))
       | dict(zip(c["output_fields"][2:], o[2:])) for o in c["outputs"]]
assert len(c["kernels"]) == 6 and len(c["requests"]) == 2, (c["kernels"], c["requests"])
assert all(isinstance(k[5], int) for k in c["kernels"]), c["kernels"]
by = {}
for o in cov:
    by.setdefault((o["releases"][0], o["uname_r"], o["kernel"]), o)
assert len(cov) == 12, [(o["releases"], o["kernel"], o["state"]) for o in cov]
for rel, dv in (("rel-a", "9.9.9+test"), ("rel-b", "9.9.8+test")):
    ok = by[(rel, "9.9.0-1-amd64", "debian-12_9.9.0-1-amd64")]
    assert ok["state"] == "built" and ok["reason"] == "" and ok["driver_version"] == dv, ok
    assert ok["distro"] == "tiny" and ok["os_release"] == "debian-12" and ok["arch"] == "x86_64", ok
    assert ok["path"] in [p["path"] for p in idx["probes"]], ok
    bad = by[(rel, "9.9.0-3-amd64", "debian-12_9.9.0-3-amd64")]
    assert bad["state"] == "failed" and "kbuild failed" in bad["reason"], bad
    assert "this kernel breaks the tiny driver" in bad["reason"], bad
    # A package the mirror lost is no verdict: a fault, tried again by the next run.
    lost = by[(rel, "9.9.0-5-amd64", "debian-12_9.9.0-5-amd64")]
    assert lost["state"] == "fault" and "linux-headers-9.9.0-5-amd64_9.9.0-5_amd64.deb" in lost["reason"], lost
    dup = by[(rel, "9.9.1-1-amd64", "debian-13_9.9.1-1-amd64~2")]
    assert dup["state"] == "unservable" and dup["distro"] == "tiny2", dup
    assert "9.9.1-1" in dup["reason"], dup
    assert by[(rel, "9.9.1-1-amd64", "debian-13_9.9.1-1-amd64")]["state"] == "built"
assert {o["state"] for o in cov} == {"built", "failed", "fault", "unservable"}
EOF
}

@test "users-view: headless Chromium shows the matrix, a failure's reason, and the search finding a kernel" {
	local page=$B/dist/index.html rel=$B/dist/coverage/tiny/debian-12.html
	run chrome --dump-dom "file://$page"
	[ "$status" -eq 0 ]
	dom=$output
	# One row per distribution and release, one column per release and kind.
	[ "$(echo "$dom" | grep -c '<tr data-row=')" -eq 2 ]
	echo "$dom" | grep -q '<th data-col="rel-a bpf">Falco rel-a<br>bpf</th>'
	echo "$dom" | grep -q '<th data-col="rel-b bpf">Falco rel-b<br>bpf</th>'
	row12=$(echo "$dom" | grep '<tr data-row="tiny debian-12">')
	# Debian 12 under rel-a: 2 of 4 built, 1 verified, 1 failed, 1 fault; coloured and linked to its kernels' page.
	echo "$row12" | grep -q '<th><a href="coverage/tiny/debian-12.html">debian-12</a></th>'
	echo "$row12" | grep -q '<td class="cell most" data-col="rel-a bpf"><a href="coverage/tiny/debian-12.html"><span class="built">2/4 built</span><br><span class="verified">1 verified</span><br><span class="failed">1 failed</span><br><span class="fault">1 fault</span></a></td>'
	echo "$row12" | grep -q '<td class="cell most" data-col="rel-b bpf"><a href="coverage/tiny/debian-12.html"><span class="built">2/4 built</span><br><span class="failed">1 failed</span><br><span class="fault">1 fault</span></a></td>'
	echo "$dom" | grep '<tr data-row="tiny2 debian-13">' | grep -q '<span class="built">1/2 built</span><br><span class="unservable">1 unservable</span>'
	# No kernel's row is on the front page: they are on the page of their release.
	[ "$(echo "$dom" | grep -c 'data-uname-r=')" -eq 0 ]
	# Time to driver, as make summary says it, aged to the run: the kernel links to its outputs.
	echo "$dom" | grep -q '<tr data-distro="tiny"><td>tiny</td><td><a href="coverage/tiny/debian-12.html#q=9.9.0-5-amd64">9.9.0-5-amd64</a></td><td>debian-12</td><td>2025-12-06</td><td>[0-9]* d [0-9]* h</td><td>0 pending, 0 failed, 2 fault (2 kernels waiting)</td></tr>'
	echo "$dom" | grep -q '<tr data-distro="tiny2"><td>tiny2</td><td colspan="5">none: every listed kernel has its drivers</td></tr>'
	# The probes, per distribution, on pages of their own.
	echo "$dom" | grep -q '<p id="summary">6 probes for 2 distributions\.'
	echo "$dom" | grep -q '<a href="coverage/tiny/probes.html">tiny</a> (4), <a href="coverage/tiny2/probes.html">tiny2</a> (2)'
	# Unsigned: no signature is linked; the checksums of each directory are.
	[ "$(echo "$dom" | grep -c 'minisig')" -eq 0 ]
	echo "$dom" | grep -q "<a href=\"9.9.9%2Btest/x86_64/SHA256SUMS\">9.9.9+test/x86_64/SHA256SUMS</a>"
	echo "$dom" | grep -Eq '<p id="run">Run of <time datetime="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z">'
	mkdir -p "$ART"
	run chrome --window-size=1400,1000 --screenshot="$ART/index.png" "file://$page"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$ART/index.png")" -gt 20000 ]

	# The release's page: a row per kernel, a state per release and kind (V: built, boot check
	# PASS; X: FAIL; B: built; F: failed; T: fault).
	run chrome --dump-dom "file://$rel"
	[ "$status" -eq 0 ]
	dom=$output
	[ "$(echo "$dom" | grep -c '<tr data-uname-r=')" -eq 4 ]
	echo "$dom" | grep -q '<th data-col="rel-a bpf">rel-a bpf</th><th data-col="rel-b bpf">rel-b bpf</th></tr>'
	echo "$dom" | grep -q '<tr data-uname-r="9.9.0-1-amd64" data-kernel="debian-12_9.9.0-1-amd64"><th><a href="#q=9.9.0-1-amd64">9.9.0-1-amd64</a></th><td>2025-12-06</td><td class="x">X</td><td class="b">B</td></tr>'
	echo "$dom" | grep -q '<tr data-uname-r="9.9.0-2-amd64" .*<td class="v">V</td><td class="b">B</td></tr>'
	echo "$dom" | grep -q '<tr data-uname-r="9.9.0-3-amd64" .*<td class="f">F</td><td class="f">F</td></tr>'
	echo "$dom" | grep -q '<tr data-uname-r="9.9.0-5-amd64" .*<td class="t">T</td><td class="t">T</td></tr>'
	# Without a search every row shows, and no output.
	[ "$(echo "$dom" | grep -c '<tr data-uname-r=[^>]*hidden')" -eq 0 ]
	[ "$(echo "$dom" | grep -c '<tr class="output')" -eq 0 ]

	# The search, as a link names it (#q=), on the front page: the names' index is loaded then.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/q.html" --screenshot "$ART/search.png" "file://$page#q=9.9.0-3-amd64"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '<p id="search-result">9.9.0-3-amd64: 2 outputs: 2 failed</p>' "$BATS_TEST_TMPDIR/q.html"
	grep -q '<ul id="search-hits"><li><a href="coverage/tiny/debian-12.html#q=9.9.0-3-amd64">9.9.0-3-amd64</a> (tiny debian-12, kernel debian-12_9.9.0-3-amd64): 2 failed</li></ul>' "$BATS_TEST_TMPDIR/q.html"
	grep -q '<script src="coverage/search.js">' "$BATS_TEST_TMPDIR/q.html"
	# Where that link leads: the kernel's outputs, each failure with its reason, the others hidden.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/k.html" --screenshot "$ART/kernel.png" "file://$rel#q=9.9.0-3-amd64"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '<p id="search-result">9.9.0-3-amd64: 2 outputs: 2 failed</p>' "$BATS_TEST_TMPDIR/k.html"
	[ "$(grep -o '<tr class="output failed" data-uname-r="9.9.0-3-amd64"><td>rel-[ab]</td><td>bpf</td><td class="state">failed</td><td class="verified"></td><td class="reason">kbuild failed: [^<]*this kernel breaks the tiny driver' "$BATS_TEST_TMPDIR/k.html" | wc -l)" -eq 2 ]
	grep '<tr data-uname-r="9.9.0-1-amd64"' "$BATS_TEST_TMPDIR/k.html" | grep -q 'hidden'
	grep '<tr data-uname-r="9.9.0-3-amd64"' "$BATS_TEST_TMPDIR/k.html" | grep -q 'class="hit"'
	# A built output: linked as Falco requests it, with its boot check.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/k2.html" "file://$rel#q=9.9.0-2-amd64"
	[ "$status" -eq 0 ]
	grep -q '<tr class="output built" data-uname-r="9.9.0-2-amd64"><td>rel-a</td><td>bpf</td><td class="state">built</td><td class="verified">PASS</td><td class="reason"></td><td>9.9.9+test</td><td class="path"><a href="../../9.9.9%2Btest/x86_64/falco_debian_9.9.0-2-amd64_1.o">9.9.9+test/x86_64/falco_debian_9.9.0-2-amd64_1.o</a></td></tr>' "$BATS_TEST_TMPDIR/k2.html"
	# ?q= too, two kernels of one name; a kernel the repository does not know is said to be unknown.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/q2.html" "file://$page?q=9.9.1-1-amd64"
	[ "$status" -eq 0 ]
	grep -q '<p id="search-result">9.9.1-1-amd64: 4 outputs: 2 built, 2 unservable</p>' "$BATS_TEST_TMPDIR/q2.html"
	[ "$(grep -o '<li><a href="coverage/tiny2/debian-13.html#q=9.9.1-1-amd64">' "$BATS_TEST_TMPDIR/q2.html" | wc -l)" -eq 2 ]
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/q3.html" "file://$page#q=5.10.0-99-amd64"
	[ "$status" -eq 0 ]
	grep -q '<p id="search-result">No kernel 5.10.0-99-amd64 in this repository.</p>' "$BATS_TEST_TMPDIR/q3.html"
}

@test "users-view: a signed repository's page links its signatures; the same inputs give the same page" {
	local d=$BATS_TEST_TMPDIR/signed
	mkdir -p "$d"
	cp -R "$B/dist" "$B/build" "$B/kernels" "$d/"
	minisign -G -W -p "$d/key.pub" -s "$d/key.key" </dev/null >/dev/null
	run umake "$d" repo DRIVER_SOURCE="$FIX/driver-b" DRIVER_RELEASE=rel-b REPO_MERGE="$A/dist" SIGNING_KEY="$d/key.key"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '<a href="index.json.minisig">index.json.minisig</a>' "$d/dist/index.html"
	[ -f "$d/dist/index.json.minisig" ]
	grep -q '<a href="9.9.8%2Btest/x86_64/SHA256SUMS.minisig">signature</a>' "$d/dist/index.html"
	[ -f "$d/dist/9.9.8+test/x86_64/SHA256SUMS.minisig" ]
	# The pages are uploaded with the index; signed are only the index and the checksums, which
	# say what the probes are: a page shows what index.json says.
	local list=$d/build/repo/upload-index.list
	for f in coverage/search.js coverage/tiny/debian-12.html coverage/tiny/debian-12/0.js coverage/tiny/probes.html \
		coverage/tiny2/debian-13.html coverage/tiny2/probes.html index.json index.json.minisig index.html; do
		grep -qx "$f" "$list"
		[ -f "$d/dist/$f" ]
	done
	[ "$(grep -c '^coverage/' "$list")" -eq "$(cd "$d/dist" && find coverage -type f | wc -l)" ]
	! grep -q -e '^coverage/.*minisig' -e '^index.html.minisig' "$list" || false
	[ ! -e "$d/dist/index.html.minisig" ]
	[ ! -e "$d/dist/coverage/search.js.minisig" ]
	# The merged coverage (rel-a's, from the merged index) stays when the index is made again.
	grep -q '\["9.9.9+test", "bpf", \["rel-a"\]\]' "$d/dist/index.json"
	cp -R "$d/dist" "$BATS_TEST_TMPDIR/before"
	run umake "$d" repo DRIVER_SOURCE="$FIX/driver-b" DRIVER_RELEASE=rel-b REPO_MERGE="$A/dist" SIGNING_KEY="$d/key.key"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/before/index.html" "$d/dist/index.html"
	diff -r "$BATS_TEST_TMPDIR/before/coverage" "$d/dist/coverage"
	# A page whose os-release is gone goes with it; what links to it does too.
	mkdir -p "$d/dist/coverage/tiny/gone"
	touch "$d/dist/coverage/tiny/gone.html" "$d/dist/coverage/tiny/gone/0.js" "$d/dist/coverage/keep.txt"
	run umake "$d" repo DRIVER_SOURCE="$FIX/driver-b" DRIVER_RELEASE=rel-b REPO_MERGE="$A/dist" SIGNING_KEY="$d/key.key"
	[ "$status" -eq 0 ]
	[ ! -e "$d/dist/coverage/tiny/gone.html" ]
	[ ! -e "$d/dist/coverage/tiny/gone" ]
	[ -f "$d/dist/coverage/keep.txt" ]
	diff -r -x keep.txt "$BATS_TEST_TMPDIR/before/coverage" "$d/dist/coverage"
}

@test "users-view: mirror text reaches the pages escaped, and names no file" {
	local d=$BATS_TEST_TMPDIR/esc
	mkdir -p "$d/dist"
	printf 'tiny\tdebian-12\tdebian-12_6.6.6-<b>-amd64\t6.6.6-<b>-amd64\tx86_64\t9.9.9+test\tbpf\trel-a\t-\tfailed\t<script>alert("x")</script> & more\t\n' >"$d/status.tsv"
	# An os-release that would climb out of coverage/, a kernel name with quotes.
	printf 'tiny\t../../evil\tevil_1\t6.6.6-"q'"'"'-amd64\tx86_64\t9.9.9+test\tbpf\trel-a\t-\tpending\t\t\n' >>"$d/status.tsv"
	run "$BIN/repo-index" --dist "$d/dist" --status "$d/status.tsv"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cd "$d/dist/coverage/tiny" && echo *)" = "_._.._evil _._.._evil.html debian-12 debian-12.html" ]
	[ "$(find "$d" -name '*evil*' | wc -l)" -eq 2 ]
	grep -q '<a href="coverage/tiny/_._.._evil.html">../../evil</a>' "$d/dist/index.html"
	grep -q 'data-uname-r="6.6.6-&lt;b&gt;-amd64"' "$d/dist/coverage/tiny/debian-12.html"
	grep -q '<a href="#q=6.6.6-%3Cb%3E-amd64">6.6.6-&lt;b&gt;-amd64</a>' "$d/dist/coverage/tiny/debian-12.html"
	grep -q 'data-uname-r="6.6.6-&quot;q&#39;-amd64"' "$d/dist/coverage/tiny/_._.._evil.html"
	# In scripts, as JavaScript strings that no '<' can end.
	grep -qF '"\u003cscript\u003ealert(\"x\")\u003c/script\u003e \u0026 more"' "$d/dist/coverage/tiny/debian-12/0.js"
	grep -qF '["6.6.6-\u003cb\u003e-amd64", "debian-12_6.6.6-\u003cb\u003e-amd64", ' "$d/dist/coverage/search.js"
	! grep -rq --include='*.html' --include='*.js' '<script>alert' "$d/dist" || false
	! grep -rq --include='*.html' --include='*.js' '6.6.6-<b>' "$d/dist" || false
	# Shown as text, found by the search.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/esc.html" "file://$d/dist/coverage/tiny/debian-12.html#q=6.6.6-%3Cb%3E-amd64"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '<td class="reason">&lt;script&gt;alert("x")&lt;/script&gt; &amp; more</td>' "$BATS_TEST_TMPDIR/esc.html"
	! grep -q '<script>alert' "$BATS_TEST_TMPDIR/esc.html" || false
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/esc2.html" "file://$d/dist/index.html#q=6.6.6-%22q'-amd64"
	[ "$status" -eq 0 ]
	grep -qF "<a href=\"coverage/tiny/_._.._evil.html#q=6.6.6-%22q'-amd64\">6.6.6-\"q'-amd64</a>" "$BATS_TEST_TMPDIR/esc2.html"
	# A line that is not one: refused, naming the file and line.
	printf 'tiny\tdebian-12\n' >>"$d/status.tsv"
	run "$BIN/repo-index" --dist "$d/dist" --status "$d/status.tsv"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "status.tsv:3: expected 12 tab-separated fields"
}

@test "users-view: 204,000 outputs: a small front page, loaded in a few seconds; the search finds a kernel and its reason" {
	# shellcheck source=lib/fleetrepo.bash
	source "$TOP/tests/lib/fleetrepo.bash"
	local d=$BATS_TEST_TMPDIR/fleet n size page=$BATS_TEST_TMPDIR/fleet/dist/index.html
	n=$(fleetrepo "$d")
	[ "$n" -ge 200000 ]
	mkdir -p "$d/dist"
	run "$BIN/repo-index" --dist "$d/dist" --status "$d/status.tsv" --published "$d/published.json" --page-list "$d/pages.list"
	echo "$output"
	[ "$status" -eq 0 ]
	size=$(stat -c %s "$page")
	[ "$size" -le 1048576 ]
	# Chromium's own clock: the load event, then a forced layout (what a user waits for).
	run pageload --screenshot "$ART/fleet-index.png" --dom "$BATS_TEST_TMPDIR/fleet.html" "file://$page"
	echo "$output"
	[ "$status" -eq 0 ]
	ready=$(echo "$output" | "$FP_PYTHON" -c 'import json, sys; print(int(json.load(sys.stdin)["ready_ms"]))')
	{
		echo "outputs: $n"
		echo "index.json: $(stat -c %s "$d/dist/index.json") bytes"
		echo "index.html: $size bytes, ready in $ready ms"
	} >"$ART/fleet.txt"
	[ "$ready" -lt 3000 ]
	dom=$BATS_TEST_TMPDIR/fleet.html
	# The matrix: six rows of 74 columns (38 releases, kmod only for 0.44), three cells spot-checked
	# against what the status and the published probes say.
	[ "$(grep -o '<tr data-row=' "$dom" | wc -l)" -eq 6 ]
	[ "$(grep -o '<th data-col=' "$dom" | wc -l)" -eq 74 ]
	"$FP_PYTHON" - "$d/status.tsv" "$d/published.json" "$dom" <<'EOF'
import json, re, sys
status, published, dom = sys.argv[1:]
verified = {p["path"] for p in json.load(open(published))["probes"] if p.get("verified", {}).get("result") == "PASS"}
cells = {("ubuntu", "ubuntu-22.04", "0.43.1", "bpf"): None, ("debian", "debian-12", "0.28.0", "kmod"): None,
         ("ubuntu", "ubuntu-24.04", "0.44.1", "kmod"): None}
for k in cells:
    cells[k] = dict.fromkeys(["total", "built", "verified", "failed", "fault", "unservable", "pending"], 0)
for line in open(status):
    f = line.rstrip("\n").split("\t")
    for rel in f[7].split(","):
        c = cells.get((f[0], f[1], rel, f[6]))
        if c is None:
            continue
        c["total"] += 1
        c[f[9]] += 1
        c["verified"] += f[9] == "built" and f[8] in verified
html = open(dom).read()
for (distro, osrel, rel, kind), c in cells.items():
    want = '<a href="coverage/%s/%s.html"><span class="built">%d/%d built</span>' % (distro, osrel, c["built"], c["total"])
    for s in ("verified", "failed", "fault", "unservable", "pending"):
        if c[s]:
            want += '<br><span class="%s">%d %s</span>' % (s, c[s], s)
    row = re.search('<tr data-row="%s %s">.*?</tr>' % (distro, osrel), html).group(0)
    cell = re.search('<td class="cell [a-z]+" data-col="%s %s">(.*?)</td>' % (rel, kind), row).group(1)
    assert cell == want + "</a>", (cell, want)
    assert c["total"] > 0 and c["failed"] > 0 and c["built"] > 0, c
EOF
	# Time to driver: each distribution's newest kernel still waiting.
	grep -q '<tr data-distro="ubuntu"><td>ubuntu</td><td><a href="coverage/ubuntu/ubuntu-24.04.html#q=6.8.0-599-gcp">6.8.0-599-gcp</a></td>' "$dom"
	# A host's uname -r in a link (#q=): found in the names' index, linked to its release's page.
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/fq.html" --screenshot "$ART/fleet-search.png" "file://$page#q=5.15.0-1234-azure"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '<p id="search-result">5.15.0-1234-azure: 40 outputs: ' "$BATS_TEST_TMPDIR/fq.html"
	grep -q '<ul id="search-hits"><li><a href="coverage/ubuntu/ubuntu-22.04.html#q=5.15.0-1234-azure">5.15.0-1234-azure</a> (ubuntu ubuntu-22.04, kernel ubuntu-22.04_5.15.0-1234-azure): ' "$BATS_TEST_TMPDIR/fq.html"
	# That page, 2,000 kernels of 74 columns, shows the kernel's failure and its reason, escaped.
	rel=$d/dist/coverage/ubuntu/ubuntu-22.04.html
	run pageload --wait "$searched" --dom "$BATS_TEST_TMPDIR/fk.html" --screenshot "$ART/fleet-kernel.png" "file://$rel#q=5.15.0-1234-azure"
	echo "$output"
	[ "$status" -eq 0 ]
	relready=$(echo "$output" | "$FP_PYTHON" -c 'import json, sys; print(int(json.load(sys.stdin)["ready_ms"]))')
	echo "coverage/ubuntu/ubuntu-22.04.html: $(stat -c %s "$rel") bytes, ready in $relready ms" >>"$ART/fleet.txt"
	[ "$relready" -lt 10000 ]
	[ "$(grep -o '<tr data-uname-r=' "$BATS_TEST_TMPDIR/fk.html" | wc -l)" -eq 2000 ]
	grep -q '<tr class="output failed" data-uname-r="5.15.0-1234-azure"><td>0.43.0, 0.43.1</td><td>bpf</td><td class="state">failed</td><td class="verified"></td><td class="reason">kbuild failed: probe.c:42: error: &lt;script&gt;alert("x")&lt;/script&gt; &amp; fleet-marker-1234</td><td>9.1.0+driver</td><td class="path">9.1.0+driver/x86_64/falco_ubuntu-azure_5.15.0-1234-azure_1334.o</td></tr>' "$BATS_TEST_TMPDIR/fk.html"
	[ "$(grep -o '<tr class="output ' "$BATS_TEST_TMPDIR/fk.html" | wc -l)" -eq 40 ]
	cat "$ART/fleet.txt" >&3
}

@test "make summary: the coverage matrix as text, and as markdown for the job summary" {
	run umake "$B" -s summary DRIVER_SOURCE="$FIX/driver-b"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "distribution release rel-a bpf rel-b bpf" ]
	echo "$output" | grep -Eq '^tiny +debian-12 +2/4 \(1 verified, 1 failed, 1 fault\) +2/4 \(1 failed, 1 fault\)$'
	echo "$output" | grep -Eq '^tiny2 +debian-13 +1/2 \(1 unservable\) +1/2 \(1 unservable\)$'
	# Time to driver: the newest kernel still without its drivers, first seen by the earlier run
	# (the merged index keeps the earliest), three days before this summary.
	run umake "$B" -s summary DRIVER_SOURCE="$FIX/driver-b" RUN_TIME=1765259200
	echo "$output"
	echo "$output" | grep -qx '  tiny: 9.9.0-5-amd64 (debian-12), first seen 2025-12-06 (3 d 0 h ago): 0 pending, 0 failed, 2 fault (2 kernels waiting)'
	echo "$output" | grep -qx '  tiny2: none: every listed kernel has its drivers'
	run umake "$B" -s summary DRIVER_SOURCE="$FIX/driver-b" SUMMARY_FORMAT=markdown RUN_TIME=1765259200
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx '| distribution | release | Falco rel-a bpf | Falco rel-b bpf |'
	echo "$output" | grep -qx '| tiny | debian-12 | 2/4 (1 verified, 1 failed, 1 fault) | 2/4 (1 failed, 1 fault) |'
	echo "$output" | grep -qx '| tiny | 9.9.0-5-amd64 (debian-12) | 2025-12-06 | 3 d 0 h | 0 pending, 0 failed, 2 fault (2 kernels waiting) |'
	run umake "$B" -s summary DRIVER_SOURCE="$FIX/driver-b" SUMMARY_FORMAT=html
	[ "$status" -ne 0 ]
	run umake "$BATS_TEST_TMPDIR/none" summary
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'index.json does not exist (make repo writes it)'
}

# The URLs every release requests of a host of tests/fixtures/naming/releases.tsv (found by
# running each release's own loader), on the base $2: release, kind, URL.
expected_urls() {
	awk -F'\t' -v h="$1" -v r="$2" -v base="$3" '!/^#/ && $1 == h && $3 == r && $8 == "named" {
		sub(/^https:\/\/download\.falco\.org\/driver/, base, $10); print $6 " " $7 " " $10 }' \
		"$TOP/tests/fixtures/naming/releases.tsv" | sort
}

@test "make lookup: the URL each release's loader requests, for Debian, Ubuntu's flavours, Amazon Linux and COS" {
	local fix=$TOP/tests/fixtures/naming repo=$BATS_TEST_TMPDIR/empty host n=0
	mkdir -p "$repo"
	while IFS=$'\t' read -r host ur uv um; do
		run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$repo" UNAME_R="$ur" UNAME_V="$uv" UNAME_M="$um" OS_RELEASE="$fix/hosts/$host"
		echo "$output"
		[ "$status" -eq 0 ]
		echo "$output" | grep -qx "host: uname -r $ur, uname -v $uv, uname -m $um, os-release .*"
		got=$(echo "$output" | awk '$3 == "missing" { print $1 " " $2 " " $4 }' | sort)
		want=$(expected_urls "$host" "$ur" "file://$repo")
		[ -n "$want" ]
		[ "$got" = "$want" ]
		# Nothing is there, and it says so.
		[ "$(echo "$output" | grep -c ' present ')" -eq 0 ]
		n=$((n + 1))
	done < <(for h in debian-12:6.1.0-50-amd64 ubuntu-22.04:6.8.0-1010-aws ubuntu-22.04:5.15.0-1047-gke \
		amzn-2023:6.1.115-126.197.amzn2023.x86_64 cos-121:6.6.72+; do
		awk -F'\t' -v h="${h%%:*}" -v r="${h#*:}" '$1 == h && $3 == r { print $1 "\t" $3 "\t" $4 "\t" $5; exit }' "$fix/releases.tsv"
	done)
	[ "$n" -eq 5 ]
	# A release that never asks for a kind for this host says why; an unreadable os-release fails.
	run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$repo" UNAME_R=6.1.0-50-amd64 \
		UNAME_V='#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)' UNAME_M=x86_64 OS_RELEASE="$fix/hosts/debian-12"
	echo "$output" | grep -Eq '^0\.44\.1 +bpf +not-asked '
	run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$repo" UNAME_R=6.1.0-50-amd64 UNAME_V='#1' UNAME_M=x86_64 OS_RELEASE=/nonexistent
	[ "$status" -ne 0 ]
	echo "$output" | grep -q '/nonexistent: no such os-release file'
}

@test "make lookup: against a served repository, one file present and one missing; with nothing given, this host" {
	local fix=$TOP/tests/fixtures/naming pub=$BATS_TEST_TMPDIR/pub
	local ur=6.1.0-50-amd64 uv='#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)'
	cp -R "$B/dist" "$pub"
	# The probe Falco 0.43.1 asks for, put where it asks (as a repository built for it holds it).
	path=$(awk -F'\t' -v r="$ur" '$1 == "debian-12" && $3 == r && $6 == "0.43.1" && $7 == "bpf" { print $9 }' "$fix/releases.tsv")
	[ -n "$path" ]
	mkdir -p "$pub/$(dirname "$path")"
	cp "$B/dist/$PASS_A" "$pub/$path"
	fp_http_start "$pub"
	run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$FP_HTTP_URL" UNAME_R="$ur" UNAME_V="$uv" UNAME_M=x86_64 OS_RELEASE="$fix/hosts/debian-12"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx "repository: $FP_HTTP_URL"
	echo "$output" | grep -Eqx "0\\.43\\.1 +bpf +present +$FP_HTTP_URL/${path//+/%2B}"
	kpath=$(awk -F'\t' -v r="$ur" '$1 == "debian-12" && $3 == r && $6 == "0.44.1" && $7 == "kmod" { print $10 }' "$fix/releases.tsv")
	echo "$output" | grep -Eqx "0\\.44\\.1 +kmod +missing +${kpath/https:\/\/download.falco.org\/driver/$FP_HTTP_URL}"
	# 0.43.0 asks for the same file.
	[ "$(echo "$output" | grep -c ' present ')" -eq 2 ]
	echo "$output" | grep -qx "2 of $(echo "$output" | grep -Ec ' (present|missing) ') requests find their file"
	# The loader's request reached the server as the loader sends it ('+' as %2B).
	grep -q "\"GET /${path//+/%2B} " "$FP_HTTP_LOG"
	# A server that does not answer is no "missing".
	fp_http_stop
	run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$FP_HTTP_URL" UNAME_R="$ur" UNAME_V="$uv" UNAME_M=x86_64 OS_RELEASE="$fix/hosts/debian-12"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'lookup: cannot ask '
	# Run on the host itself: its own uname and os-release.
	run umake "$BATS_TEST_TMPDIR/l" lookup REPO="$pub"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qxF "host: uname -r $(uname -r), uname -v $(uname -v), uname -m $(uname -m), os-release $(. /etc/os-release && echo "$ID ${VERSION_ID:-}") (/etc/os-release)"
}
