#!/usr/bin/env bats
# tools/kernels-mk writes make text from a listing that came off a mirror: what would change
# the meaning of that text is refused, naming the line; what make takes literally in a value
# (a mirror's port) is kept as it is.

setup() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	SHA=$(printf '%064d' 0)
}

# line URL: a listing line of one kernel with one package at URL.
line() {
	printf 'debian/os-release\tx86_64\t6.1.0-9-amd64\t#1 SMP Debian 6.1.27-1\tusr/src/linux-headers-6.1.0-9-amd64\t%s|%s|1234\t-\n' "$1" "$SHA"
}

@test "kernels-mk: a mirror URL with a port, or a \$(VARIABLE) mirror, is written as it is" {
	for url in 'http://127.0.0.1:8080/pool/l/linux-headers.deb' '$(debian_MIRROR)/pool/l/linux-headers.deb'; do
		line "$url" >"$BATS_TEST_TMPDIR/listing.tsv"
		run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/listing.tsv"
		echo "$output"
		[ "$status" -eq 0 ]
		grep -qxF "PKG.$SHA := 1234 $url" <<<"$output"
	done
}

@test "kernels-mk: a URL that would expand, end the value or start a comment in make is refused, naming the line" {
	for url in 'http://x/$(HOME).deb' 'http://x/${HOME}.deb' 'http://x/a;b.deb' 'http://x/a#b.deb' \
		'http://x/$$.deb' '$(debian_MIRROR' 'http://x/a\b.deb' "http://x/a'b.deb" 'http://x/a`b`.deb'; do
		line "$url" >"$BATS_TEST_TMPDIR/listing.tsv"
		run "$FP_BIN/kernels-mk" kernels --distro debian --ids "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/listing.tsv"
		echo "$url: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"$BATS_TEST_TMPDIR/listing.tsv:1: "*"a character make cannot take"* ]]
	done
}
