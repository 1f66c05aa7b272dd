#!/usr/bin/env bats
# The fuzz harnesses of mk/fuzz.mk (tools/fuzz/): each runs briefly (FP_FUZZ_SECONDS, default
# 5: a smoke run in make check; bench/fuzz.sh is the campaign) from its seeds, on a corpus of
# its own, and must find no crash, leak or hang; every input
# that once crashed a harness (tests/fixtures/fuzz/<harness>/, each a bug fixed) must run clean;
# and the runner, mk/fuzz.sh, must report a crash and fail (harnesses made here that crash).
# The campaign that finds such inputs is bench/fuzz.sh.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export SECONDS_EACH=${FP_FUZZ_SECONDS:-5}
	cd "$TOP" || return 1
	# The harnesses and their seeds, built as make fuzz builds them (seeds with the plain tools).
	make -s --no-print-directory fuzzers fuzz-seeds >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
	export FUZZ_ROOT=$TOP/build/fuzz
}

# fuzz NAME: runs harness NAME for SECONDS_EACH on a fresh corpus grown from its seeds.
fuzz() {
	cd "$TOP" || return 1
	local mode
	mode=$(stat -c %a "$TOP")
	FUZZ_BIN=$FUZZ_ROOT/bin/fuzz_$1 FUZZ_SEEDS=$FUZZ_ROOT/$1/seeds FUZZ_WORK=$BATS_TEST_TMPDIR/$1 \
		run mk/fuzz.sh "$1" "$SECONDS_EACH"
	echo "$output"
	[ "$status" -eq 0 ]
	# It ran: inputs executed, and the corpus holds at least the seeds that gave coverage.
	[[ "${lines[0]}" =~ ^$1:\ [1-9][0-9]*\ execs,.*\ cov\ [1-9][0-9]*\ .*corpus\ [1-9][0-9]*\ .*crashes\ 0$ ]]
	# Nothing a harness does reaches the checkout it runs from.
	[ "$(stat -c %a "$TOP")" = "$mode" ]
}

@test "fuzz: every harness of mk/fuzz.mk is run here, and has seeds" {
	cd "$TOP"
	local listed here
	listed=$(make -s --no-print-directory print-FUZZERS | tr ' ' '\n' | sed '/^$/d' | sort)
	here=$(sed -n 's/^@test "fuzz: \([a-z-]*\) runs .*/\1/p' "$BATS_TEST_FILENAME" | sort)
	[ "$listed" = "$here" ]
	for h in $listed; do
		[ -n "$(ls -A "$FUZZ_ROOT/$h/seeds")" ]
	done
}

@test "fuzz: deb-index runs clean" { fuzz deb-index; }
@test "fuzz: apt-release runs clean" { fuzz apt-release; }
@test "fuzz: rpmmd-repomd runs clean" { fuzz rpmmd-repomd; }
@test "fuzz: rpmmd-primary runs clean" { fuzz rpmmd-primary; }
@test "fuzz: rpmmd-mirrorlist runs clean" { fuzz rpmmd-mirrorlist; }
@test "fuzz: cos-page runs clean" { fuzz cos-page; }
@test "fuzz: cos-archive runs clean" { fuzz cos-archive; }
@test "fuzz: extract runs clean" { fuzz extract; }
@test "fuzz: repo runs clean" { fuzz repo; }
@test "fuzz: bpf-load runs clean" { fuzz bpf-load; }
@test "fuzz: verify-events runs clean" { fuzz verify-events; }
@test "fuzz: falconame runs clean" { fuzz falconame; }
@test "fuzz: kernels-mk runs clean" { fuzz kernels-mk; }
@test "fuzz: plan runs clean" { fuzz plan; }

@test "fuzz: every input that crashed a harness once runs clean now" {
	cd "$TOP"
	local dir h n=0
	for dir in tests/fixtures/fuzz/*/; do
		h=$(basename "$dir")
		[ -x "$FUZZ_ROOT/bin/fuzz_$h" ] || { echo "$dir: no harness fuzz_$h"; return 1; }
		# Each input once, as libFuzzer runs files it is given; a crash or a leak fails.
		local mode
		mode=$(stat -c %a "$TOP")
		run env ASAN_OPTIONS=detect_leaks=1:log_path=stderr "$FUZZ_ROOT/bin/fuzz_$h" -close_fd_mask=3 "$dir"*
		echo "$output" | tail -n 30
		[ "$status" -eq 0 ]
		# extract/dotdir-mode-then-refused: a ./ of mode 0050, then a refused entry; the writer
		# the dying tool held set that mode, when released, on the checkout.
		[ "$(stat -c %a "$TOP")" = "$mode" ]
		n=$((n + $(find "$dir" -type f | wc -l)))
	done
	[ "$n" -gt 0 ]
}

# A harness of its own that fails on one input as a harness fails on a bug: the runner must
# say so, keep the input and fail.
toy() {
	# It compares hashes, which a fuzzer cannot work back, so that it finds nothing else.
	cat >"$BATS_TEST_TMPDIR/toy.c" <<'C'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
static uint64_t hash(const uint8_t *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	while (n--)
		h = (h ^ *s++) * 1099511628211ull;
	return h;
}
static int is(const uint8_t *data, size_t size, const char *s)
{
	return hash(data, size) == hash((const uint8_t *)s, strlen(s));
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (is(data, size, "boom, said the seed")) {
		char *p = malloc(4);
		memcpy(p, data, size); /* a heap overflow */
		free(p);
	}
	if (is(data, size, "leak"))
		malloc(100);
	return 0;
}
C
	clang -g -fsanitize=fuzzer,address -o "$BATS_TEST_TMPDIR/toy" "$BATS_TEST_TMPDIR/toy.c"
	mkdir -p "$BATS_TEST_TMPDIR/seeds"
	printf '%s' "$1" >"$BATS_TEST_TMPDIR/seeds/one"
	cd "$TOP"
	FUZZ_BIN=$BATS_TEST_TMPDIR/toy FUZZ_SEEDS=$BATS_TEST_TMPDIR/seeds FUZZ_WORK=$BATS_TEST_TMPDIR/w \
		run mk/fuzz.sh toy 5
	echo "$output"
}

@test "fuzz: the runner fails on a crash, names the input and shows the report" {
	toy 'boom, said the seed'
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "toy: "*", crashes 1" ]]
	[[ "$output" == *"crash: $BATS_TEST_TMPDIR/w/crashes/crash-"* ]]
	[[ "$output" == *"ERROR: AddressSanitizer: heap-buffer-overflow"* ]]
	[[ "$output" == *"in LLVMFuzzerTestOneInput "*"toy.c:19"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR"/w/crashes/crash-*)" = 'boom, said the seed' ]
}

@test "fuzz: the runner fails on a leak, and not on a harness that finds nothing" {
	toy 'leak'
	[ "$status" -eq 1 ]
	[[ "$output" == *"crash: $BATS_TEST_TMPDIR/w/crashes/leak-"* ]]
	[[ "$output" == *"ERROR: LeakSanitizer: detected memory leaks"* ]]
	rm -rf "$BATS_TEST_TMPDIR/w"
	toy 'calm'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "toy: "*" execs, "*", crashes 0" ]]
}
