#!/usr/bin/env bats
# tools/kernels-mk writes the tables tools/plan makes make text of, from a listing that came off a
# mirror: what would change the meaning of that text is refused, naming the line; what make takes
# literally in a value (a mirror's port) is kept as it is, into the plan's rules. A name two
# kernels ask for is built for one of them.

bats_require_minimum_version 1.5.0

setup() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	SHA=$(printf '%064d' 0)
}

# line URL: a listing line of one kernel with one package at URL.
line() {
	printf '%s\tx86_64\t6.1.0-9-amd64\t#1 SMP Debian 6.1.27-1\tusr/src/linux-headers-6.1.0-9-amd64\t%s|%s|1234\t-\n' "$TOP/distros/os-release/debian-12" "$1" "$SHA"
}

@test "kernels-mk: a mirror URL with a port, or a \$(VARIABLE) mirror, is written as it is" {
	local t=$BATS_TEST_TMPDIR
	mkdir -p "$t/dist"
	for url in 'http://127.0.0.1:8080/pool/l/linux-headers.deb' '$(debian_MIRROR)/pool/l/linux-headers.deb'; do
		line "$url" >"$t/listing.tsv"
		run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" "$t/listing.tsv"
		echo "$output"
		[ "$status" -eq 0 ]
		grep -qF "	$url|$SHA|1234	-" "$t/kernels"
		# The plan of an output of that kernel writes the package as make must read it.
		run "$FP_BIN/kernels-mk" outputs --distro debian --driver-version 9.1.0+driver --release 0.43.1 \
			--outputs "$t/outputs" "$t/listing.tsv"
		[ "$status" -eq 0 ]
		run "$FP_BIN/plan" --distro debian --kernels "$t/kernels" --list "$t/list" --dist "$t/dist" \
			--outputs "9.1.0+driver=$t/outputs"
		echo "$output"
		[ "$status" -eq 0 ]
		grep -qxF "PKG.$SHA := 1234 $url" <<<"$output"
	done
}

@test "kernels-mk: a URL that would expand, end the value or start a comment in make is refused, naming the line" {
	for url in 'http://x/$(HOME).deb' 'http://x/${HOME}.deb' 'http://x/a;b.deb' 'http://x/a#b.deb' \
		'http://x/$$.deb' '$(debian_MIRROR' 'http://x/a\b.deb' "http://x/a'b.deb" 'http://x/a`b`.deb'; do
		line "$url" >"$BATS_TEST_TMPDIR/listing.tsv"
		run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$BATS_TEST_TMPDIR/ids" --table "$BATS_TEST_TMPDIR/kernels" \
			"$BATS_TEST_TMPDIR/listing.tsv"
		echo "$url: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"$BATS_TEST_TMPDIR/listing.tsv:1: "*"a character make cannot take"* ]]
	done
}

@test "kernels-mk --seen: a kernel keeps the time a run first listed it; a new one gets this run's; one gone is dropped" {
	local t=$BATS_TEST_TMPDIR
	line 'http://x/a.deb' >"$t/listing.tsv"
	run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" --seen "$t/seen" --now 1000 "$t/listing.tsv"
	[ "$status" -eq 0 ]
	[ "$(cat "$t/seen")" = "debian-12_6.1.0-9-amd64	1000" ]
	# A second kernel listed a day later.
	line 'http://x/a.deb' | sed 's/6\.1\.0-9-amd64/6.1.0-10-amd64/g' >>"$t/listing.tsv"
	run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" --seen "$t/seen" --now 87400 "$t/listing.tsv"
	[ "$status" -eq 0 ]
	[ "$(cat "$t/seen")" = "$(printf 'debian-12_6.1.0-10-amd64\t87400\ndebian-12_6.1.0-9-amd64\t1000')" ]
	# The first one leaves the listing.
	sed -i '1d' "$t/listing.tsv"
	run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" --seen "$t/seen" --now 99999 "$t/listing.tsv"
	[ "$(cat "$t/seen")" = "debian-12_6.1.0-10-amd64	87400" ]
	# A malformed file is refused, naming its line; --seen needs --now.
	printf 'debian-12_6.1.0-10-amd64 87400\n' >"$t/seen"
	run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" --seen "$t/seen" --now 1 "$t/listing.tsv"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$t/seen:1: expected <kernel id> <seconds since 1970>" ]]
	run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$t/ids" --table "$t/kernels" --seen "$t/seen" "$t/listing.tsv"
	[ "$status" -eq 2 ]
}

@test "kernels-mk: a name several kernels ask for is built for one: not a backport (uname -v with '~'), then the first" {
	local t=$BATS_TEST_TMPDIR r=4.18.0-553.el8.x86_64 n
	printf 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="8"\n' >"$t/centos-8"
	# Falco 0.43.1 names each falco_centos_<uname -r>_1.o: a backport build, listed first, and
	# two builds of the same release with other packages.
	n=0
	for v in '#1~bp SMP Mon Jan 1 00:00:00 UTC 2026' '#1 SMP Mon Jan 1 00:00:00 UTC 2026' '#1 SMP Tue Jan 2 00:00:00 UTC 2026'; do
		n=$((n + 1))
		printf '%s\tx86_64\t%s\t%s\tusr/src/kernels/%s\thttp://m/k%s.rpm|%064d|1\t-\n' "$t/centos-8" "$r" "$v" "$r" "$n" "$n"
	done >"$t/listing.tsv"
	"$FP_BIN/kernels-mk" kernels --distro centos --ids "$t/ids" --table "$t/kernels" "$t/listing.tsv"
	run --separate-stderr "$FP_BIN/kernels-mk" outputs --distro centos --driver-version 9.1.0+driver --release 0.43.1 \
		--kinds bpf --outputs "$t/out.tsv" "$t/listing.tsv"
	echo "$output"
	cat "$t/out.tsv"
	[ "$status" -eq 0 ]
	local p=9.1.0+driver/x86_64/falco_centos_${r}_1.o k=centos-8_$r
	# The name is built for the first kernel that is no backport's, and unservable for the others.
	[ "$(cat "$t/out.tsv")" = "$p	$k	bpf	0.43.1	unservable kernel $k~2 asks for the same name
$p	$k~2	bpf	0.43.1	build
$p	$k~3	bpf	0.43.1	unservable kernel $k~2 asks for the same name" ]
	# One rule for the name in the plan, building it from that kernel.
	mkdir -p "$t/dist"
	run "$FP_BIN/plan" --distro centos --kernels "$t/kernels" --list "$t/list" --dist "$t/dist" --outputs "9.1.0+driver=$t/out.tsv"
	[ "$status" -eq 0 ]
	[ "$(grep -c "^\$(DIST)/$p:" <<<"$output")" -eq 1 ]
	grep -qF "\$(call build_output,centos,$k~2,bpf,0.43.1,9.1.0+driver,$r)" <<<"$output"
}

@test "kernels-mk: an arm64 and an x86_64 kernel of one uname -r and -v: each its own arch path; a flat path is FLAT_ARCH's, the other unservable, named" {
	local t=$BATS_TEST_TMPDIR r=6.8.0-45-generic o=ubuntu-24.04 m
	# Ubuntu prints the same uname -r and -v on both architectures; the listing is sorted, so the
	# arm64 kernel comes first.
	for m in aarch64 x86_64; do
		printf '%s\t%s\t%s\t#45-Ubuntu SMP\tusr/src/linux-headers-%s\thttp://m/%s.deb|%064d|1\t-\n' \
			"$TOP/distros/os-release/$o" "$m" "$r" "$r" "$m" 1
	done >"$t/listing.tsv"
	"$FP_BIN/kernels-mk" kernels --distro ubuntu --ids "$t/ids" --table "$t/kernels" "$t/listing.tsv"
	# The x86_64 kernel keeps the id it had before arm64 was listed.
	[ "$(cut -f1,3 "$t/kernels")" = "${o}_$r~aarch64	aarch64
${o}_$r	x86_64" ]
	local x=${o}_$r a=${o}_$r~aarch64 o_path=2.0.0+driver/falco_ubuntu-generic_${r}_45.o
	# Falco 0.32.1: the probe flat, the module under uname -m.
	run --separate-stderr "$FP_BIN/kernels-mk" outputs --distro ubuntu --driver-version 2.0.0+driver --release 0.32.1 \
		--outputs "$t/out.tsv" "$t/listing.tsv"
	[ "$status" -eq 0 ]
	cat "$t/out.tsv"
	[ "$(cat "$t/out.tsv")" = "$o_path	$a	bpf	0.32.1	unservable kernel $x (x86_64) asks for the same name, a path without an architecture: it serves x86_64 (FLAT_ARCH)
2.0.0+driver/aarch64/falco_ubuntu-generic_${r}_45.ko	$a	kmod	0.32.1	build
$o_path	$x	bpf	0.32.1	build
2.0.0+driver/x86_64/falco_ubuntu-generic_${r}_45.ko	$x	kmod	0.32.1	build" ]
	[[ "$stderr" == *"NOTE    ubuntu: $o_path is the name of kernel $x and of kernel $a (aarch64): built for $x only"* ]]
	# FLAT_ARCH=aarch64 serves arm64 hosts there instead.
	run "$FP_BIN/kernels-mk" outputs --distro ubuntu --driver-version 2.0.0+driver --release 0.32.1 --flat-arch aarch64 \
		--outputs "$t/out.tsv" "$t/listing.tsv"
	[ "$status" -eq 0 ]
	grep -qxF "$o_path	$a	bpf	0.32.1	build" "$t/out.tsv"
	grep -qxF "$o_path	$x	bpf	0.32.1	unservable kernel $a (aarch64) asks for the same name, a path without an architecture: it serves aarch64 (FLAT_ARCH)" "$t/out.tsv"
	# Falco 0.31.1 (flat, both kinds): both of the arm64 kernel's are unservable.
	run "$FP_BIN/kernels-mk" outputs --distro ubuntu --driver-version b7eb0dd65226a8dc254d228c8d950d07bf3521d2 --release 0.31.1 \
		--outputs "$t/out.tsv" "$t/listing.tsv"
	[ "$status" -eq 0 ]
	[ "$(grep -c "	$a	.*unservable kernel $x (x86_64) asks for the same name, a path without an architecture" "$t/out.tsv")" -eq 2 ]
	[ "$(grep -c "	$x	.*	build$" "$t/out.tsv")" -eq 2 ]
	# The plan builds the x86_64 probe alone under the flat name.
	mkdir -p "$t/dist"
	run "$FP_BIN/kernels-mk" outputs --distro ubuntu --driver-version 2.0.0+driver --release 0.32.1 \
		--outputs "$t/out.tsv" "$t/listing.tsv"
	run "$FP_BIN/plan" --distro ubuntu --kernels "$t/kernels" --list "$t/list" --dist "$t/dist" --outputs "2.0.0+driver=$t/out.tsv"
	[ "$status" -eq 0 ]
	[ "$(grep -c "^\$(DIST)/$o_path:" <<<"$output")" -eq 1 ]
	grep -qF "\$(call build_output,ubuntu,$x,bpf,0.32.1,2.0.0+driver,$r)" <<<"$output"
	! grep -qF "build_output,ubuntu,$a,bpf" <<<"$output"
}
