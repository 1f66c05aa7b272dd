# Run once around every bats run of tests/ (bats reads it from the first test file's directory).
#
# The tools under test are sanitizer builds (build/san/bin, SAN=1). Each sanitizer report
# (AddressSanitizer, LeakSanitizer with detect_leaks=1, UndefinedBehaviorSanitizer) is written
# to a file of its own under FP_SAN_LOGS instead of stderr, and the run fails at its end when
# there is one, printing them. Without that, a tool that leaks on its way to a failure the test
# expects (exit 1) would pass: LeakSanitizer's exit status is 1 as well, and its report would only
# go to an output nobody reads. A test that wants a report in its own output sets log_path=stderr
# after these options (the later value wins).

setup_suite() {
	export FP_SAN_LOGS=${BATS_SUITE_TMPDIR:?}/sanitizer
	mkdir -p "$FP_SAN_LOGS"
	export ASAN_OPTIONS=detect_leaks=1:log_path=$FP_SAN_LOGS/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}
	export LSAN_OPTIONS=${LSAN_OPTIONS:-}
	export UBSAN_OPTIONS=print_stacktrace=1:log_path=$FP_SAN_LOGS/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
}

teardown_suite() {
	local reports
	reports=$(find "$FP_SAN_LOGS" -type f | sort)
	[ -n "$reports" ] || return 0
	local f
	for f in $reports; do
		echo "# sanitizer report $f:"
		sed 's/^/#   /' "$f"
	done >&3
	echo "# $(wc -l <<<"$reports") sanitizer report(s): a tool leaked or misbehaved (see above)" >&3
	return 1
}
