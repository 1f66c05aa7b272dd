#!/usr/bin/env bats
# tools/common.c and tools/common-sha256.c, through the tools that use them: SHA-256 against the
# published test vectors (FIPS 180-2, appendix B; NIST's example values), read by fetch as the
# pin of a file:// download, which is how every package gets checked.

setup() {
	FETCH=${FP_BIN:?}/fetch
	T=$BATS_TEST_TMPDIR
}

# vector NAME DIGEST: the file T/NAME must fetch pinned to DIGEST, and to nothing else.
vector() {
	run "$FETCH" --retries 0 --sha256 "$2" "file://$T/$1" "$T/$1.out"
	[ "$status" -eq 0 ]
	cmp "$T/$1" "$T/$1.out"
	# The same bytes already in OUT are hashed in place and left alone.
	run "$FETCH" --retries 0 --sha256 "$2" "file://$T/nowhere" "$T/$1.out"
	[ "$status" -eq 0 ]
	# One digit off is refused, naming the digest it got.
	local other=${2:0:63}$( [ "${2:63}" = 0 ] && echo 1 || echo 0)
	run "$FETCH" --retries 0 --sha256 "$other" "file://$T/$1" "$T/$1.other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"SHA-256 $2, expected $other: refusing it"* ]]
	[ ! -e "$T/$1.other" ]
}

@test "common: SHA-256 of the empty message" {
	: >"$T/empty"
	vector empty e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
}

@test "common: SHA-256 of \"abc\"" {
	printf abc >"$T/abc"
	vector abc ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
}

@test "common: SHA-256 of the 448-bit message (its padding takes a second block)" {
	printf abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq >"$T/448"
	[ "$(stat -c %s "$T/448")" -eq 56 ]
	vector 448 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
}

@test "common: SHA-256 of one million 'a' (read in many blocks)" {
	head -c 1000000 /dev/zero | tr '\0' a >"$T/million"
	[ "$(stat -c %s "$T/million")" -eq 1000000 ]
	vector million cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0
}

@test "common: a --sha256 that is not 64 lowercase hex digits is refused, named" {
	printf abc >"$T/abc"
	for bad in BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD \
		ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a \
		ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adz; do
		run "$FETCH" --sha256 "$bad" "file://$T/abc" "$T/out"
		[ "$status" -eq 1 ]
		[ "$output" = "fetch: --sha256 needs 64 lowercase hex digits, got '$bad'" ]
		[ ! -e "$T/out" ]
	done
}
