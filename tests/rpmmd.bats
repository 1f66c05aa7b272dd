#!/usr/bin/env bats
# The rpm-md family, hermetically: real rpms (rpmbuild, zstd and xz payloads) in real
# repositories (createrepo_c: gz, xz, bz2 and, where this createrepo_c has it, zstd metadata;
# with and without sqlite databases) laid out as Amazon Linux 2's CDN is: mirror.list files
# naming https://cdn.amazonlinux.com with $basearch, repositories under GUIDs, packages in a
# shared blobstore reached by ../../../../../blobstore/<sha256>/... The distribution data is the
# real distros/amazonlinux2.mk; only MIRROR_amazonlinux2 points at a copy served on 127.0.0.1
# (or read over file://).

load lib/common
# shellcheck source=tests/lib/rpmrepo.bash
source "$BATS_TEST_DIRNAME/lib/rpmrepo.bash"

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export R=${FP_BIN:?}/rpmmd-index
	export W=$BATS_FILE_TMPDIR
	local top=$W/rpmbuild srv=$W/srv
	export SRV=$srv

	# core: two kernels, one with its image package; and a package that is no kernel tree.
	local d1 i1 d0 h1 d2 i2 d3 a1
	d1=$(rpmrepo_build "$top" kernel-devel 4.14.232 176.381.amzn2 w19.zstdio x86_64)
	i1=$(rpmrepo_build "$top" kernel 4.14.232 176.381.amzn2 w9.xzdio x86_64)
	d0=$(rpmrepo_build "$top" kernel-devel 4.14.181 142.260.amzn2 w9.xzdio x86_64)
	h1=$(rpmrepo_build "$top" kernel-headers 4.14.232 176.381.amzn2 w9.xzdio x86_64)
	a1=$(rpmrepo_build "$top" kernel-devel 4.14.232 176.381.amzn2 w19.zstdio aarch64)
	# extras kernel-5.10 and kernel-5.15.
	d2=$(rpmrepo_build "$top" kernel-devel 5.10.236 227.928.amzn2 w9.xzdio x86_64)
	i2=$(rpmrepo_build "$top" kernel 5.10.236 227.928.amzn2 w19.zstdio x86_64)
	d3=$(rpmrepo_build "$top" kernel-devel 5.15.180 1.1.amzn2 w19.zstdio x86_64)
	export B_D1 B_I1 B_D0 B_H1 B_A1 B_D2 B_I2 B_D3
	B_D1=$(rpmrepo_blob "$srv" "$d1") B_I1=$(rpmrepo_blob "$srv" "$i1")
	B_D0=$(rpmrepo_blob "$srv" "$d0") B_H1=$(rpmrepo_blob "$srv" "$h1")
	B_A1=$(rpmrepo_blob "$srv" "$a1")
	B_D2=$(rpmrepo_blob "$srv" "$d2") B_I2=$(rpmrepo_blob "$srv" "$i2")
	B_D3=$(rpmrepo_blob "$srv" "$d3")

	# core/2.0 and core/latest name one repository (as they do on the CDN); with sqlite.
	rpmrepo_al2 "$srv" 2/core/2.0/x86_64/c0ffee01 gz -- "$B_D1" "$B_I1" "$B_D0" "$B_H1"
	rpmrepo_al2 "$srv" 2/core/2.0/aarch64/c0ffee02 gz --no-database -- "$B_A1"
	rpmrepo_al2 "$srv" 2/extras/kernel-5.10/stable/x86_64/c0ffee03 xz --no-database -- "$B_D2" "$B_I2"
	export ZSTD_METADATA=bz2
	rpmrepo_has_zstd && ZSTD_METADATA=zstd
	rpmrepo_al2 "$srv" 2/extras/kernel-5.15/stable/x86_64/c0ffee04 "$ZSTD_METADATA" --no-database -- "$B_D3"
	local cdn=https://cdn.amazonlinux.com arch
	for arch in x86_64 aarch64; do
		mkdir -p "$srv/2/core/2.0/$arch" "$srv/2/core/latest/$arch"
	done
	# $basearch as yum writes it, and a trailing slash as some lists have.
	echo "$cdn/2/core/2.0/\$basearch/c0ffee01" >"$srv/2/core/2.0/x86_64/mirror.list"
	echo "$cdn/2/core/2.0/\$basearch/c0ffee01/" >"$srv/2/core/latest/x86_64/mirror.list"
	echo "$cdn/2/core/2.0/\$basearch/c0ffee02" >"$srv/2/core/2.0/aarch64/mirror.list"
	echo "$cdn/2/core/2.0/\$basearch/c0ffee02" >"$srv/2/core/latest/aarch64/mirror.list"
	mkdir -p "$srv/2/extras/kernel-5.10/latest/x86_64" "$srv/2/extras/kernel-5.15/latest/x86_64"
	printf '%s\n%s\n' "$cdn/2/extras/kernel-5.10/stable/\$basearch/c0ffee03" "https://elsewhere.invalid/x" \
		>"$srv/2/extras/kernel-5.10/latest/x86_64/mirror.list"
	echo "$cdn/2/extras/kernel-5.15/stable/x86_64/c0ffee04" >"$srv/2/extras/kernel-5.15/latest/x86_64/mirror.list"
	# kernel-5.4 and kernel-ng are missing here: optional repositories, skipped with a note.

	rpmrepo_serve "$srv" "$W/http.log"
	export HTTP_PID HTTP_URL
}

teardown_file() {
	[ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
}

# One listing line: os-release, uname -m, uname -r, uname -v, tree, package, image.
line() {
	local arch=$1 release=$2 devel=$3 image=$4 m='$(MIRROR_amazonlinux2)'
	local img=-
	if [ "$image" != - ]; then
		img="$m/blobstore/$image|${image%%/*}|$(stat -c %s "$SRV/blobstore/$image")"
	fi
	printf 'distros/os-release/amzn-2\t%s\t%s\t#1 SMP\tusr/src/kernels/%s\t%s|%s|%s\t%s\n' "$arch" "$release" \
		"$release" "$m/blobstore/$devel" "${devel%%/*}" "$(stat -c %s "$SRV/blobstore/$devel")" "$img"
}

expected_listing() {
	{
		line x86_64 4.14.232-176.381.amzn2.x86_64 "$B_D1" "$B_I1"
		line x86_64 4.14.181-142.260.amzn2.x86_64 "$B_D0" -
		line x86_64 5.10.236-227.928.amzn2.x86_64 "$B_D2" "$B_I2"
		line x86_64 5.15.180-1.1.amzn2.x86_64 "$B_D3" -
		if [ "${1:-}" = aarch64 ]; then
			line aarch64 4.14.232-176.381.amzn2.aarch64 "$B_A1" -
		fi
	} | LC_ALL=C sort
}

# make on a private build and cache, with the test's tools.
rmake() {
	fp_make "$@"
}

primary_of() {
	ls "$1"/repodata/*-primary.xml.*
}

@test "rpmmd-index repomd: the primary's location, sha256 and size, for every compression" {
	for repo in 2/core/2.0/x86_64/c0ffee01 2/extras/kernel-5.10/stable/x86_64/c0ffee03 \
		2/extras/kernel-5.15/stable/x86_64/c0ffee04; do
		run "$R" repomd "$SRV/$repo/repodata/repomd.xml"
		[ "$status" -eq 0 ]
		p=$(primary_of "$SRV/$repo")
		[ "$output" = "$(printf 'repodata/%s\t%s\t%s' "$(basename "$p")" "$(sha256sum "$p" | cut -c1-64)" "$(stat -c %s "$p")")" ]
	done
	# With the sqlite databases present, it is still the XML primary.
	grep -q 'type="primary_db"' "$SRV/2/core/2.0/x86_64/c0ffee01/repodata/repomd.xml"
}

@test "rpmmd-index mirrorlist: the first mirror, \$basearch filled in, the CDN rewritten to a copy" {
	ml=$SRV/2/extras/kernel-5.10/latest/x86_64/mirror.list
	run "$R" mirrorlist --basearch x86_64 "$ml"
	[ "$status" -eq 0 ]
	[ "$output" = "https://cdn.amazonlinux.com/2/extras/kernel-5.10/stable/x86_64/c0ffee03" ]
	run "$R" mirrorlist --basearch x86_64 --mirror 'MIRROR_al2=http://127.0.0.1:1/' \
		--origin https://cdn.amazonlinux.com "$SRV/2/core/latest/x86_64/mirror.list"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n%s' http://127.0.0.1:1/2/core/2.0/x86_64/c0ffee01 '$(MIRROR_al2)/2/core/2.0/x86_64/c0ffee01')" ]
	# Without --basearch a list naming $basearch is refused; so is an empty list.
	run "$R" mirrorlist "$ml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mirror.list: line 1: the mirror names \$basearch"* ]]
	: >"$BATS_TEST_TMPDIR/empty.list"
	run "$R" mirrorlist "$BATS_TEST_TMPDIR/empty.list"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no mirror in it"* ]]
}

@test "rpmmd-index listing: Amazon Linux 2's layout, every compression, exact lines" {
	m='$(MIRROR_amazonlinux2)'
	run "$R" listing --arch x86_64 --arch aarch64 \
		--repo distros/os-release/amzn-2 "$m/2/core/2.0/x86_64/c0ffee01" "$(primary_of "$SRV/2/core/2.0/x86_64/c0ffee01")" \
		--repo distros/os-release/amzn-2 "$m/2/core/2.0/aarch64/c0ffee02" "$(primary_of "$SRV/2/core/2.0/aarch64/c0ffee02")" \
		--repo distros/os-release/amzn-2 "$m/2/extras/kernel-5.10/stable/x86_64/c0ffee03" "$(primary_of "$SRV/2/extras/kernel-5.10/stable/x86_64/c0ffee03")" \
		--repo distros/os-release/amzn-2 "$m/2/extras/kernel-5.15/stable/x86_64/c0ffee04" "$(primary_of "$SRV/2/extras/kernel-5.15/stable/x86_64/c0ffee04")" \
		--repo distros/os-release/amzn-2 "$m/2/core/2.0/x86_64/c0ffee01" "$(primary_of "$SRV/2/core/2.0/x86_64/c0ffee01")"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected_listing aarch64)" ]
}

@test "rpmmd-index listing: a zstd primary streams as the gzip one does" {
	command -v zstd >/dev/null
	p=$(primary_of "$SRV/2/core/2.0/x86_64/c0ffee01")
	zcat "$p" | zstd -q -19 -o "$BATS_TEST_TMPDIR/primary.xml.zst"
	zcat "$p" >"$BATS_TEST_TMPDIR/primary.xml"
	base='$(MIRROR_amazonlinux2)/2/core/2.0/x86_64/c0ffee01'
	want=$("$R" listing --repo distros/os-release/amzn-2 "$base" "$p")
	[ "$(echo "$want" | wc -l)" -eq 2 ]
	for f in primary.xml.zst primary.xml; do
		run "$R" listing --repo distros/os-release/amzn-2 "$base" "$BATS_TEST_TMPDIR/$f"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
}

@test "rpmmd-index: sha1 checksums, corrupt and truncated metadata are refused, naming file and line" {
	d=$BATS_TEST_TMPDIR/sha1
	mkdir -p "$d"
	cp "$SRV/blobstore/$B_D1" "$SRV/blobstore/$B_I1" "$d/"
	createrepo_c --quiet --no-database --checksum sha1 --repomd-checksum sha1 "$d"
	run "$R" repomd "$d/repodata/repomd.xml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"repomd.xml: line 4: the primary data's checksum is sha1, not sha256: refusing to trust it" ]]
	run "$R" listing --repo x 'http://h/r' "$(primary_of "$d")"
	[ "$status" -eq 1 ]
	[[ "$output" == *"-primary.xml.gz: line "*": package kernel-4.14.232-176.381.amzn2.x86_64 has a sha1 checksum, not sha256: refusing to trust it" ]]

	p=$(primary_of "$SRV/2/core/2.0/x86_64/c0ffee01")
	base=http://h/2/core/2.0/x86_64/c0ffee01
	# Cut in the middle of the compressed stream.
	head -c $(($(stat -c %s "$p") / 2)) "$p" >"$BATS_TEST_TMPDIR/cut.gz"
	run "$R" listing --repo x "$base" "$BATS_TEST_TMPDIR/cut.gz"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cut.gz: "*"gzip"* ]] || [[ "$output" == *"cut.gz: line "* ]]
	# Cut in the middle of the XML, well compressed.
	zcat "$p" | head -n 20 | gzip >"$BATS_TEST_TMPDIR/short.gz"
	run "$R" listing --repo x "$base" "$BATS_TEST_TMPDIR/short.gz"
	[ "$status" -eq 1 ]
	[[ "$output" == *"short.gz: line "* ]]
	# One package fewer than the file declares.
	zcat "$p" | awk '/<package /{n++} n==2 && /<package /{skip=1} !skip{print} skip && /<\/package>/{skip=0}' \
		>"$BATS_TEST_TMPDIR/fewer.xml"
	run "$R" listing --repo x "$base" "$BATS_TEST_TMPDIR/fewer.xml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fewer.xml: it declares 4 packages but holds 3"* ]]
	# A document type declaration (entities) has no place in rpm-md.
	{ echo '<?xml version="1.0"?>'; echo '<!DOCTYPE metadata [<!ENTITY x "y">]>'; zcat "$p" | tail -n +2; } \
		>"$BATS_TEST_TMPDIR/dtd.xml"
	run "$R" listing --repo x "$base" "$BATS_TEST_TMPDIR/dtd.xml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"dtd.xml: a document type declaration (<!DOCTYPE"* ]]
	# A location that climbs above the mirror.
	run "$R" listing --repo x 'http://h/2' "$p"
	[ "$status" -eq 1 ]
	[[ "$output" == *"location '../../../../../blobstore/"*"under 'http://h/2' climbs above the mirror's root" ]]
	# Not rpm-md at all.
	run "$R" repomd "$p"
	[ "$status" -eq 1 ]
	[[ "$output" == *"line 2: not an rpm-md repomd.xml (root element <metadata>)"* ]]
}

@test "rpmmd-index: a primary located outside its repository, or a version no kernel release has, is refused" {
	repo=$SRV/2/core/2.0/x86_64/c0ffee01
	# The primary is fetched from where repomd.xml says, below the repository's URL.
	for href in ../c0ffee02/repodata/x-primary.xml.gz http://elsewhere.invalid/x-primary.xml.gz; do
		sed "s|<location href=\"repodata/[^\"]*-primary.xml.gz\"|<location href=\"$href\"|" \
			"$repo/repodata/repomd.xml" >"$BATS_TEST_TMPDIR/repomd.xml"
		grep -qF "\"$href\"" "$BATS_TEST_TMPDIR/repomd.xml"
		run "$R" repomd "$BATS_TEST_TMPDIR/repomd.xml"
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"repomd.xml: line "*": the primary location '$href' is not a path inside the repository" ]]
	done
	# A version becomes the kernel's release, its file names and make's targets: '$(' would
	# expand there, '/' would climb.
	p=$(primary_of "$repo")
	for ver in '4.14.232$(x)' '4.14.232/..' '4.14 232'; do
		zcat "$p" | sed "s|ver=\"4.14.232\" rel=\"176.381.amzn2\"|ver=\"$ver\" rel=\"176.381.amzn2\"|" \
			>"$BATS_TEST_TMPDIR/primary.xml"
		grep -qF "ver=\"$ver\"" "$BATS_TEST_TMPDIR/primary.xml"
		run "$R" listing --repo x 'http://h/2/core/2.0/x86_64/c0ffee01' "$BATS_TEST_TMPDIR/primary.xml"
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"primary.xml: line "*": package kernel"*"-$ver-176.381.amzn2.x86_64: its version holds characters a kernel release cannot" ]]
	done
}

@test "make: Amazon Linux 2's listing over HTTP, through mirror.list, written once; aarch64 where amazonlinux2_ARCHES names it, to aarch64 outputs" {
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="$HTTP_URL" "amazonlinux2_ARCHES=x86_64 aarch64" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"NOTE    amazonlinux2: the mirror has no repository kernel-5.4 for x86_64; skipping it"* ]]
	[[ "$output" == *"NOTE    amazonlinux2: the mirror has no repository kernel-ng for aarch64; skipping it"* ]]
	diff -u <(expected_listing aarch64) "$d/build/listing/amazonlinux2.tsv"
	# Every primary came by the hash its repomd.xml gives.
	for f in "$d"/cache/rpmmd/amazonlinux2/*/*/primary; do
		repomd=$(dirname "$f")/repomd.xml
		[ "$(sha256sum "$f" | cut -c1-64)" = "$("$R" repomd "$repomd" | cut -f2)" ]
	done
	# Nothing changed: the next run asks again (more requests for mirror.list than the first
	# run made), and leaves the listing as it was.
	before=$(stat -c %Y.%N "$d/build/listing/amazonlinux2.tsv")
	asked=$(grep -c 'GET /2/core/latest/x86_64/mirror.list' "$W/http.log")
	sleep 1
	run rmake "$d" MIRROR_amazonlinux2="$HTTP_URL" "amazonlinux2_ARCHES=x86_64 aarch64" \
		"$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	[ "$(stat -c %Y.%N "$d/build/listing/amazonlinux2.tsv")" = "$before" ]
	[ "$(grep -c 'GET /2/core/latest/x86_64/mirror.list' "$W/http.log")" -gt "$asked" ]
	# The aarch64 kernel's drivers, by the release's rules, under aarch64/ (0.43.1), and its flat
	# names (0.31.1, the bash loader, both kinds: uname -r names the architecture, so no x86_64
	# kernel asks for them).
	run rmake "$d" MIRROR_amazonlinux2="$HTTP_URL" "amazonlinux2_ARCHES=x86_64 aarch64" FALCO_VERSIONS="0.43.1 0.31.1" list-amazonlinux2
	echo "$output"
	[ "$status" -eq 0 ]
	# No probe: falcoctl refuses the legacy probe on arm64 kernels older than 4.17.
	! echo "$output" | grep -q "/9.1.0+driver/aarch64/falco_amazonlinux2_4.14.232-176.381.amzn2.aarch64_1.o$" || false
	echo "$output" | grep -qx "$d/dist/9.1.0+driver/aarch64/falco_amazonlinux2_4.14.232-176.381.amzn2.aarch64_1.ko"
	echo "$output" | grep -qx "$d/dist/9.1.0+driver/x86_64/falco_amazonlinux2_4.14.232-176.381.amzn2.x86_64_1.ko"
	echo "$output" | grep -qx "$d/dist/b7eb0dd65226a8dc254d228c8d950d07bf3521d2/falco_amazonlinux2_4.14.232-176.381.amzn2.aarch64_1.ko"
	echo "$output" | grep -qx "$d/dist/b7eb0dd65226a8dc254d228c8d950d07bf3521d2/falco_amazonlinux2_4.14.232-176.381.amzn2.aarch64_1.o"
	! grep -q unservable "$d/kernels/b7eb0dd65226a8dc254d228c8d950d07bf3521d2/amazonlinux2.outputs" || false
}

@test "make: the same listing over file://, and REFRESH=0 asks nothing; by default this host's architecture alone" {
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="file://$SRV" "amazonlinux2_ARCHES=x86_64 aarch64" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing aarch64) "$d/build/listing/amazonlinux2.tsv"
	# With REFRESH=0 and an unreachable mirror, the listing is made from what is cached.
	rm "$d/build/listing/amazonlinux2.tsv" "$d/build/listing/amazonlinux2.stamp"
	run rmake "$d" REFRESH=0 MIRROR_amazonlinux2="http://127.0.0.1:9" "amazonlinux2_ARCHES=x86_64 aarch64" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing aarch64) "$d/build/listing/amazonlinux2.tsv"
	# ARCHES selects among the distribution's architectures: x86_64's alone.
	rm "$d/build/listing/amazonlinux2.tsv" "$d/build/listing/amazonlinux2.stamp"
	run rmake "$d" REFRESH=0 ARCHES=x86_64 MIRROR_amazonlinux2="http://127.0.0.1:9" "amazonlinux2_ARCHES=x86_64 aarch64" "$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing) "$d/build/listing/amazonlinux2.tsv"
	# By default the host's own: kernel-devel's build programs are built for its architecture
	# (x86_64 here; an arm64 runner, HOST_ARCH=aarch64, lists its aarch64 kernels alone).
	rm "$d/build/listing/amazonlinux2.tsv" "$d/build/listing/amazonlinux2.stamp"
	run rmake "$d" REFRESH=0 MIRROR_amazonlinux2="http://127.0.0.1:9" HOST_ARCH=x86_64 "$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing) "$d/build/listing/amazonlinux2.tsv"
	rm "$d/build/listing/amazonlinux2.tsv" "$d/build/listing/amazonlinux2.stamp"
	run rmake "$d" REFRESH=0 MIRROR_amazonlinux2="http://127.0.0.1:9" HOST_ARCH=aarch64 "$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing aarch64 | awk -F'\t' '$2 == "aarch64"') "$d/build/listing/amazonlinux2.tsv"
}

# A copy of the served tree to break.
broken_copy() {
	cp -a "$SRV" "$BATS_TEST_TMPDIR/srv"
	echo "$BATS_TEST_TMPDIR/srv"
}

@test "make: a primary that does not match repomd's checksum is refused; no listing" {
	s=$(broken_copy)
	p=$(primary_of "$s/2/extras/kernel-5.10/stable/x86_64/c0ffee03")
	want=$(sha256sum "$p" | cut -c1-64)
	# One byte changed, the size kept.
	printf 'X' | dd of="$p" bs=1 seek=100 conv=notrunc status=none
	[ "$(sha256sum "$p" | cut -c1-64)" != "$want" ]
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="file://$s" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$(basename "$p"): SHA-256 "*", expected $want: refusing it"* ]]
	[ ! -e "$d/build/listing/amazonlinux2.tsv" ]
}

@test "make: a corrupt repomd.xml is refused, naming it and its line; no listing" {
	s=$(broken_copy)
	m=$s/2/core/2.0/x86_64/c0ffee01/repodata/repomd.xml
	# Cut inside the primary's <data>.
	head -n 5 "$m" >"$m.cut" && mv "$m.cut" "$m"
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="file://$s" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"rpmmd-index: $d/cache/sources/amazonlinux2/core-2.0.x86_64/repomd.xml: line "*": the file ends before </repomd>: truncated"* ]]
	[ ! -e "$d/build/listing/amazonlinux2.tsv" ]
}

@test "make: a corrupt primary with a matching checksum is refused, naming it; no listing" {
	s=$(broken_copy)
	r=$s/2/extras/kernel-5.10/stable/x86_64/c0ffee03
	p=$(primary_of "$r")
	# The primary cut short and recompressed, and repomd.xml made again over it by
	# modifyrepo_c, as a broken mirror sync might publish it.
	xz -dc "$p" | head -n 12 | xz >"$r/primary.xml.xz"
	modifyrepo_c --remove primary "$r/repodata"
	rm -f "$p"
	modifyrepo_c --no-compress --mdtype primary "$r/primary.xml.xz" "$r/repodata"
	rm -f "$r/primary.xml.xz"
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="file://$s" "$d/build/listing/amazonlinux2.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	# Indexes are kept by their hash: the one named is that primary.
	sha=$("$R" repomd "$r/repodata/repomd.xml" | cut -f2)
	[[ "$output" == *"rpmmd-index: $d/cache/by-hash/$sha: line "*": the file ends before </metadata>: truncated"* ]]
	[ ! -e "$d/build/listing/amazonlinux2.tsv" ]
}

@test "make: a probe built through the rpm path: mirror.list, repomd, primary, kernel-devel" {
	d=$BATS_TEST_TMPDIR
	release=4.14.232-176.381.amzn2.x86_64
	probe=$d/dist/9.9.9+test/x86_64/falco_amazonlinux2_${release}_1.o
	run rmake "$d" MIRROR_amazonlinux2="$HTTP_URL" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "$probe"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$probe" ]
	# An eBPF object (EM_BPF) whose kernel_version is the rpm's headers' UTS_RELEASE.
	[ "$(od -An -tx1 -j18 -N2 "$probe" | tr -d ' \n')" = f700 ]
	objcopy=$(command -v llvm-objcopy || ls /usr/bin/llvm-objcopy-* | head -n 1)
	"$objcopy" --dump-section "kernel_version=$d/kv" "$probe"
	[ "$(tr -d '\0' <"$d/kv")" = "$release" ]
	# Only that kernel's package came down: its devel rpm, by its hash.
	[ "$(ls "$d/cache/packages")" = "${B_D1%%/*}" ]
	grep -q "GET /blobstore/$B_D1" "$W/http.log"
}

@test "make: a package that does not match the primary's checksum builds nothing" {
	s=$(broken_copy)
	f=$s/blobstore/$B_D2
	printf 'X' | dd of="$f" bs=1 seek=2000 conv=notrunc status=none
	d=$BATS_TEST_TMPDIR
	probe=$d/dist/9.9.9+test/x86_64/falco_amazonlinux2_5.10.236-227.928.amzn2.x86_64_1.o
	run rmake "$d" MIRROR_amazonlinux2="file://$s" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "$probe"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"fetch: file://$s/blobstore/$B_D2: SHA-256 "*", expected ${B_D2%%/*}: refusing it"* ]]
	[ ! -e "$probe" ]
	[ -z "$(ls -A "$d/cache/packages" 2>/dev/null)" ]
}

@test "make: an rpm whose paths escape its destination builds nothing and writes nothing outside" {
	s=$(broken_copy)
	rpm=$(rpmrepo_escaping "$BATS_TEST_TMPDIR/rpmbuild" 5.4.280 199.368.amzn2 x86_64)
	blob=$(rpmrepo_blob "$s" "$rpm")
	rpmrepo_al2 "$s" 2/extras/kernel-5.4/stable/x86_64/c0ffee05 xz --no-database -- "$blob"
	mkdir -p "$s/2/extras/kernel-5.4/latest/x86_64"
	echo "https://cdn.amazonlinux.com/2/extras/kernel-5.4/stable/\$basearch/c0ffee05" \
		>"$s/2/extras/kernel-5.4/latest/x86_64/mirror.list"
	d=$BATS_TEST_TMPDIR/make
	probe=$d/dist/9.9.9+test/x86_64/falco_amazonlinux2_5.4.280-199.368.amzn2.x86_64_1.o
	run rmake "$d" MIRROR_amazonlinux2="file://$s" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" \
		WORK_DIR="$d/work" "$probe"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"FAILED  amazonlinux2 5.4.280-199.368.amzn2.x86_64: cannot extract"* ]]
	# The kernel's tree is refused before any output is built from it.
	log=$d/build/logs/amazonlinux2/amzn-2_5.4.280-199.368.amzn2.x86_64.tree.log
	grep -q "entry './usr/src/kernels/5.4.280-199.368.amzn2.x86_64/../../../../../../../pwned' would be written outside" "$log"
	[ ! -e "$probe" ]
	# Not written anywhere below the build: its work tree would be seven levels up from the tree.
	[ -z "$(find "$d" -name pwned)" ]
	! grep -q 'this tree must never be built' "$log" || false
}

@test "make: a kernel published later (repomd and primary change, mirror.list does not) is listed on the next run" {
	s=$(broken_copy)
	SRV=$s # the expected lines are read from this copy
	d=$BATS_TEST_TMPDIR
	run rmake "$d" MIRROR_amazonlinux2="file://$s" ARCHES=x86_64 "$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	diff -u <(expected_listing) "$d/build/listing/amazonlinux2.tsv"
	new=$(rpmrepo_build "$BATS_TEST_TMPDIR/rpmbuild" kernel-devel 4.14.290 217.505.amzn2 w19.zstdio x86_64)
	bn=$(rpmrepo_blob "$s" "$new")
	rm -rf "$s/2/core/2.0/x86_64/c0ffee01/repodata"
	rpmrepo_al2 "$s" 2/core/2.0/x86_64/c0ffee01 gz -- "$B_D1" "$B_I1" "$B_D0" "$B_H1" "$bn"
	run rmake "$d" MIRROR_amazonlinux2="file://$s" ARCHES=x86_64 "$d/build/listing/amazonlinux2.stamp"
	[ "$status" -eq 0 ]
	diff -u <({ expected_listing; line x86_64 4.14.290-217.505.amzn2.x86_64 "$bn" -; } | LC_ALL=C sort) \
		"$d/build/listing/amazonlinux2.tsv"
}

@test "make: Oracle Linux from distros/oracle.mk: RHCK and UEK kernels, images split or not, a probe named ol" {
	s=$BATS_TEST_TMPDIR/oracle
	top=$BATS_TEST_TMPDIR/rpmbuild
	# Every repository the data names, for x86_64; most of them empty.
	entries=$(make -s -C "$TOP" --no-print-directory --eval 'print-repos: ; @printf "%s\n" $(foreach w,$(oracle_REPOS),"$(w)")' print-repos)
	[ "$(echo "$entries" | wc -l)" -ge 4 ]
	for e in $entries; do
		path=$(echo "$e" | cut -d'|' -f3)
		rpmrepo_plain "$s" "${path/\{arch\}/x86_64}" xz
	done
	rhck=5.14.0-570.12.1.0.1.el9_6 uek7=5.15.0-307.178.5.el9uek uek6=5.4.17-2136.342.5.3.el8uek
	rpmrepo_plain "$s" OL9/appstream/x86_64 gz "$(rpmrepo_build "$top" kernel-devel ${rhck%%-*} ${rhck#*-} w9.xzdio x86_64)"
	rpmrepo_plain "$s" OL9/baseos/latest/x86_64 gz \
		"$(rpmrepo_build "$top" kernel-core ${rhck%%-*} ${rhck#*-} w9.xzdio x86_64)" \
		"$(rpmrepo_build "$top" kernel ${rhck%%-*} ${rhck#*-} w9.xzdio x86_64)"
	rpmrepo_plain "$s" OL9/UEKR7/x86_64 xz \
		"$(rpmrepo_build "$top" kernel-uek-devel ${uek7%%-*} ${uek7#*-} w19.zstdio x86_64)" \
		"$(rpmrepo_build "$top" kernel-uek-core ${uek7%%-*} ${uek7#*-} w19.zstdio x86_64)" \
		"$(rpmrepo_build "$top" kernel-uek ${uek7%%-*} ${uek7#*-} w19.zstdio x86_64)"
	rpmrepo_plain "$s" OL8/UEKR6/x86_64 bz2 \
		"$(rpmrepo_build "$top" kernel-uek-devel ${uek6%%-*} ${uek6#*-} w9.xzdio x86_64)" \
		"$(rpmrepo_build "$top" kernel-uek ${uek6%%-*} ${uek6#*-} w9.xzdio x86_64)"
	d=$BATS_TEST_TMPDIR/make
	run rmake "$d" MIRROR_oracle="file://$s" ARCHES=x86_64 "$d/build/listing/oracle.stamp"
	echo "$output"
	[ "$status" -eq 0 ]
	pkg() { # repository path, rpm file name
		local f=$s/$1/Packages/$2
		printf '$(MIRROR_oracle)/%s/Packages/%s|%s|%s' "$1" "$2" "$(sha256sum "$f" | cut -c1-64)" "$(stat -c %s "$f")"
	}
	want=$(
		{
			printf 'distros/os-release/ol-9\tx86_64\t%s.x86_64\t#1 SMP\tusr/src/kernels/%s.x86_64\t%s\t%s\n' "$rhck" "$rhck" \
				"$(pkg OL9/appstream/x86_64 "kernel-devel-$rhck.x86_64.rpm")" "$(pkg OL9/baseos/latest/x86_64 "kernel-core-$rhck.x86_64.rpm")"
			printf 'distros/os-release/ol-9\tx86_64\t%s.x86_64\t#2 SMP\tusr/src/kernels/%s.x86_64\t%s\t%s\n' "$uek7" "$uek7" \
				"$(pkg OL9/UEKR7/x86_64 "kernel-uek-devel-$uek7.x86_64.rpm")" "$(pkg OL9/UEKR7/x86_64 "kernel-uek-core-$uek7.x86_64.rpm")"
			printf 'distros/os-release/ol-8\tx86_64\t%s.x86_64\t#2 SMP\tusr/src/kernels/%s.x86_64\t%s\t%s\n' "$uek6" "$uek6" \
				"$(pkg OL8/UEKR6/x86_64 "kernel-uek-devel-$uek6.x86_64.rpm")" "$(pkg OL8/UEKR6/x86_64 "kernel-uek-$uek6.x86_64.rpm")"
		} | LC_ALL=C sort
	)
	diff -u <(echo "$want") "$d/build/listing/oracle.tsv"
	# Named as its hosts ask for it: UEK kernels print #2.
	probe=$d/dist/9.9.9+test/x86_64/falco_ol_$uek7.x86_64_2.o
	run rmake "$d" MIRROR_oracle="file://$s" ARCHES=x86_64 DRIVER_SOURCE="$TOP/tests/fixtures/tiny-driver" "$probe"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$probe" ]
}

@test "rpmmd-index listing: one repository of kernel-devel for six architectures gives only those asked for" {
	top=$BATS_TEST_TMPDIR/rpmbuild
	# The same kernel-devel built by rpmbuild for each architecture (the payload is no compiled
	# code, so every target builds here), in one repository made by createrepo_c, as a
	# distribution's multi-architecture trees or a mirror's mixed directory hold them.
	rpms=()
	for a in x86_64 aarch64 i686 ppc64le s390x noarch; do
		rpms+=("$(rpmrepo_build "$top" kernel-devel 5.14.0 570.el9 w9.xzdio "$a")")
	done
	rpmrepo_plain "$BATS_TEST_TMPDIR/srv" mixed gz "${rpms[@]}"
	p=$(primary_of "$BATS_TEST_TMPDIR/srv/mixed")
	# The primary holds all six.
	[ "$(zcat "$p" | grep -c '<arch>')" -eq 6 ]
	archs() { cut -f2 | sort | tr '\n' ' '; }
	# The default: x86_64 and aarch64.
	run "$R" listing --repo distros/os-release/centos-9 '$(MIRROR_centos)/9' "$p"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | archs)" = "aarch64 x86_64 " ]
	echo "$output" | grep -qF '	usr/src/kernels/5.14.0-570.el9.x86_64	$(MIRROR_centos)/9/Packages/kernel-devel-5.14.0-570.el9.x86_64.rpm|'
	run "$R" listing --arch x86_64 --repo distros/os-release/centos-9 '$(MIRROR_centos)/9' "$p"
	[ "$(echo "$output" | archs)" = "x86_64 " ]
	run "$R" listing --arch s390x --arch ppc64le --repo distros/os-release/centos-9 '$(MIRROR_centos)/9' "$p"
	[ "$(echo "$output" | archs)" = "ppc64le s390x " ]
	# noarch and i686 are no architecture a kernel of these runs on, unless asked for by name.
	run "$R" listing --arch i686 --repo distros/os-release/centos-9 '$(MIRROR_centos)/9' "$p"
	[ "$(echo "$output" | archs)" = "i686 " ]
}
