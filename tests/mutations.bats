#!/usr/bin/env bats
# The mutation list stays true to the code: every mutation's text occurs exactly once in its
# file, so that `make mutate` runs each of them (a change to the code that leaves one stale is
# caught here, in seconds, not at the next campaign).

setup() {
	TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
}

@test "mutations: every mutation of tests/mutations.txt applies to the tree as it is" {
	run bash "$TOP/tests/mutate.sh" --applies
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^mutate: \([0-9]*\) of \1 mutations apply; '
}

@test "mutations: a mutation whose text the code no longer holds is refused, naming it" {
	{
		cat "$TOP/tests/mutations.txt"
		printf '\nid: gone\nfile: tools/plan.c\nfind: text no code holds\nreplace: x\ntests: plan-goals.bats\nwhy: none\n'
	} >"$BATS_TEST_TMPDIR/list"
	MUTATE_LIST=$BATS_TEST_TMPDIR/list run bash "$TOP/tests/mutate.sh" --applies gone
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q '^gone .* error .*stale: the text to replace occurs 0 times in .*/tools/plan.c'
}
