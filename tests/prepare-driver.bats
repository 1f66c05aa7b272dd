#!/usr/bin/env bats
# mk/prepare-driver.sh's refusals, run on its own: an upstream archive is taken by the content the
# table pins (tools/falconame.c), never by its bytes, and a driver tree of one's own must say which
# driver version it is. Whatever it refuses leaves no prepared tree behind.
#
# Hermetic: the falcosecurity/libs archive of 9.1.0+driver from ../shared/libs (FP_LIBS_DIR),
# read over file://, and the tiny driver tree (tests/fixtures/tiny-driver).

setup() {
	load lib/common
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs}
	T=$BATS_TEST_TMPDIR
}

@test "prepare-driver upstream: an archive whose content is not the pinned one is refused; other bytes of that content are taken" {
	[ -f "$LIBS/9.1.0+driver.tar.gz" ] || skip "no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
	pin=$("$FP_BIN/falco-name" --releases | awk -F'\t' '$1 == "0.43.1" { print $8 }')
	[ ${#pin} -eq 64 ]
	# One comment more in the module's sources: GitHub's archive of a moved tag would differ so.
	mkdir -p "$T/x"
	tar -xzf "$LIBS/9.1.0+driver.tar.gz" -C "$T/x"
	echo '/* not upstream */' >>"$T/x/libs-9.1.0+driver/driver/main.c"
	(cd "$T/x" && tar -czf "$T/other.tar.gz" .)
	run sh "$TOP/mk/prepare-driver.sh" upstream "$T/drv" 9.1.0+driver "file://$T/other.tar.gz" "$pin" "$T/downloads"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"driver version 9.1.0+driver: file://$T/other.tar.gz holds other sources (content "*", the table pins $pin): refusing it"* ]]
	[ ! -e "$T/drv/.prepared" ]
	[ ! -e "$T/drv.sha256" ]
	# Not kept for the next run to take without asking.
	[ -z "$(ls -A "$T/downloads")" ]
	# The same content compressed again: other bytes, the pinned content, taken.
	gzip -dc "$LIBS/9.1.0+driver.tar.gz" | gzip -1 >"$T/same.tar.gz"
	! cmp -s "$T/same.tar.gz" "$LIBS/9.1.0+driver.tar.gz" || false
	run sh "$TOP/mk/prepare-driver.sh" upstream "$T/drv" 9.1.0+driver "file://$T/same.tar.gz" "$pin" "$T/downloads"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "tree_sha256=$pin" "$T/drv/.prepared"
	grep -qx 'driver_version=9.1.0+driver' "$T/drv/.prepared"
}

@test "prepare-driver local: a driver tree that declares no driver version is refused, and prepares nothing" {
	cp -R "$TOP/tests/fixtures/tiny-driver" "$T/tree"
	sed -i '/^#define DRIVER_VERSION /d' "$T/tree/driver_config.h"
	! grep -q 'VERSION' "$T/tree/driver_config.h" || false
	run sh "$TOP/mk/prepare-driver.sh" local "$T/drv" "$T/tree"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"driver_config.h declares no DRIVER_VERSION (or PROBE_VERSION)"* ]]
	[ ! -e "$T/drv/.prepared" ]
	[ ! -e "$T/drv.mk" ]
	# The tree as shipped declares one, and is prepared.
	run sh "$TOP/mk/prepare-driver.sh" local "$T/drv" "$TOP/tests/fixtures/tiny-driver"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'DRIVER_TREE_VERSION := 9.9.9+test' "$T/drv.mk"
}
