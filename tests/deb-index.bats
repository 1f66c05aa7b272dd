#!/usr/bin/env bats
# deb-index: the kernel listing from real Debian index excerpts (tests/fixtures/debian, made by
# capture.sh from a mirror's bookworm, bookworm-security, bullseye-security, trixie and
# trixie-security amd64 Packages). Expected lines are assembled from the fixtures' own fields
# by awk here, independently of the C parser, and one is written out in full.

bats_require_minimum_version 1.5.0

setup() {
	FIX=$BATS_TEST_DIRNAME/fixtures/debian
	DEB_INDEX=${FP_BIN:?}/deb-index
	T=$BATS_TEST_TMPDIR
	FLAVOURS=(--flavour amd64 --flavour cloud-amd64 --flavour rt-amd64)
	BW=(--index distros/os-release/debian-12 '$(MIRROR_debian)' "$FIX/bookworm.Packages")
	BWS=(--index distros/os-release/debian-12 '$(MIRROR_debian_security)' "$FIX/bookworm-security.Packages.xz")
	BLS=(--index distros/os-release/debian-11 '$(MIRROR_debian_security)' "$FIX/bullseye-security.Packages.gz")
	TX=(--index distros/os-release/debian-13 '$(MIRROR_debian)' "$FIX/trixie.Packages.xz")
	TXS=(--index distros/os-release/debian-13 '$(MIRROR_debian_security)' "$FIX/trixie-security.Packages.gz")
}

# field FILE PACKAGE FIELD: the value of FIELD in PACKAGE's stanza (the newest when listed twice).
field() {
	awk -v RS= -v p="$2" -v f="$3" '
		{ n = split($0, l, "\n"); if (l[1] != "Package: " p) next
		  for (i = 1; i <= n; i++) if (index(l[i], f ": ") == 1) { print substr(l[i], length(f) + 3); exit } }' "$1"
}

# ref FILE BASE PACKAGE: "BASE/Filename|SHA256|Size", as the listing names a package.
ref() {
	local fn sha size
	fn=$(field "$1" "$3" Filename)
	sha=$(field "$1" "$3" SHA256)
	size=$(field "$1" "$3" Size)
	[ -n "$fn" ] && [ -n "$sha" ] && [ -n "$size" ] || { echo "no $3 in $1" >&2; return 1; }
	echo "$2/$fn|$sha|$size"
}

# line OS_RELEASE RELEASE VERSION PACKAGES IMAGE: one expected listing line.
line() {
	printf '%s\tx86_64\t%s\t#1 SMP Debian %s\tusr/src/linux-headers-%s\t%s\t%s\n' "$1" "$2" "$3" "$2" "$4" "$5"
}

# kernel FILE BASE OS ABI FLAVOUR KBUILD_REF: the line of a kernel whose packages all come from
# FILE, but for linux-kbuild, given as a reference.
kernel() {
	local file=$1 base=$2 os=$3 abi=$4 flavour=$5 kbuild=$6 common=common
	[ "$flavour" != rt-amd64 ] || common=common-rt
	local rel=$abi-$flavour
	line "$os" "$rel" "$(field "$file" "linux-headers-$rel" Version)" \
		"$(ref "$file" "$base" "linux-headers-$rel") $(ref "$file" "$base" "linux-headers-$abi-$common") $kbuild" \
		"$(ref "$file" "$base" "linux-image-$rel")"
}

@test "deb-index: bookworm's kernels, one line each, with their headers, -common, kbuild and image" {
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${BW[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	kb=$(ref "$FIX/bookworm.Packages" '$(MIRROR_debian)' linux-kbuild-6.1)
	expected=$(for abi in 6.1.0-47 6.1.0-50; do
		for f in amd64 cloud-amd64 rt-amd64; do
			kernel "$FIX/bookworm.Packages" '$(MIRROR_debian)' distros/os-release/debian-12 "$abi" "$f" "$kb"
		done
	done)
	diff -u <(echo "$expected") <(echo "$output")
	# One line in full, as read off the index by hand.
	M='$(MIRROR_debian)/pool/main/l'
	full="distros/os-release/debian-12	x86_64	6.1.0-50-amd64	#1 SMP Debian 6.1.176-1	usr/src/linux-headers-6.1.0-50-amd64	$M/linux/linux-headers-6.1.0-50-amd64_6.1.176-1_amd64.deb|91a7929ce639f4199e9ff7f929236cdfdcb5511dba613af5094369e95ca241da|1688232 $M/linux/linux-headers-6.1.0-50-common_6.1.176-1_all.deb|7f6f7bee50efbc36dc02c976be5982b96cf36abe544f03f09368e98cfcc5ac3b|10367932 $M/linux/linux-kbuild-6.1_6.1.176-1_amd64.deb|667d2e1e94047031c3bcefa4bb67c2520bbc3cc1cce0aa592e67b108dbbead03|1414900	$M/linux-signed-amd64/linux-image-6.1.0-50-amd64_6.1.176-1_amd64.deb|7b5597492a0a65aee61985a492e6bcc3f2cde830072a0e3b3d8c7e1b90279bd3|70305560"
	[ "${lines[3]}" = "$full" ]
	# Seven tab-separated columns, '#<n>' in uname -v.
	[ "$(echo "$output" | awk -F'\t' 'NF != 7 || $4 !~ /#[0-9]/' | wc -l)" -eq 0 ]
}

@test "deb-index: bookworm with bookworm-security: >= takes the newest linux-kbuild-6.1 of both" {
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${BW[@]}" "${BWS[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field "$FIX/bookworm.Packages" linux-kbuild-6.1 Version)" = 6.1.176-1 ]
	[ "$(field "$FIX/bookworm-security.Packages" linux-kbuild-6.1 Version)" = 6.1.192-2 ]
	kb=$(ref "$FIX/bookworm-security.Packages" '$(MIRROR_debian_security)' linux-kbuild-6.1)
	expected=$(
		for abi in 6.1.0-47 6.1.0-50; do
			for f in amd64 cloud-amd64 rt-amd64; do
				kernel "$FIX/bookworm.Packages" '$(MIRROR_debian)' distros/os-release/debian-12 "$abi" "$f" "$kb"
			done
		done
		for abi in 6.1.0-55 6.1.0-56; do
			for f in amd64 cloud-amd64 rt-amd64; do
				kernel "$FIX/bookworm-security.Packages" '$(MIRROR_debian_security)' distros/os-release/debian-12 "$abi" "$f" "$kb"
			done
		done
	)
	diff -u <(echo "$expected") <(echo "$output")
	# The older kbuild, which satisfies the bookworm kernels too, is named nowhere.
	[ "$(echo "$output" | grep -c 'linux-kbuild-6.1_6.1.176-1')" -eq 0 ]
}

@test "deb-index: trixie's +deb13 kernels with their own linux-kbuild-6.12.*+deb13" {
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${TX[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	F=$FIX/trixie.Packages
	expected=$(for abi in 6.12.107+deb13 6.12.117+deb13; do
		for f in amd64 cloud-amd64 rt-amd64; do
			kernel "$F" '$(MIRROR_debian)' distros/os-release/debian-13 "$abi" "$f" \
				"$(ref "$F" '$(MIRROR_debian)' "linux-kbuild-$abi")"
		done
	done)
	diff -u <(echo "$expected") <(echo "$output")
}

@test "deb-index: the same package in two suites is listed once" {
	for order in tx-first txs-first; do
		if [ $order = tx-first ]; then
			run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${TX[@]}" "${TXS[@]}"
		else
			run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${TXS[@]}" "${TX[@]}"
		fi
		[ "$status" -eq 0 ]
		# The very same file is in both (same SHA-256, another pool path).
		[ "$(field "$FIX/trixie.Packages" linux-headers-6.12.117+deb13-amd64 SHA256)" = \
			"$(field "$FIX/trixie-security.Packages" linux-headers-6.12.117+deb13-amd64 SHA256)" ]
		[ "$(echo "$output" | cut -f3 | sort | uniq -d)" = "" ]
		[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' \
			6.12.107+deb13-amd64 6.12.107+deb13-cloud-amd64 6.12.107+deb13-rt-amd64 \
			6.12.115+deb13.1-amd64 6.12.115+deb13.1-cloud-amd64 6.12.115+deb13.1-rt-amd64 \
			6.12.117+deb13-amd64 6.12.117+deb13-cloud-amd64 6.12.117+deb13-rt-amd64)" ]
		# Nor is one package named twice within a line.
		[ "$(echo "$output" | awk -F'\t' '{ n = split($6, p, " "); for (i = 1; i <= n; i++) { split(p[i], q, "|"); if (seen[NR, q[2]]++) print } }' | wc -l)" -eq 0 ]
	done
	# The first index given supplies the line.
	run "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${TX[@]}" "${TXS[@]}"
	l=$(echo "$output" | awk -F'\t' '$3 == "6.12.117+deb13-amd64"')
	[[ "$l" == *'$(MIRROR_debian)/pool/main/l/linux/linux-headers-6.12.117+deb13-amd64_'* ]]
}

@test "deb-index: --flavour lists only the flavours given" {
	run "$DEB_INDEX" --style debian --uname-m x86_64 --flavour cloud-amd64 "${BW[@]}" "${TX[@]}"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-cloud-amd64 6.1.0-50-cloud-amd64 \
		6.12.107+deb13-cloud-amd64 6.12.117+deb13-cloud-amd64)" ]
	run "$DEB_INDEX" --style debian --uname-m x86_64 --flavour rt-amd64 --flavour cloud-amd64 "${BW[@]}"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-cloud-amd64 6.1.0-47-rt-amd64 \
		6.1.0-50-cloud-amd64 6.1.0-50-rt-amd64)" ]
}

@test "deb-index: --flavour amd64 does not take cloud-amd64 and rt-amd64 for it" {
	run "$DEB_INDEX" --style debian --uname-m x86_64 --flavour amd64 "${BW[@]}" "${TX[@]}"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-amd64 6.1.0-50-amd64 \
		6.12.107+deb13-amd64 6.12.117+deb13-amd64)" ]
}

@test "deb-index: without --flavour every flavour is listed, bookworm's and trixie's" {
	with=$("$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${BW[@]}" "${TX[@]}")
	[ "$(echo "$with" | wc -l)" -eq 12 ]
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${BW[@]}" "${TX[@]}"
	[ "$status" -eq 0 ]
	diff -u <(echo "$with") <(echo "$output")
}

@test "deb-index: metapackages are not kernels" {
	# linux-headers-amd64 (bookworm, trixie) and bullseye's linux-headers-6.1-amd64.
	[ -n "$(field "$FIX/bullseye-security.Packages" linux-headers-6.1-amd64 Depends)" ]
	[ -n "$(field "$FIX/bookworm.Packages" linux-headers-amd64 Depends)" ]
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" "${BLS[@]}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${BW[@]}" "${BLS[@]}"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -z "$(echo "$output" | cut -f3 | grep -vE '^6\.1\.0-(47|50)-(amd64|cloud-amd64|rt-amd64)$')" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "deb-index: a kernel whose -common is missing is left out with a warning naming it" {
	awk -v RS= -v ORS='\n\n' '$0 !~ /^Package: linux-headers-6\.1\.0-50-common\n/' "$FIX/bookworm.Packages" >"$T/Packages"
	[ "$(grep -c '^Package:' "$T/Packages")" -eq $(($(grep -c '^Package:' "$FIX/bookworm.Packages") - 1)) ]
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' "$T/Packages"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-amd64 6.1.0-47-cloud-amd64 \
		6.1.0-47-rt-amd64 6.1.0-50-rt-amd64)" ]
	[[ "$stderr" == *"leaving out 6.1.0-50-amd64"*"linux-headers-6.1.0-50-common (= 6.1.176-1)"* ]]
	[[ "$stderr" == *"leaving out 6.1.0-50-cloud-amd64"* ]]
	[ "$(echo "$stderr" | grep -c 'leaving out')" -eq 2 ]
}

# with_common_depends DEPENDS: bookworm, its linux-headers-6.1.0-50-common given that Depends.
with_common_depends() {
	awk -v RS= -v ORS='\n\n' -v d="$1" '/^Package: linux-headers-6\.1\.0-50-common\n/ { sub(/\nVersion: /, "\nDepends: " d "\nVersion: ") } { print }' \
		"$FIX/bookworm.Packages" >"$T/Packages"
	grep -qxF "Depends: $1" "$T/Packages"
}

@test "deb-index: a dependency's own Depends are followed, and its depender's later ones still are" {
	# linux-headers-6.1.0-50-amd64 -> -common -> -common-rt; then linux-kbuild-6.1.
	with_common_depends 'linux-headers-6.1.0-50-common-rt (= 6.1.176-1)'
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 --flavour amd64 \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' "$T/Packages"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	F=$T/Packages M='$(MIRROR_debian)'
	want="$(ref "$F" "$M" linux-headers-6.1.0-50-amd64) $(ref "$F" "$M" linux-headers-6.1.0-50-common)"
	want+=" $(ref "$F" "$M" linux-headers-6.1.0-50-common-rt) $(ref "$F" "$M" linux-kbuild-6.1)"
	[ "$(echo "$output" | awk -F'\t' '$3 == "6.1.0-50-amd64" { print $6 }')" = "$want" ]
}

@test "deb-index: a dependency missing two levels down leaves the kernel out, naming it" {
	# The recursion stops at the missing package with clauses of -common still unread.
	with_common_depends 'linux-headers-6.1.0-50-missing, libc6, linux-headers-6.1.0-50-common-rt (= 6.1.176-1)'
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' "$T/Packages"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *Sanitizer* ]]
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-amd64 6.1.0-47-cloud-amd64 \
		6.1.0-47-rt-amd64 6.1.0-50-rt-amd64)" ]
	for k in 6.1.0-50-amd64 6.1.0-50-cloud-amd64; do
		[[ "$stderr" == *"leaving out $k: linux-headers-6.1.0-50-common 6.1.176-1 needs linux-headers-6.1.0-50-missing, which no index has"* ]]
	done
}

@test "deb-index: = is exact: a -common of another version leaves the kernel out" {
	awk -v RS= -v ORS='\n\n' '/^Package: linux-headers-6\.1\.0-50-common\n/ { sub(/\nVersion: 6\.1\.176-1\n/, "\nVersion: 6.1.176-1+b1\n") } { print }' \
		"$FIX/bookworm.Packages" >"$T/Packages"
	grep -qx 'Version: 6.1.176-1+b1' "$T/Packages"
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' "$T/Packages"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f3 | grep -cx '6.1.0-50-amd64')" -eq 0 ]
	[[ "$stderr" == *"leaving out 6.1.0-50-amd64"* ]]
}

@test "deb-index: a linux-kbuild too old for '>=' leaves the kernels out" {
	awk -v RS= -v ORS='\n\n' '/^Package: linux-kbuild-6\.1\n/ { sub(/\nVersion: 6\.1\.176-1\n/, "\nVersion: 6.1.170-3\n") } { print }' \
		"$FIX/bookworm.Packages" >"$T/Packages"
	grep -qx 'Version: 6.1.170-3' "$T/Packages"
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" \
		--index distros/os-release/debian-12 '$(MIRROR_debian)' "$T/Packages"
	[ "$status" -eq 0 ]
	# 6.1.0-47 needs >= 6.1.170-3 and is kept; 6.1.0-50 needs >= 6.1.176-1.
	[ "$(echo "$output" | cut -f3)" = "$(printf '%s\n' 6.1.0-47-amd64 6.1.0-47-cloud-amd64 6.1.0-47-rt-amd64)" ]
	[[ "$stderr" == *"linux-kbuild-6.1 (>= 6.1.176-1)"* ]]
}

@test "deb-index: plain, .xz and .gz indexes give the same listing" {
	for ext in "" .xz .gz; do
		"$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" \
			--index distros/os-release/debian-12 '$(MIRROR_debian)' "$FIX/bookworm.Packages$ext" >"$T/out$ext"
	done
	[ -s "$T/out" ]
	cmp "$T/out" "$T/out.xz"
	cmp "$T/out" "$T/out.gz"
}

@test "deb-index: --package falcosecurity-scap-dkms gives the newest of all indexes" {
	F=$FIX/trixie.Packages
	expected="\$(B)/$(field "$F" falcosecurity-scap-dkms Filename) $(field "$F" falcosecurity-scap-dkms SHA256) $(field "$F" falcosecurity-scap-dkms Size) 0.20.0-3"
	run "$DEB_INDEX" --package falcosecurity-scap-dkms --index debian-12 '$(A)' "$FIX/bookworm.Packages" \
		--index debian-13 '$(B)' "$FIX/trixie.Packages.xz"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
	run "$DEB_INDEX" --package falcosecurity-scap-dkms --index debian-13 '$(B)' "$FIX/trixie.Packages.gz" \
		--index debian-12 '$(A)' "$FIX/bookworm.Packages.xz"
	[ "$output" = "$expected" ]
	run "$DEB_INDEX" --package falcosecurity-scap-dkms --index debian-12 '$(A)' "$FIX/bookworm.Packages"
	[ "$output" = "\$(A)/pool/main/f/falcosecurity-libs/falcosecurity-scap-dkms_0.1.1dev+git20220316.e5c53d64-5.1_all.deb $(field "$FIX/bookworm.Packages" falcosecurity-scap-dkms SHA256) $(field "$FIX/bookworm.Packages" falcosecurity-scap-dkms Size) 0.1.1dev+git20220316.e5c53d64-5.1" ]
	run "$DEB_INDEX" --package no-such-package --index debian-12 '$(A)' "$FIX/bookworm.Packages"
	[ "$status" -eq 1 ]
	[[ "$output" == *no-such-package* ]]
}

@test "deb-index: versions are ordered as dpkg orders them" {
	awk -v RS= -v ORS='\n\n' '/^Package: falcosecurity-scap-dkms\n/' "$FIX/trixie.Packages" >"$T/dkms"
	# with_version V FILE: the real stanza at version V.
	with_version() {
		sed "s/^Version: .*/Version: $1/" "$T/dkms" >"$2"
	}
	n=0
	while read -r a b; do
		with_version "$a" "$T/a"
		with_version "$b" "$T/b"
		if dpkg --compare-versions "$a" gt "$b"; then newer=$a; else newer=$b; fi
		dpkg --compare-versions "$a" ne "$b"
		for args in "a b" "b a"; do
			set -- $args
			got=$("$DEB_INDEX" --package falcosecurity-scap-dkms --index x X "$T/$1" --index y Y "$T/$2" | cut -d' ' -f4)
			if [ "$got" != "$newer" ]; then
				echo "between $a and $b, deb-index took $got, dpkg says $newer" >&2
				return 1
			fi
		done
		n=$((n + 1))
	done <<'EOF'
0.20.0-3 0.1.1dev+git20220316.e5c53d64-5.1
6.1.192-2 6.1.176-1
6.1.9-1 6.1.10-1
1.0~rc1-1 1.0-1
1.0-1~bpo12+1 1.0-1
1.0-1+deb12u1 1.0-1
1:0.1-1 9.9-1
1.0-10 1.0-9
1.0a-1 1.0+-1
1.0~~-1 1.0~-1
1.0.0-1 1.0-1
2.30-1 2.4-1
6.12.115-2 6.12.115-1
1.0-a 1.0-1
1.0-1.1 1.0-1
EOF
	[ "$n" -eq 15 ]
}

@test "deb-index: a malformed stanza fails, naming the file and the line" {
	sed '30i this line has no colon' "$FIX/bookworm.Packages" >"$T/Packages"
	[ "$(sed -n 30p "$T/Packages")" = 'this line has no colon' ]
	run "$DEB_INDEX" --style debian --uname-m x86_64 --index distros/os-release/debian-12 M "$T/Packages"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/Packages:30:"* ]]
	# The same, compressed, and far into a large index read in many blocks.
	for i in $(seq 30); do cat "$FIX/bookworm.Packages"; done >"$T/big"
	echo 'broken' >>"$T/big"
	xz -T1 -c "$T/big" >"$T/big.xz"
	run "$DEB_INDEX" --style debian --uname-m x86_64 --index distros/os-release/debian-12 M "$T/big.xz"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/big.xz:$(wc -l <"$T/big"):"* ]]
}

@test "deb-index: a kernel package without SHA256, or with a field twice, fails naming the file" {
	awk -v RS= -v ORS='\n\n' '/^Package: linux-headers-6\.1\.0-50-amd64\n/ { sub(/\nSHA256: [0-9a-f]*/, "") } { print }' \
		"$FIX/bookworm.Packages" >"$T/Packages"
	run "$DEB_INDEX" --style debian --uname-m x86_64 --index distros/os-release/debian-12 M "$T/Packages"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/Packages:"[0-9]*"linux-headers-6.1.0-50-amd64"* ]]
	awk -v RS= -v ORS='\n\n' '/^Package: linux-kbuild-6\.1\n/ { sub(/\nSize: /, "\nSize: 1\nSize: ") } { print }' \
		"$FIX/bookworm.Packages" >"$T/Packages"
	run "$DEB_INDEX" --style debian --uname-m x86_64 --index distros/os-release/debian-12 M "$T/Packages"
	[ "$status" -eq 1 ]
	line=$(grep -n '^Size: 1$' "$T/Packages" | cut -d: -f1)
	[[ "$output" == *"$T/Packages:$((line + 1)):"* ]]
}

@test "deb-index: a large index read in many blocks gives the listing of one copy" {
	for i in $(seq 30); do cat "$FIX/bookworm.Packages"; done | xz -T1 >"$T/big.xz"
	"$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" --index distros/os-release/debian-12 M "$T/big.xz" >"$T/big.out"
	"$DEB_INDEX" --style debian --uname-m x86_64 "${FLAVOURS[@]}" --index distros/os-release/debian-12 M "$FIX/bookworm.Packages" >"$T/one.out"
	[ "$(wc -l <"$T/one.out")" -eq 6 ]
	cmp "$T/one.out" "$T/big.out"
}

@test "deb-index: a missing or unreadable index and usage errors fail" {
	run "$DEB_INDEX" --style debian --uname-m x86_64 --index o M "$T/none"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$T/none"* ]]
	run "$DEB_INDEX" --style debian --uname-m x86_64
	[ "$status" -ne 0 ]
	run "$DEB_INDEX" --bogus
	[ "$status" -eq 2 ]
}

@test "deb-index: arm64 kernels take the amd64 linux-kbuild (Multi-Arch: foreign) from --host-index, never their own" {
	A64=(--index distros/os-release/debian-12 '$(MIRROR_debian)' "$FIX/bookworm-arm64.Packages.xz")
	HOST=(--host-index distros/os-release/debian-12 '$(MIRROR_debian)' "$FIX/bookworm.Packages.gz")
	field "$FIX/bookworm-arm64.Packages" linux-kbuild-6.1 Multi-Arch | grep -qx foreign
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m aarch64 --flavour arm64 --flavour cloud-arm64 \
		--flavour rt-arm64 "${A64[@]}" "${HOST[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	kb=$(ref "$FIX/bookworm.Packages" '$(MIRROR_debian)' linux-kbuild-6.1)
	[[ $kb == *_amd64.deb* ]]
	expected=$(for abi in 6.1.0-47 6.1.0-50; do
		for f in arm64 cloud-arm64 rt-arm64; do
			common=common
			[ "$f" != rt-arm64 ] || common=common-rt
			rel=$abi-$f file=$FIX/bookworm-arm64.Packages base='$(MIRROR_debian)'
			printf '%s\taarch64\t%s\t#1 SMP Debian %s\tusr/src/linux-headers-%s\t%s\t%s\n' distros/os-release/debian-12 \
				"$rel" "$(field "$file" "linux-headers-$rel" Version)" "$rel" \
				"$(ref "$file" "$base" "linux-headers-$rel") $(ref "$file" "$base" "linux-headers-$abi-$common") $kb" \
				"$(ref "$file" "$base" "linux-image-$rel")"
		done
	done)
	diff -u <(echo "$expected") <(echo "$output")
	# The host's own kernels are not listed as arm64 ones.
	! echo "$output" | grep -q -- '-amd64	' || false
	# Without the host's indexes, the kernel's own (Debian's index is all deb-index reads then).
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m aarch64 --flavour arm64 "${A64[@]}"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'linux-kbuild-6.1_6.1.176-1_arm64.deb'
	# A host index without that linux-kbuild leaves the kernels out, naming why.
	awk -v RS= -v ORS='\n\n' '!/^Package: linux-kbuild/' "$FIX/bookworm.Packages" >"$BATS_TEST_TMPDIR/nokbuild"
	run --separate-stderr "$DEB_INDEX" --style debian --uname-m aarch64 --flavour arm64 "${A64[@]}" \
		--host-index distros/os-release/debian-12 '$(MIRROR_debian)' "$BATS_TEST_TMPDIR/nokbuild"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	echo "$stderr" | grep -q "leaving out 6.1.0-50-arm64: linux-headers-6.1.0-50-arm64 6.1.176-1 needs linux-kbuild-6.1 (>= 6.1.176-1) of the build host's architecture (Multi-Arch: foreign), which no host index has"
}
