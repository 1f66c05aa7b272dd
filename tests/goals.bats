#!/usr/bin/env bats
# Settings and goals a user runs that no other file runs: MIRRORS_FROM_APT=1 (the README's
# CI mode), REFRESH=0 against a Debian-shaped mirror that has gone, `make all` and `make clean`.
# Hermetic: a real signed apt repository (lib/aptrepo) served on loopback, tiny kernels.

load lib/common
load lib/aptrepo

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export ARCHIVE=$BATS_FILE_TMPDIR/repo
	aptrepo_init "$ARCHIVE"
	local kbuild=$TOP/tests/fixtures/tiny-kernel/Makefile tree=usr/src/linux-headers-9.9.0-1-amd64
	aptrepo_add_deb "$ARCHIVE" bookworm linux-headers-9.9.0-1-common 9.9.3-1 "" \
		"usr/src/linux-headers-9.9.0-1-common/Makefile<$kbuild" >/dev/null
	aptrepo_add_deb "$ARCHIVE" bookworm linux-headers-9.9.0-1-amd64 9.9.3-1 "linux-headers-9.9.0-1-common (= 9.9.3-1)" \
		"$tree/Makefile=include /usr/src/linux-headers-9.9.0-1-common/Makefile" \
		"$tree/include/generated/utsrelease.h=#define UTS_RELEASE \"9.9.0-1-amd64\"" \
		"$tree/include/generated/utsversion.h=#define UTS_VERSION \"#1 SMP PREEMPT_DYNAMIC Debian 9.9.3-1 (2026-01-01)\"" >/dev/null
	aptrepo_publish "$ARCHIVE" bookworm >/dev/null
	export KEYRING
	KEYRING=$(aptrepo_keyring "$ARCHIVE")
	export PROBE=9.9.9+test/x86_64/falco_debian_9.9.3-1-amd64_1.o
}

teardown_file() {
	aptrepo_cleanup "$ARCHIVE"
}

setup() {
	load lib/common
}

teardown() {
	fp_http_stop_all
}

# dmake DIR MIRROR ARGS...: make with DIR's directories, Debian's bookworm at MIRROR.
dmake() {
	fp_make "$1" WORK_DIR="$1/work" DISTROS=debian MIRROR_debian="$2" debian_SUITES='bookworm|MIRROR_debian|debian-12' \
		debian_KEYRING="$KEYRING" debian_ARCHES='x86_64|amd64|amd64' DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "${@:3}"
}

@test "MIRRORS_FROM_APT=1 takes the Debian mirrors from apt's sources, deb822 or one-line; without it, the official ones" {
	local apt=$BATS_TEST_TMPDIR/apt
	mkdir -p "$apt/sources.list.d"
	cat >"$apt/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://security.invalid/debian-security
Suites: bookworm-security
Components: main
SRC
	run env FP_APT_DIR="$apt" make -s -C "$TOP" --no-print-directory MIRRORS_FROM_APT=1 print-MIRROR_debian
	[ "$status" -eq 0 ]
	[ "$output" = http://mirror.invalid/debian ]
	run env FP_APT_DIR="$apt" make -s -C "$TOP" --no-print-directory MIRRORS_FROM_APT=1 print-MIRROR_debian_security
	[ "$status" -eq 0 ]
	[ "$output" = http://security.invalid/debian-security ]
	# One-line entries, with options, as older hosts have them.
	rm "$apt/sources.list.d/debian.sources"
	printf '%s\n' '# a comment' 'deb [signed-by=/usr/share/keyrings/x.gpg] http://old.invalid/debian trixie main' \
		'deb http://old.invalid/debian-security trixie-security main' >"$apt/sources.list"
	run env FP_APT_DIR="$apt" make -s -C "$TOP" --no-print-directory MIRRORS_FROM_APT=1 print-MIRROR_debian
	[ "$status" -eq 0 ]
	[ "$output" = http://old.invalid/debian ]
	run env FP_APT_DIR="$apt" make -s -C "$TOP" --no-print-directory MIRRORS_FROM_APT=1 print-MIRROR_debian_security
	[ "$status" -eq 0 ]
	[ "$output" = http://old.invalid/debian-security ]
	# Not asked for: the distribution's official mirrors, whatever apt says.
	run env FP_APT_DIR="$apt" make -s -C "$TOP" --no-print-directory print-MIRROR_debian
	[ "$status" -eq 0 ]
	[ "$output" = http://ftp.debian.org/debian ]
}

@test "REFRESH=0 lists and builds from the indexes already downloaded when the mirror has gone; by default that fails naming it" {
	local d=$BATS_TEST_TMPDIR/r
	fp_http_start "$ARCHIVE"
	url=$FP_HTTP_URL
	run dmake "$d" "$url" list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	cp "$d/build/listing/debian.tsv" "$BATS_TEST_TMPDIR/listed.tsv"
	[ -s "$BATS_TEST_TMPDIR/listed.tsv" ]
	fp_http_stop
	# The mirror has gone: the default run asks it, and says it does not answer.
	run dmake "$d" "$url" list-debian
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$url/dists/bookworm"* ]]
	# REFRESH=0 asks nothing, and the listing is what it was.
	run dmake "$d" "$url" REFRESH=0 list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/listed.tsv" "$d/build/listing/debian.tsv"
	# Its packages were never downloaded: the probe fails on the package, naming the URL.
	run dmake "$d" "$url" REFRESH=0 -k "$d/dist/$PROBE"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$url/pool/"* ]]
	# With the mirror back, REFRESH=0 builds it.
	fp_http_start "$ARCHIVE"
	run dmake "$d" "$FP_HTTP_URL" REFRESH=0 "$d/dist/$PROBE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$d/dist/$PROBE" ]
}

@test "make all builds every listed distribution's outputs; make clean removes what make made, and the next run makes it again" {
	local d=$BATS_TEST_TMPDIR/a
	run dmake "$d" "file://$ARCHIVE" all
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'debian: 1 outputs: 1 built, 0 up to date, 0 failed'
	[ -f "$d/dist/$PROBE" ]
	# The package cache is kept: it is valid for any later run.
	[ -n "$(ls -A "$d/cache/packages")" ]
	run dmake "$d" "file://$ARCHIVE" clean
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$d/build" ]
	[ ! -e "$d/dist/$PROBE" ]
	[ -z "$(ls -A "$d/kernels" 2>/dev/null)" ]
	[ ! -e "$d/work" ]
	[ -n "$(ls -A "$d/cache/packages")" ]
	run dmake "$d" "file://$ARCHIVE" all
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx 'debian: 1 outputs: 1 built, 0 up to date, 0 failed'
	# Nothing fetched again: the cache survived the clean.
	! echo "$output" | grep -q '^  FETCH   .*\.deb$' || false
}

# A tree of the project to run make in, as a clone has it: its own build/, cache/, dist/ and
# kernels/ (the sources linked, not copied).
project_tree() {
	mkdir -p "$1/kernels" "$1/dist"
	local f
	for f in Makefile mk tools distros; do
		ln -s "$TOP/$f" "$1/$f"
	done
}

@test "goals: directories relative to the tree (the defaults, or given so) build a probe and a module; a goal is named relative" {
	source "$TOP/tests/lib/tinyrepo.bash"
	local t=$BATS_TEST_TMPDIR/tree
	project_tree "$t"
	tinyrepo_setup "$BATS_TEST_TMPDIR/tiny" 9.9.0-1 >/dev/null
	# And a kernel the tiny driver does not compile for: its failure is read by a tool of the tree's
	# own (no BIN given: the tree builds what it runs).
	# shellcheck disable=SC2046
	listing_line "$BATS_TEST_TMPDIR/tiny/os-release" 9.9.0-2 $(TINY_UTS_EXTRA='#error "this kernel breaks the tiny driver"' \
		tinykernel_debs "$BATS_TEST_TMPDIR/tiny/debs" 9.9.0-2 amd64 9.9.0-2) >>"$LISTING"
	local tiny=(DISTROS=tiny tiny_FAMILY=listing tiny_LISTING="$LISTING" tiny_NAMES='falco_debian_%'
		tiny_FIXUP=mk/fixup-debian.sh DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver")
	local ko=9.9.9+kmod/x86_64/falco_debian_9.9.0-1-amd64_1.ko
	# The defaults: build, cache, dist, kernels in the tree; the work trees where make puts them.
	run bash -c 'cd "$1" && shift && make --no-print-directory "$@" -k tiny' sh "$t" "${tiny[@]}"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -qx 'tiny: 4 outputs: 3 built, 0 up to date, 1 failed'
	[ -s "$t/dist/$ko" ] && [ -s "$t/dist/${ko%.ko}.o" ]
	grep -qxF 'reason=kbuild failed: include/generated/utsrelease.h:2:2: error: "this kernel breaks the tiny driver"' \
		"$t/build/verdicts/9.9.9+kmod/x86_64/falco_debian_9.9.0-2-amd64_1.o"
	grep -q '^kbuild-time:' "$t/build/logs/${ko%.ko}.o.log"
	grep -q '^kbuild-time:' "$t/build/logs/$ko.log"
	# Each given relative, WORK_DIR too; and one output named by its path relative to make's
	# directory, as README names one.
	run bash -c 'cd "$1" && shift && make --no-print-directory "$@" BUILD=b CACHE=c DIST=d KERNELS=k WORK_DIR=w "d/'"$ko"'"' \
		sh "$t" "${tiny[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -s "$t/d/$ko" ] && [ ! -e "$t/d/${ko%.ko}.o" ]
	cmp "$t/d/$ko" "$t/dist/$ko"
	grep -q '^kbuild-time:' "$t/b/logs/$ko.log"
	[ -d "$t/c/packages" ] && [ -d "$t/k/9.9.9+kmod" ]
	# (The run's guardian removes its work trees once make has exited.)
	for _ in $(seq 1 50); do [ -z "$(ls -A "$t/w" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -z "$(ls -A "$t/w" 2>/dev/null)" ]
	# list-<distro> shows the paths as DIST was given.
	run bash -c 'cd "$1" && shift && make --no-print-directory "$@" DIST=d list-tiny' sh "$t" "${tiny[@]}"
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx "d/$ko"
}
