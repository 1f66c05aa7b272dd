#!/usr/bin/env bats
# apt-release: checks a signed Release with gpgv and prints the hashes it vouches for. The
# repositories are real ones, built by tests/lib/aptrepo.bash with dpkg-deb, apt-ftparchive and
# gpg, once for the whole file.

setup_file() {
	load lib/aptrepo
	export REPO=$BATS_FILE_TMPDIR/repo OTHER=$BATS_FILE_TMPDIR/other
	aptrepo_init "$REPO"
	aptrepo_add_deb "$REPO" bookworm linux-kbuild-6.1 6.1.1-1 "" usr/lib/linux-kbuild-6.1/scripts/fixdep >/dev/null
	aptrepo_add_deb "$REPO" bookworm linux-headers-6.1.0-1-amd64 6.1.1-1 "linux-kbuild-6.1 (>= 6.1.1-1)" \
		usr/src/linux-headers-6.1.0-1-amd64/Makefile >/dev/null
	aptrepo_publish "$REPO" bookworm
	# The same packages under other suites, each published another way.
	local s
	for s in byhash xzonly plainonly expired fresh stable nosha256; do
		aptrepo_add_deb "$REPO" "$s" linux-kbuild-6.1 6.1.1-1 "" >/dev/null
	done
	aptrepo_publish "$REPO" byhash -o APT::FTPArchive::DoByHash=true \
		-o APT::FTPArchive::Release::Acquire-By-Hash=yes
	APTREPO_COMPRESS=xz aptrepo_publish "$REPO" xzonly
	APTREPO_COMPRESS='' aptrepo_publish "$REPO" plainonly
	aptrepo_publish "$REPO" expired -o APT::FTPArchive::Release::ValidTime=-86400
	aptrepo_publish "$REPO" fresh -o APT::FTPArchive::Release::ValidTime=86400
	aptrepo_publish "$REPO" stable -o APT::FTPArchive::Release::Codename=bookworm
	aptrepo_publish "$REPO" nosha256 -o APT::FTPArchive::SHA256=false -o APT::FTPArchive::SHA512=false
	# Another repository, another key: the same suite signed by a key not in REPO's keyring.
	aptrepo_init "$OTHER"
	aptrepo_add_deb "$OTHER" bookworm linux-kbuild-6.1 6.1.1-1 "" >/dev/null
	aptrepo_publish "$OTHER" bookworm
	# A key that expired in 2020, and a Release it signed while it was valid.
	export EXPIRED=$BATS_FILE_TMPDIR/expired-key REVOKED=$BATS_FILE_TMPDIR/revoked-key
	APTREPO_GPG_TIME=20200101T000000 APTREPO_KEY_EXPIRE=1d aptrepo_init "$EXPIRED"
	aptrepo_add_deb "$EXPIRED" bookworm linux-kbuild-6.1 6.1.1-1 "" >/dev/null
	APTREPO_GPG_TIME=20200101T120000 aptrepo_publish "$EXPIRED" bookworm
	# A key revoked after it signed.
	aptrepo_init "$REVOKED"
	aptrepo_add_deb "$REVOKED" bookworm linux-kbuild-6.1 6.1.1-1 "" >/dev/null
	aptrepo_publish "$REVOKED" bookworm
	cp "$(aptrepo_keyring "$REVOKED")" "$BATS_FILE_TMPDIR/before-revocation.gpg"
	aptrepo_revoke "$REVOKED"
	export KEYRING
	KEYRING=$(aptrepo_keyring "$REPO")
}

teardown_file() {
	load lib/aptrepo
	aptrepo_cleanup "$REPO"
	aptrepo_cleanup "$OTHER"
	aptrepo_cleanup "$EXPIRED"
	aptrepo_cleanup "$REVOKED"
}

setup() {
	load lib/common
	load lib/aptrepo
	APT_RELEASE=${FP_BIN:?}/apt-release
	D=$REPO/dists
}

teardown() {
	fp_http_stop_all
}

# The SHA256 line the Release lists for a file, as "sha size path".
release_line() {
	awk -v p="$2" '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $3 == p { print $1, $2, $3 }' "$1"
}

@test "apt-release: a good InRelease gives the sha256, size and path of Packages.gz" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/InRelease" --suite bookworm \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	f=$D/bookworm/main/binary-amd64/Packages.gz
	[ "$output" = "$(fp_sha256 "$f") $(stat -c %s "$f") main/binary-amd64/Packages.gz" ]
	[ "$output" = "$(release_line "$D/bookworm/Release" main/binary-amd64/Packages.gz)" ]
}

@test "apt-release: Release with a detached Release.gpg works the same" {
	run "$APT_RELEASE" --keyring "$KEYRING" --release "$D/bookworm/Release" \
		--signature "$D/bookworm/Release.gpg" --suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	f=$D/bookworm/main/binary-amd64/Packages.gz
	[ "$output" = "$(fp_sha256 "$f") $(stat -c %s "$f") main/binary-amd64/Packages.gz" ]
}

@test "apt-release: .xz is taken when there is no .gz, the plain file when there is neither" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/xzonly/InRelease" --suite xzonly \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	f=$D/xzonly/main/binary-amd64/Packages.xz
	[ "$output" = "$(fp_sha256 "$f") $(stat -c %s "$f") main/binary-amd64/Packages.xz" ]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/plainonly/InRelease" --suite plainonly \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	f=$D/plainonly/main/binary-amd64/Packages
	[ "$output" = "$(fp_sha256 "$f") $(stat -c %s "$f") main/binary-amd64/Packages" ]
}

@test "apt-release: with Acquire-By-Hash the by-hash path is given, and it holds that file" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/byhash/InRelease" --suite byhash \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	f=$D/byhash/main/binary-amd64/Packages.gz
	sha=$(fp_sha256 "$f")
	[ "$output" = "$sha $(stat -c %s "$f") main/binary-amd64/by-hash/SHA256/$sha" ]
	cmp "$f" "$D/byhash/main/binary-amd64/by-hash/SHA256/$sha"
}

@test "apt-release: one line per index, in order; an index the Release lacks fails naming it" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/InRelease" --suite bookworm \
		main/binary-amd64/Packages main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/InRelease" --suite bookworm \
		main/binary-amd64/Packages main/binary-arm64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$D/bookworm/InRelease"*"main/binary-arm64/Packages"* ]]
}

@test "apt-release: a tampered InRelease is refused, naming the keyring" {
	# One hash changed inside the signed text: the signature no longer holds.
	f=$D/bookworm/main/binary-amd64/Packages.gz
	sha=$(fp_sha256 "$f")
	sed "s/$sha/$(printf '%064d' 0)/" "$D/bookworm/InRelease" >"$BATS_TEST_TMPDIR/InRelease"
	[ "$(fp_sha256 "$D/bookworm/InRelease")" != "$(fp_sha256 "$BATS_TEST_TMPDIR/InRelease")" ]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$BATS_TEST_TMPDIR/InRelease" --suite bookworm \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$KEYRING"* ]]
	[[ "$output" == *"$BATS_TEST_TMPDIR/InRelease"* ]]
	[[ "$output" != *"$(printf '%064d' 0)"* ]]
}

@test "apt-release: a tampered Release is refused by its detached signature" {
	sed 's/^Suite: bookworm$/Suite: bookworm /' "$D/bookworm/Release" >"$BATS_TEST_TMPDIR/Release"
	[ "$(fp_sha256 "$D/bookworm/Release")" != "$(fp_sha256 "$BATS_TEST_TMPDIR/Release")" ]
	run "$APT_RELEASE" --keyring "$KEYRING" --release "$BATS_TEST_TMPDIR/Release" \
		--signature "$D/bookworm/Release.gpg" --suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$KEYRING"* ]]
}

@test "apt-release: unsigned text around the signed part is never read" {
	zero=$(printf '%064d' 0)
	{
		printf 'SHA256:\n %s 1 main/binary-amd64/Packages.gz\n' "$zero"
		cat "$D/bookworm/InRelease"
		printf 'Suite: evil\nSHA256:\n %s 1 main/binary-amd64/Packages.gz\n' "$zero"
	} >"$BATS_TEST_TMPDIR/InRelease"
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$BATS_TEST_TMPDIR/InRelease" --suite bookworm \
		main/binary-amd64/Packages
	# Refusing it would do too; taking the unsigned hash would not.
	[[ "$output" != *"$zero"* ]]
	if [ "$status" -eq 0 ]; then
		[ "$output" = "$(release_line "$D/bookworm/Release" main/binary-amd64/Packages.gz)" ]
	fi
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$BATS_TEST_TMPDIR/InRelease" --suite evil \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
}

@test "apt-release: a Release for another suite is refused" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/InRelease" --suite trixie \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$D/bookworm/InRelease"*"'trixie'"* ]]
	# A suite is accepted by its Suite or by its Codename.
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/stable/InRelease" --suite stable \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/stable/InRelease" --suite bookworm \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	# A prefix is not the suite.
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/InRelease" --suite book \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
}

@test "apt-release: an expired Valid-Until is refused; --now pins the time" {
	grep -q '^Valid-Until: ' "$D/expired/Release"
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/expired/InRelease" --suite expired \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$D/expired/InRelease"*expired* ]]
	until=$(date -d "$(sed -n 's/^Valid-Until: //p' "$D/expired/Release")" +%s)
	run "$APT_RELEASE" --now $((until - 3600)) --keyring "$KEYRING" --inrelease "$D/expired/InRelease" \
		--suite expired main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	[ "$output" = "$(release_line "$D/expired/Release" main/binary-amd64/Packages.gz)" ]
	# A Release valid for another day is good now, and stale two days from now.
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/fresh/InRelease" --suite fresh \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	run "$APT_RELEASE" --now $(($(date +%s) + 2 * 86400)) --keyring "$KEYRING" \
		--inrelease "$D/fresh/InRelease" --suite fresh main/binary-amd64/Packages
	[ "$status" -eq 1 ]
}

@test "apt-release: a Release signed by a key not in the keyring is refused" {
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$OTHER/dists/bookworm/InRelease" --suite bookworm \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$KEYRING"* ]]
	# It is good with its own key: the refusal above was the key's doing.
	run "$APT_RELEASE" --keyring "$(aptrepo_keyring "$OTHER")" --inrelease "$OTHER/dists/bookworm/InRelease" \
		--suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 0 ]
}

@test "apt-release: a Release signed by an expired or a revoked key is refused, as apt does" {
	# gpgv itself accepts both (exit 0, EXPKEYSIG or REVKEYSIG in its status).
	gpgv --keyring "$(aptrepo_keyring "$EXPIRED")" "$EXPIRED/dists/bookworm/InRelease"
	gpgv --status-fd 1 --keyring "$(aptrepo_keyring "$EXPIRED")" "$EXPIRED/dists/bookworm/InRelease" | grep -q EXPKEYSIG
	run "$APT_RELEASE" --keyring "$(aptrepo_keyring "$EXPIRED")" --inrelease "$EXPIRED/dists/bookworm/InRelease" \
		--suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$(aptrepo_keyring "$EXPIRED")"*"expired key"* ]]
	gpgv --status-fd 1 --keyring "$(aptrepo_keyring "$REVOKED")" "$REVOKED/dists/bookworm/InRelease" | grep -q REVKEYSIG
	run "$APT_RELEASE" --keyring "$(aptrepo_keyring "$REVOKED")" --release "$REVOKED/dists/bookworm/Release" \
		--signature "$REVOKED/dists/bookworm/Release.gpg" --suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"revoked key"* ]]
	# The same Release was good before the revocation.
	run "$APT_RELEASE" --keyring "$BATS_FILE_TMPDIR/before-revocation.gpg" --inrelease "$REVOKED/dists/bookworm/InRelease" \
		--suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 0 ]
}

@test "apt-release: a missing keyring, an unsigned file and a Release without SHA256 fail" {
	run "$APT_RELEASE" --keyring "$BATS_TEST_TMPDIR/none.gpg" --inrelease "$D/bookworm/InRelease" \
		--suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *"$BATS_TEST_TMPDIR/none.gpg"* ]]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/bookworm/Release" --suite bookworm \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[ "$(grep -c '^SHA256:' "$D/nosha256/Release")" -eq 0 ]
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$D/nosha256/InRelease" --suite nosha256 \
		main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	[[ "$output" == *SHA256* ]]
	run "$APT_RELEASE" --keyring "$KEYRING" --suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 2 ]
}

@test "apt-release: served over HTTP, InRelease and the index it names are fetched and agree" {
	fp_http_start "$REPO"
	"$FP_BIN/fetch" --quiet "$FP_HTTP_URL/dists/byhash/InRelease" "$BATS_TEST_TMPDIR/InRelease"
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$BATS_TEST_TMPDIR/InRelease" --suite byhash \
		main/binary-amd64/Packages
	[ "$status" -eq 0 ]
	read -r sha size path <<<"$output"
	"$FP_BIN/fetch" --quiet --sha256 "$sha" --size "$size" "$FP_HTTP_URL/dists/byhash/$path" \
		"$BATS_TEST_TMPDIR/Packages.gz"
	zcat "$BATS_TEST_TMPDIR/Packages.gz" | grep -qx 'Package: linux-kbuild-6.1'
}

# Signatures as apt counts them: one good one is enough, and one bad one spoils all.
@test "apt-release: a second signature by a key the keyring lacks does not spoil a good one (Ubuntu 16.04's InRelease)" {
	d=$REPO/dists/bookworm w=$BATS_TEST_TMPDIR
	# Clearsigned by both keys at once, as Ubuntu signs xenial: gpg with both secret keys.
	home=$(mktemp -d /tmp/gpg2.XXXXXX)
	for r in "$REPO" "$OTHER"; do
		_aptrepo_gpg "$r" --export-secret-keys | GNUPGHOME=$home gpg --batch --quiet --import 2>/dev/null
	done
	mapfile -t fprs < <(GNUPGHOME=$home gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10 }' | awk 'NR % 2 == 1')
	[ "${#fprs[@]}" -eq 2 ]
	GNUPGHOME=$home gpg --batch --quiet --pinentry-mode loopback --passphrase '' -u "${fprs[0]}" -u "${fprs[1]}" \
		--clearsign --output "$w/InRelease" "$d/Release"
	GNUPGHOME=$home gpgconf --kill gpg-agent
	rm -rf "$home"
	# gpgv itself fails it (exit 2: one signature it cannot check)...
	run gpgv --status-fd 1 --keyring "$KEYRING" "$w/InRelease"
	[ "$status" -eq 2 ]
	[ "$(echo "$output" | grep -c '^\[GNUPG:\] NEWSIG')" -eq 2 ]
	echo "$output" | grep -q '^\[GNUPG:\] GOODSIG '
	echo "$output" | grep -q '^\[GNUPG:\] NO_PUBKEY '
	# ...apt and apt-release accept it.
	run "$APT_RELEASE" --keyring "$KEYRING" --inrelease "$w/InRelease" --suite bookworm main/binary-amd64/Packages
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$APT_RELEASE" --keyring "$KEYRING" --inrelease "$d/InRelease" --suite bookworm main/binary-amd64/Packages)" ]
	# The same file with only the unknown key's signature is refused.
	run "$APT_RELEASE" --keyring "$(aptrepo_keyring "$OTHER")" --inrelease "$REPO/dists/bookworm/InRelease" \
		--suite bookworm main/binary-amd64/Packages
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'no good signature (signed by a key not in the keyring): refusing it'
}

@test "apt-release: a bad signature beside a good one is refused; so is a SHA-1 signature alone" {
	d=$REPO/dists/bookworm w=$BATS_TEST_TMPDIR
	_aptrepo_gpg "$REPO" --detach-sign --output "$w/good.sig" "$d/Release"
	_aptrepo_gpg "$OTHER" --detach-sign --output "$w/unknown.sig" "$d/Release"
	sed 's/^Suite: .*/Suite: sid/' "$d/Release" >"$w/Release.other"
	_aptrepo_gpg "$REPO" --detach-sign --output "$w/other.sig" "$w/Release.other"
	_aptrepo_agent_stop "$REPO"
	_aptrepo_agent_stop "$OTHER"
	# Two signature packets in one detached signature, as gpg writes them.
	cat "$w/good.sig" "$w/unknown.sig" >"$w/good+unknown.sig"
	run "$APT_RELEASE" --keyring "$KEYRING" --release "$d/Release" --signature "$w/good+unknown.sig" \
		--suite bookworm main/binary-amd64/Packages
	echo "$output"
	[ "$status" -eq 0 ]
	# A signature by a trusted key that does not match the file: it was altered.
	cat "$w/good.sig" "$w/other.sig" >"$w/good+bad.sig"
	gpgv --status-fd 1 --keyring "$KEYRING" "$w/good+bad.sig" "$d/Release" 2>/dev/null | grep -q "^\[GNUPG:\] BADSIG "
	run "$APT_RELEASE" --keyring "$KEYRING" --release "$d/Release" --signature "$w/good+bad.sig" \
		--suite bookworm main/binary-amd64/Packages
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'a bad signature by key [0-9A-F]* (the file is not what was signed): refusing it'
	# SHA-1, which apt no longer trusts.
	_aptrepo_gpg "$REPO" --digest-algo SHA1 --detach-sign --output "$w/sha1.sig" "$d/Release" 2>/dev/null
	_aptrepo_agent_stop "$REPO"
	gpgv --status-fd 1 --keyring "$KEYRING" "$w/sha1.sig" "$d/Release" 2>/dev/null | grep -q '^\[GNUPG:\] VALIDSIG .* 2 00 '
	run "$APT_RELEASE" --keyring "$KEYRING" --release "$d/Release" --signature "$w/sha1.sig" \
		--suite bookworm main/binary-amd64/Packages
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'no good signature (only a weak digest, SHA-1 or older): refusing it'
}
