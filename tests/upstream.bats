#!/usr/bin/env bats
# Falco releases from upstream source: the falcosecurity/libs archive of each driver version
# (../shared/libs, served on 127.0.0.1 as LIBS_ARCHIVES in place of GitHub's), pinned by its
# content, configured as upstream's build does for that era, and built into real probes for
# real Debian kernels of this machine's mirror, each at the exact path its release requests.

load lib/common

load lib/live

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export U=$BATS_FILE_TMPDIR/u
	live_setup "$U"
}

teardown_file() {
	fp_http_stop_all
}

@test "upstream: make falco-versions prints every release, its driver version, loader and kinds" {
	run make -C "$TOP" --no-print-directory BUILD="$BATS_TEST_TMPDIR/b" BIN="$FP_BIN" SAN=1 falco-versions
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^0\.[0-9]*\.[0-9]* ')" -eq 38 ]
	echo "$output" | grep -Eq '^0\.28\.1 +5c0b863ddade7a45568c0ac97d037422c9efb750 +falco-driver-loader +0\.28 +flat +flat +bpf kmod '
	echo "$output" | grep -Eq '^0\.32\.1 +2\.0\.0\+driver +falco-driver-loader +0\.32 +flat +arch +bpf kmod '
	echo "$output" | grep -Eq '^0\.43\.1 +9\.1\.0\+driver +falcoctl 0\.12\.2 +0\.39 +arch +arch +bpf kmod '
	echo "$output" | grep -Eq '^0\.44\.1 +10\.2\.0\+driver +falcoctl 0\.13\.0 +0\.44 +arch +arch +kmod '
	echo "$output" | grep -q 'no release asks for a kernel module on COS'
}

@test "upstream: FALCO_VERSIONS names each release's drivers at its own paths; an unknown release is refused" {
	live_ready
	r=$(newest 12)
	run lmake "$U" FALCO_VERSIONS="0.28.1 0.32.1 0.32.2 0.44.1" list-debian
	echo "$output" | tail -n 5
	[ "$status" -eq 0 ]
	for want in "0.28.1 bpf" "0.28.1 kmod" "0.32.1 bpf" "0.32.2 bpf" "0.32.2 kmod" "0.44.1 kmod"; do
		set -- $want
		p=$(path_of "$1" "$r" "$2")
		echo "$output" | grep -qx "$U/dist/$p"
	done
	# 0.32.1 asks for its probe flat, 0.32.2 per-arch: both paths, of the same driver version.
	echo "$output" | grep -qx "$U/dist/2.0.0+driver/falco_debian_${r}_1.o"
	echo "$output" | grep -qx "$U/dist/2.0.0+driver/x86_64/falco_debian_${r}_1.o"
	# 0.44 has no legacy probe; the default serves 0.44.1 and 0.43.1.
	! echo "$output" | grep -q '^.*/10\.2\.0+driver/.*\.o$' || false
	run lmake "$U" list-debian
	echo "$output" | grep -q '/10\.2\.0+driver/x86_64/.*\.ko$'
	echo "$output" | grep -q '/9\.1\.0+driver/x86_64/.*\.o$'
	! echo "$output" | grep -q '/7\.3\.0+driver/' || false
	run lmake "$U" FALCO_VERSIONS=0.99.0 list-debian
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'FALCO_VERSIONS: Falco 0.99.0 is not in the table'
}

@test "upstream: real probes of five driver versions, each at the path its release requests" {
	live_ready
	b=$(newest 12) t=$(newest 13)
	[ -n "$b" ]
	[ -n "$t" ]
	# Falco 0.28.1 (a commit, flat), 0.32.2, 0.35.1, 0.39.2 and 0.43.1 (cmake's self-contained
	# bpf/src), the last two on Debian 13's 6.12.
	goals= pairs=
	for want in "0.28.1 $b" "0.32.2 $b" "0.35.1 $b" "0.39.2 $t" "0.43.1 $t"; do
		set -- $want
		goals="$goals $U/dist/$(path_of "$1" "$2")"
		pairs="$pairs $U/dist/$(path_of "$1" "$2")=$2"
	done
	start=$(date +%s)
	run lmake "$U" -j2 $goals
	echo "$output"
	[ "$status" -eq 0 ]
	echo "# five upstream probes: $(($(date +%s) - start)) s" >&3
	for pair in $pairs; do
		p=${pair%=*} r=${pair##*=}
		file "$p" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
		[ "$(llvm-readelf -p kernel_version "$p" | sed -n 's/^ *\[ *0\] //p')" = "$r" ]
	done
	# Each driver source was downloaded at most once (not at all when CACHE, shared by the live
	# tests, already had it) and checked against its pin.
	grep '"GET /' "$LIBS_LOG" || true
	[ "$(grep -c '"GET /9.1.0%2Bdriver.tar.gz ' "$LIBS_LOG")" -le 1 ]
	grep -qx "tree_sha256=$("$FP_BIN/falco-name" --releases | awk -F'\t' '$1 == "0.43.1" { print $8 }')" \
		"$U/build/driver/9.1.0+driver/.prepared"
	# The record names the driver source by the pinned content.
	rec=$U/build/records/$(path_of 0.43.1 "$t").rec
	grep -q "^driver_tree_sha256=01497d30\|^driver_tree_sha256=9432c1c5" "$rec"
}

@test "upstream: one driver version for two releases: 0.32.1's flat probe is 0.32.2's, copied" {
	live_ready
	r=$(newest 12)
	flat=$U/dist/2.0.0+driver/falco_debian_${r}_1.o arch=$U/dist/2.0.0+driver/x86_64/falco_debian_${r}_1.o
	run lmake "$U" FALCO_VERSIONS="0.32.1 0.32.2" "$flat" "$arch"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$flat" "$arch"
	[ "$(echo "$output" | grep -c '^  PROBE   ')" -le 1 ]
	grep -qx "probe=2.0.0+driver/falco_debian_${r}_1.o" "$U/build/records/2.0.0+driver/falco_debian_${r}_1.o.rec"
}

@test "upstream: an archive whose content is not the pinned one is refused, naming the driver version" {
	live_ready
	s=$BATS_TEST_TMPDIR/libs
	mkdir -p "$s/x"
	tar -xzf "$LIBS/7.3.0+driver.tar.gz" -C "$s/x"
	echo '/* not upstream */' >>"$s/x/libs-7.3.0+driver/driver/main.c"
	(cd "$s/x" && tar -czf "../7.3.0+driver.tar.gz" .)
	# Other bytes, the same content: accepted (GitHub does not keep an archive's bytes).
	mkdir -p "$s/y"
	gzip -dc "$LIBS/9.1.0+driver.tar.gz" | gzip -1 >"$s/y/9.1.0+driver.tar.gz"
	fp_http_start "$s"
	# A cache of its own, so that the archive is downloaded (the packages are the shared ones).
	d=$BATS_TEST_TMPDIR/d
	mkdir -p "$d/cache"
	cp -al "$CACHE/packages" "$d/cache/packages"
	p=$d/dist/$(path_of 0.39.2 "$(newest 13)")
	run lmake "$d" CACHE="$d/cache" LIBS_ARCHIVES="$FP_HTTP_URL" "$p"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "driver version 7.3.0+driver: $FP_HTTP_URL/7.3.0%2Bdriver.tar.gz holds other sources (content [0-9a-f]*, the table pins a3cd5240d6e4c77f22c877c26d1f3b78321b77a63a3066493498bbd710166858): refusing it"
	[ ! -e "$p" ]
	[ ! -e "$d/build/driver/7.3.0+driver/.prepared" ]
	fp_http_stop
	fp_http_start "$s/y"
	run lmake "$d" CACHE="$d/cache" LIBS_ARCHIVES="$FP_HTTP_URL" FALCO_VERSIONS=0.43.1 drivers
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "upstream: a driver too old for a kernel is a verdict: not tried again until an input changes" {
	live_ready
	d=$BATS_TEST_TMPDIR/old
	t=$(newest 13)
	# Falco 0.28.1's driver (2021) predates Linux 6.2's mm->rss_stat: it cannot build for 6.12.
	p=$d/dist/$(path_of 0.28.1 "$t")
	run lmake "$d" -k FALCO_VERSIONS=0.28.1 "$p"
	echo "$output"
	# Named on the command line, its failure fails make, -k or not.
	[ "$status" -ne 0 ]
	[ ! -e "$p" ]
	v=$d/build/verdicts/${p#"$d/dist/"}
	grep -q '^reason=kbuild failed: .*error' "$v"
	# As part of the run of a distribution, it is not planned again.
	run lmake "$d" -k FALCO_VERSIONS=0.28.1 list-debian
	[ "$status" -eq 0 ]
	! echo "$output" | grep -qx "$p" || false
	grep -qF "${p#"$d/dist/"}" "$d/build/plan/debian.report"
	grep -F "${p#"$d/dist/"}" "$d/build/plan/debian.report" | grep -q 'failed kbuild failed'
}
