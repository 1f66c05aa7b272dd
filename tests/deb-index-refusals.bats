#!/usr/bin/env bats
# deb-index refuses a kernel package it cannot pin: no SHA256 (or Version, Filename, Size) and a
# SHA256 that is not 64 hex digits are told apart by their messages, each naming the file, the
# line and the package. A package without a hash to pin would be downloaded unverified.

setup() {
	FIX=$BATS_TEST_DIRNAME/fixtures/debian
	DEB_INDEX=${FP_BIN:?}/deb-index
	T=$BATS_TEST_TMPDIR
	cd "${FP_TOP:-$BATS_TEST_DIRNAME/..}"
}

# edit SED: bookworm's index with SED applied to linux-headers-6.1.0-50-amd64's stanza only.
edit() {
	awk -v RS= -v ORS='\n\n' -v s="$1" '/^Package: linux-headers-6\.1\.0-50-amd64\n/ { if (s == "nosha") sub(/\nSHA256: [0-9a-f]*/, "");
		else if (s == "badsha") sub(/\nSHA256: [0-9a-f]/, "\nSHA256: X");
		else if (s == "shortsha") sub(/\nSHA256: [0-9a-f]/, "\nSHA256: ");
		else if (s == "nofilename") sub(/\nFilename: [^\n]*/, "") } { print }' "$FIX/bookworm.Packages" >"$T/Packages"
}

index() {
	"$DEB_INDEX" --style debian --uname-m x86_64 --index distros/os-release/debian-12 M "$T/Packages"
}

@test "deb-index: a kernel package without SHA256 is refused as lacking it, naming file, line and package" {
	edit nosha
	run index
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/Packages:"[0-9]*"package linux-headers-6.1.0-50-amd64 lacks Version, Filename, Size or SHA256"* ]]
}

@test "deb-index: a kernel package without Filename is refused as lacking it" {
	edit nofilename
	run index
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"package linux-headers-6.1.0-50-amd64 lacks Version, Filename, Size or SHA256"* ]]
}

@test "deb-index: a SHA256 that is not 64 lowercase hex digits is refused as malformed" {
	edit badsha
	run index
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/Packages:"[0-9]*"package linux-headers-6.1.0-50-amd64 has a malformed SHA256"* ]]
	edit shortsha
	run index
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"package linux-headers-6.1.0-50-amd64 has a malformed SHA256"* ]]
}

@test "deb-index: the unedited index lists the kernel, so the refusals above are the edits'" {
	edit none
	run index
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"linux-headers-6.1.0-50-amd64"* ]]
}
