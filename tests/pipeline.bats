#!/usr/bin/env bats
# The Debian pipeline end to end, hermetically: a real signed apt repository (dpkg-deb,
# apt-ftparchive, gpg) served over file://, holding tiny kernels shaped as Debian's (an arch
# headers package including its -common half by absolute path, and linux-kbuild), and the tiny
# driver tree. Everything make does for the real mirror happens here: InRelease checked, indexes
# fetched by hash, kernels listed, fragment generated, packages fetched once, probes built,
# named and checked against the headers, and nothing redone that need not be. The kernels are
# stand-ins (a kbuild Makefile of tests/fixtures/tiny-kernel, no compiler of the kernel's own);
# the real counterparts are tests/live-debian.bats and tests/kmod.bats, against the Debian
# mirror's own packages and compilers.

load lib/common
load lib/aptrepo

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export ARCHIVE=$BATS_FILE_TMPDIR/repo W=$BATS_FILE_TMPDIR/w
	aptrepo_init "$ARCHIVE"
	local kbuild=$TOP/tests/fixtures/tiny-kernel/Makefile
	# 9.9.0-1 in two flavours sharing one -common; 9.9.0-2 whose headers say another release.
	add_kernel() {
		local abi=$1 flavour=$2 version=$3 uts_release=$4 extra=${5:-}
		local tree=usr/src/linux-headers-$abi-$flavour
		aptrepo_add_deb "$ARCHIVE" bookworm "linux-headers-$abi-common" "$version" "" \
			"usr/src/linux-headers-$abi-common/Makefile<$kbuild" \
			"usr/src/linux-headers-$abi-common/include/linux/kernel.h=/* shared */" >/dev/null
		aptrepo_add_deb "$ARCHIVE" bookworm linux-kbuild-9.9 "$version" "" \
			usr/lib/linux-kbuild-9.9/scripts/placeholder >/dev/null
		aptrepo_add_deb "$ARCHIVE" bookworm "linux-headers-$abi-$flavour" "$version" \
			"linux-headers-$abi-common (= $version), linux-kbuild-9.9 (>= $version), gcc-12" \
			"$tree/Makefile=include /usr/src/linux-headers-$abi-common/Makefile" \
			"$tree/include/generated/utsrelease.h=#define UTS_RELEASE \"$uts_release\"$extra" \
			"$tree/include/generated/utsversion.h=#define UTS_VERSION \"#1 SMP PREEMPT_DYNAMIC Debian $version (2026-01-01)\"" \
			"lib/modules/$abi-$flavour/build->/$tree" >/dev/null
	}
	add_kernel 9.9.0-1 amd64 9.9.3-1 9.9.0-1-amd64
	add_kernel 9.9.0-1 cloud-amd64 9.9.3-1 9.9.0-1-cloud-amd64
	add_kernel 9.9.0-2 amd64 9.9.4-1 9.9.0-7-amd64
	# 9.9.0-3, whose headers the driver does not compile against, as a 2022 driver on 6.12.
	add_kernel 9.9.0-3 amd64 9.9.5-1 9.9.0-3-amd64 $'\n#error "this kernel breaks the tiny driver"'
	aptrepo_publish "$ARCHIVE" bookworm -o APT::FTPArchive::DoByHash=true \
		-o APT::FTPArchive::Release::Acquire-By-Hash=yes >/dev/null
	export KEYRING
	KEYRING=$(aptrepo_keyring "$ARCHIVE")
	mkdir -p "$W"
	cp -R "$TOP/tests/fixtures/tiny-driver" "$W/driver"
	export DV=9.9.9+test
	export P1=$W/dist/$DV/x86_64/falco_debian_9.9.3-1-amd64_1.o
	export P2=$W/dist/$DV/x86_64/falco_debian_9.9.3-1-cloud-amd64_1.o
	export P3=$W/dist/$DV/x86_64/falco_debian_9.9.4-1-amd64_1.o
	export P4=$W/dist/$DV/x86_64/falco_debian_9.9.5-1-amd64_1.o
}

teardown_file() {
	aptrepo_cleanup "$ARCHIVE"
}

# make as a user runs it, with the mirror, keyring and directories set by variables.
pmake() {
	fp_make "$1" WORK_DIR="$1/work" MIRROR_debian="file://$ARCHIVE" debian_SUITES='bookworm|MIRROR_debian|debian-12' \
		debian_KEYRING="$KEYRING" debian_ARCHES='x86_64|amd64|amd64,cloud-amd64' DRIVER_SOURCE="$W/driver" "${@:2}"
}

# The two probes that build, built unless they are there (whatever test ran before).
built() {
	[ -f "$P1" ] && [ -f "$P2" ] || pmake "$W" -j2 "$P1" "$P2" >/dev/null
}

@test "the signed index lists every kernel under the name Falco's rules give it" {
	run pmake "$W" list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	# The driver version the tree declares, per arch; rule set 0.35 for an unknown +driver
	# version, which names a Debian kernel by the package version in uname -v.
	[ "$(echo "$output" | grep "^$W/dist/")" = "$(printf '%s\n' "$P1" "$P2" "$P3" "$P4")" ]
	# The older rules keep uname -r.
	run pmake "$W" FALCO_RULES=0.28 list-debian
	echo "$output" | grep -qx "$W/dist/$DV/x86_64/falco_debian_9.9.0-1-amd64_1.o"
	echo "$output" | grep -qx "$W/dist/$DV/x86_64/falco_debian_9.9.0-1-cloud-amd64_1.o"
	# The plan of a run that builds everything (a listing run plans no rule) names the shared
	# -common package once, for both flavours. Eight packages: three -common, four flavours, and
	# the newest linux-kbuild-9.9 for all.
	run pmake "$W" FALCO_RULES=0.28 -n debian
	[ "$status" -eq 0 ]
	plan=$W/build/plan/debian.mk
	[ "$(grep -c '^PKG\.[0-9a-f]\{64\} := [0-9]* ' "$plan")" -eq 8 ]
	[ "$(grep -c '^PKG\..*/linux-headers-9.9.0-1-common_' "$plan")" -eq 1 ]
	[ "$(grep '^PKG\..*/linux-kbuild' "$plan" | grep -c '9.9.5-1')" -eq 1 ]
	# Each kernel's tree needs its -common, its flavour and linux-kbuild; the trees of both
	# flavours of 9.9.0-1 name one -common package.
	common=$(sed -n 's/^PKG\.\([0-9a-f]*\) := .*linux-headers-9.9.0-1-common_.*/\1/p' "$plan")
	[ "$(grep -c "^\$(WORK)/debian/.*/.tree: |.* \$(PKG_DIR)/$common" "$plan")" -eq 2 ]
}

@test "make -k builds what it can, then a summary with each failure's reason and log" {
	run pmake "$W" -k -j2 debian
	echo "$output"
	[ "$status" -ne 0 ]
	[ -f "$P1" ]
	[ -f "$P2" ]
	[ ! -e "$P3" ]
	[ ! -e "$P4" ]
	echo "$output" | grep -qx 'debian: 4 outputs: 2 built, 0 up to date, 2 failed'
	log3=$W/build/logs/$DV/x86_64/falco_debian_9.9.4-1-amd64_1.o.log
	log4=$W/build/logs/$DV/x86_64/falco_debian_9.9.5-1-amd64_1.o.log
	echo "$output" | grep -qF "failed: $P3: the headers' UTS_RELEASE is '9.9.0-7-amd64', not 9.9.0-2-amd64"
	echo "$output" | grep -qF "(log: $log3)"
	echo "$output" | grep -qF "failed: $P4: kbuild failed: "
	echo "$output" | grep -qF "(log: $log4)"
	grep -q "UTS_RELEASE is '9.9.0-7-amd64', not 9.9.0-2-amd64" "$log3"
	grep -q 'this kernel breaks the tiny driver' "$log4"
	# Both are verdicts: the same inputs would fail again. The first error line is their reason.
	grep -qx "reason=the headers' UTS_RELEASE is '9.9.0-7-amd64', not 9.9.0-2-amd64 (the kernel's log: $W/build/logs/debian/debian-12_9.9.0-2-amd64.tree.log)" \
		"$W/build/verdicts/$DV/x86_64/falco_debian_9.9.4-1-amd64_1.o"
	grep -q '^reason=kbuild failed: .*error: "this kernel breaks the tiny driver"' \
		"$W/build/verdicts/$DV/x86_64/falco_debian_9.9.5-1-amd64_1.o"
	# The -common package both flavours share was downloaded once.
	[ "$(echo "$output" | grep -c 'FETCH.*linux-headers-9.9.0-1-common')" -eq 1 ]
	# Everything built is an eBPF object; no work tree and no partial file is left.
	file "$P1" | grep -q 'eBPF'
	[ -z "$(ls -A "$W/work")" ]
	[ -z "$(find "$W/dist" -name '*.tmp')" ]
	# Each probe's record names its packages by hash.
	grep -qx "sha256=$(sha256sum "$P1" | cut -d' ' -f1)" "$W/build/records/$DV/x86_64/falco_debian_9.9.3-1-amd64_1.o.rec"
}

@test "a second run with nothing changed builds, downloads and retries nothing" {
	built
	pmake "$W" -k debian >/dev/null || true
	before=$(stat -c %Y "$P1" "$P2" "$W/kernels/$DV/debian.outputs")
	run pmake "$W" -j2 "$P1" "$P2"
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE\|FETCH\|LIST\|KERNELS\|TREE' || false
	[ "$(stat -c %Y "$P1" "$P2" "$W/kernels/$DV/debian.outputs")" = "$before" ]
	# The failures are not tried again: nothing failed in this run.
	run pmake "$W" -k -j2 debian
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE\|FETCH\|TREE' || false
	echo "$output" | grep -qx 'debian: 4 outputs: 0 built, 2 up to date, 0 failed; 2 failed before with the same inputs (RETRY_FAILED=1 tries them)'
	# RETRY_FAILED=1 tries exactly those again.
	run pmake "$W" -k -j2 RETRY_FAILED=1 debian
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(echo "$output" | grep -c '^  PROBE   ')" -eq 2 ]
	echo "$output" | grep -q "^  PROBE   .* -> $P3$"
	echo "$output" | grep -q "^  PROBE   .* -> $P4$"
	echo "$output" | grep -qx 'debian: 4 outputs: 0 built, 2 up to date, 2 failed'
}

@test "a changed toolchain tries again what failed with the old one, and nothing else that is up to date" {
	built
	pmake "$W" -k debian >/dev/null || true
	run pmake "$W" -k -j2 FP_KBUILD_ARGS=V=1 debian
	echo "$output"
	# All four: the two that built are rebuilt, the two that failed are tried again.
	[ "$(echo "$output" | grep -c '^  PROBE   ')" -eq 4 ]
	run pmake "$W" -k -j2 FP_KBUILD_ARGS=V=1 debian
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE' || false
	pmake "$W" -j2 "$P1" "$P2" >/dev/null
}

@test "a changed driver rebuilds every probe; a touched but unchanged one rebuilds none" {
	built
	sleep 1
	touch "$W/driver/bpf/probe.c"
	run pmake "$W" -j2 "$P1" "$P2"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE' || false
	echo '/* changed */' >>"$W/driver/bpf/probe.c"
	run pmake "$W" -j2 "$P1" "$P2"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'PROBE')" -eq 2 ]
}

@test "changed compiler flags rebuild every probe, and changing them back rebuilds again" {
	built
	run pmake "$W" FP_KBUILD_ARGS=V=1 "$P1"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'PROBE.*9.9.0-1-amd64'
	run pmake "$W" "$P1"
	echo "$output" | grep -q 'PROBE.*9.9.0-1-amd64'
	run pmake "$W" "$P1"
	! echo "$output" | grep -q 'PROBE' || false
}

@test "the same probe built in another directory is byte-identical" {
	built
	other=$BATS_FILE_TMPDIR/elsewhere/deeper
	run pmake "$other" "${P1/$W/$other}"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$P1" "${P1/$W/$other}"
	! grep -q "$BATS_FILE_TMPDIR" "$P1" || false
}

@test "a package whose bytes differ from its signed index is refused and builds nothing" {
	d=$BATS_TEST_TMPDIR/tampered
	pmake "$d" list-debian >/dev/null
	deb=$(find "$ARCHIVE/pool" -name 'linux-headers-9.9.0-1-cloud-amd64_*.deb')
	cp "$deb" "$BATS_TEST_TMPDIR/saved.deb"
	printf 'X' >>"$deb"
	run pmake "$d" "${P2/$W/$d}"
	cp "$BATS_TEST_TMPDIR/saved.deb" "$deb"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'linux-headers-9.9.0-1-cloud-amd64.*refusing it'
	[ ! -e "${P2/$W/$d}" ]
	[ -z "$(find "$d/cache/packages" -name '*.part')" ]
}

@test "an index whose signature does not verify lists nothing" {
	d=$BATS_TEST_TMPDIR/forged
	cp -R "$ARCHIVE" "$BATS_TEST_TMPDIR/repo2"
	# One hash digit changed in the signed text (clearsigning ignores trailing blanks, not this).
	f=$BATS_TEST_TMPDIR/repo2/dists/bookworm/InRelease
	awk '!done && /^ [0-9a-f]+ +[0-9]+ / { c = substr($0, 2, 1); $0 = " " (c == "0" ? "1" : "0") substr($0, 3); done = 1 } { print }' \
		"$f" >"$f.new" && mv "$f.new" "$f"
	! cmp -s "$ARCHIVE/dists/bookworm/InRelease" "$BATS_TEST_TMPDIR/repo2/dists/bookworm/InRelease" || false
	run pmake "$d" MIRROR_debian="file://$BATS_TEST_TMPDIR/repo2" list-debian
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'signature check against .* failed: a bad signature by key [0-9A-F]* (the file is not what was signed): refusing it'
	[ ! -e "$d/build/listing/debian.tsv" ]
}

@test "a mirror without InRelease is read through Release and its detached signature" {
	d=$BATS_TEST_TMPDIR/detached
	cp -R "$ARCHIVE" "$BATS_TEST_TMPDIR/repo3"
	rm "$BATS_TEST_TMPDIR/repo3/dists/bookworm/InRelease"
	run pmake "$d" MIRROR_debian="file://$BATS_TEST_TMPDIR/repo3" list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "^$d/dist/")" -eq 4 ]
	# Unchanged, it is not listed again.
	run pmake "$d" MIRROR_debian="file://$BATS_TEST_TMPDIR/repo3" list-debian
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'LIST' || false
	# A forged Release is refused as a forged InRelease is.
	sed -i 's/^Suite: bookworm$/Suite: bookworm-forged/' "$BATS_TEST_TMPDIR/repo3/dists/bookworm/Release"
	run pmake "$d" MIRROR_debian="file://$BATS_TEST_TMPDIR/repo3" list-debian
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'signature check against .* failed: a bad signature by key [0-9A-F]* (the file is not what was signed): refusing it'
}

@test "an end-of-life release from an archive mirror: its own keyring, its missing suites skipped; a mirror that does not answer skipped" {
	d=$BATS_TEST_TMPDIR/eol old=$BATS_TEST_TMPDIR/archive
	local kbuild=$TOP/tests/fixtures/tiny-kernel/Makefile tree=usr/src/linux-headers-9.8.0-1-amd64
	# An archive of another key, holding buster and buster-updates (but no buster/updates).
	aptrepo_init "$old"
	aptrepo_add_deb "$old" buster linux-headers-9.8.0-1-common 9.8.1-1 "" \
		"usr/src/linux-headers-9.8.0-1-common/Makefile<$kbuild" >/dev/null
	aptrepo_add_deb "$old" buster linux-kbuild-9.8 9.8.1-1 "" usr/lib/linux-kbuild-9.8/scripts/placeholder >/dev/null
	aptrepo_add_deb "$old" buster linux-headers-9.8.0-1-amd64 9.8.1-1 \
		"linux-headers-9.8.0-1-common (= 9.8.1-1), linux-kbuild-9.8 (>= 9.8.1-1)" \
		"$tree/Makefile=include /usr/src/linux-headers-9.8.0-1-common/Makefile" \
		"$tree/include/generated/utsrelease.h=#define UTS_RELEASE \"9.8.0-1-amd64\"" >/dev/null
	aptrepo_publish "$old" buster >/dev/null
	aptrepo_add_deb "$old" buster-updates linux-kbuild-9.8 9.8.1-1 "" >/dev/null
	aptrepo_publish "$old" buster-updates >/dev/null
	emake() {
		fp_make "$d" WORK_DIR="$d/work" MIRROR_debian="file://$ARCHIVE" debian_KEYRING="$KEYRING" \
			'debian_RELEASES=bookworm|debian-12' debian_POCKETS=release debian_ARCHIVE_KEYRING="$(aptrepo_keyring "$old")" \
			'debian_ARCHIVE_RELEASES=buster|debian-10' debian_ARCHES='x86_64|amd64|amd64' DRIVER_SOURCE="$W/driver" "$@"
	}
	run emake MIRROR_debian_archive="file://$old" MIRROR_debian_archive_security="file://$old" list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx '  NOTE    debian: the mirror has no suite buster/updates; skipping it'
	grep -q '^distros/os-release/debian-10	x86_64	9.8.0-1-amd64	' "$d/build/listing/debian.tsv"
	grep -q '^distros/os-release/debian-12	x86_64	9.9.0-1-amd64	' "$d/build/listing/debian.tsv"
	echo "$output" | grep -q "^$d/dist/$DV/x86_64/falco_debian_9.8.1-1-amd64_1.o$"
	# Its key is good for its suites only: the same archive as a current release is refused.
	run fp_make "$d/b" MIRROR_debian="file://$old" debian_KEYRING="$KEYRING" 'debian_SUITES=buster|MIRROR_debian|debian-10' \
		DRIVER_SOURCE="$W/driver" list-debian
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'no good signature (signed by a key not in the keyring): refusing it'
	# An archive mirror that does not answer: its suites are skipped, what was listed stays.
	run emake FETCH_RETRIES=0 MIRROR_debian_archive=http://127.0.0.1:1/debian \
		MIRROR_debian_archive_security=http://127.0.0.1:1/debian-security list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx '  NOTE    debian: http://127.0.0.1:1/debian/dists/buster does not answer; keeping what it listed last'
	grep -q '^distros/os-release/debian-10	x86_64	9.8.0-1-amd64	' "$d/build/listing/debian.tsv"
	run emake FETCH_RETRIES=0 MIRROR_debian_archive=http://127.0.0.1:1/debian \
		MIRROR_debian_archive_security=http://127.0.0.1:1/debian-security CACHE="$d/cache2" list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx '  NOTE    debian: http://127.0.0.1:1/debian/dists/buster does not answer; skipping suite buster'
	! grep -q '	9.8.0-1-amd64	' "$d/build/listing/debian.tsv" || false
	aptrepo_cleanup "$old"
}

@test "a package the index names and the mirror has lost fails its kernel, not the run; it is asked for again next run" {
	d=$BATS_TEST_TMPDIR/lost
	cp -R "$ARCHIVE" "$BATS_TEST_TMPDIR/repo4"
	lost=$(cd "$BATS_TEST_TMPDIR/repo4" && ls pool/main/l/linux-headers-9.9.0-1-amd64/*.deb)
	rm "$BATS_TEST_TMPDIR/repo4/$lost"
	run pmake "$d" -k -j2 MIRROR_debian="file://$BATS_TEST_TMPDIR/repo4" "$d/dist/${P1#"$W/dist/"}" "$d/dist/${P2#"$W/dist/"}" debian
	echo "$output"
	[ "$status" -ne 0 ]
	# The other flavour, whose packages are there, is built; the summary names the lost file.
	[ -f "$d/dist/${P2#"$W/dist/"}" ]
	[ ! -e "$d/dist/${P1#"$W/dist/"}" ]
	echo "$output" | grep -qx 'debian: 4 outputs: 1 built, 0 up to date, 3 failed (1 fault: tried again next run)'
	echo "$output" | grep -qF "  fault:  $d/dist/${P1#"$W/dist/"}: the mirror no longer has file://$BATS_TEST_TMPDIR/repo4/$lost (the kernel's log: "
	# Not a verdict: the mirror may have it again.
	[ ! -e "$d/build/verdicts/${P1#"$W/dist/"}" ]
	run pmake "$d" -k -j2 MIRROR_debian="file://$BATS_TEST_TMPDIR/repo4" debian
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "^  FETCH   file://$BATS_TEST_TMPDIR/repo4/$lost$"
	# Without -k, the run stops at it, naming it.
	run pmake "$d" MIRROR_debian="file://$BATS_TEST_TMPDIR/repo4" "$d/dist/${P1#"$W/dist/"}"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "file://$BATS_TEST_TMPDIR/repo4/$lost: not found"
}

@test "make coverage: per release, the kernels listed and what became of their outputs" {
	d=$BATS_TEST_TMPDIR/cov
	pmake "$d" -k debian >/dev/null 2>&1 || true
	run pmake "$d" coverage
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n 1)" = debian ]
	# Four kernels of Debian 12; two probes built, two failed (verdicts), none verified yet.
	echo "$output" | grep -Eq "^  debian-12 +4  ${DV//+/\\+} +bpf +2 +0 +2 +0 +0 +0$"
	# A lost verdict's output counts as pending again.
	rm "$d/build/verdicts/${P3#"$W/dist/"}"
	run pmake "$d" coverage
	echo "$output" | grep -Eq "^  debian-12 +4  ${DV//+/\\+} +bpf +2 +0 +1 +0 +0 +1$"
	# A failure the last run recorded without a verdict (a package the mirror lost) is a fault.
	mkdir -p "$d/build/runs/99999999T999999.1"
	printf '%s\t%s\t0\n' "$d/dist/${P3#"$W/dist/"}" "the mirror no longer has x" >"$d/build/runs/99999999T999999.1/debian.failed"
	run pmake "$d" coverage
	echo "$output" | grep -Eq "^  debian-12 +4  ${DV//+/\\+} +bpf +2 +0 +1 +1 +0 +0$"
}
