#!/usr/bin/env bats
# tests/setup_suite.bash: a sanitizer report from any tool fails the run, even from a tool whose
# failure the test expected (LeakSanitizer's exit status is the tool's own 1). Checked on a run
# of its own, with a program made here that leaks on its way out, as a tool's error path could.

setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/suite"
	cp "$BATS_TEST_DIRNAME/setup_suite.bash" "$T/suite/"
	cat >"$T/leak.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	char *p = malloc(64);
	strcpy(p, argc > 1 ? argv[1] : "x");
	p = NULL; /* lost: a leak */
	fprintf(stderr, "leak: cannot go on\n");
	return 1;
}
C
	cat >"$T/fine.c" <<'C'
#include <stdlib.h>
int main(void) { free(malloc(64)); return 1; }
C
	cc -fsanitize=address -g -o "$T/leak" "$T/leak.c"
	cc -fsanitize=address -g -o "$T/fine" "$T/fine.c"
}

# A bats file that runs PROGRAM and expects its failure, as the tests of error paths do.
suite_of() {
	printf '@test "the tool fails, as expected" {\n\trun %s\n\t[ "$status" -eq 1 ]\n}\n' "$1" >"$T/suite/t.bats"
}

# bats on that file alone, outside this run's own sanitizer options.
nested() {
	run env -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS -u FP_SAN_LOGS bats "$T/suite"
}

@test "sanitizers: a leak on an expected failure fails the run, with the report" {
	suite_of "$T/leak"
	nested
	[ "$status" -ne 0 ]
	[[ "$output" == *"ok 1 the tool fails, as expected"* ]]
	[[ "$output" == *"ERROR: LeakSanitizer: detected memory leaks"* ]]
	[[ "$output" == *"in main "*"leak.c:6"* ]]
	[[ "$output" == *"1 sanitizer report(s)"* ]]
}

@test "sanitizers: the same failure without a leak passes" {
	suite_of "$T/fine"
	nested
	[ "$status" -eq 0 ]
	[[ "$output" != *Sanitizer* ]]
}
