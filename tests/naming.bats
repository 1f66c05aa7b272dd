#!/usr/bin/env bats
# The names Falco's loaders request, for real hosts of every supported distribution
# (tests/fixtures/naming/cases.tsv, written by hand from the loaders' rules), and falco-name's
# interface. Hermetic.

setup() {
	TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	NAME=${FP_BIN:?}/falco-name
	CASES=$TOP/tests/fixtures/naming/cases.tsv
	cd "$TOP"
}

# name DV RULES LAYOUT KIND OS-RELEASE M R V [FIELD]
name() {
	local args=(--driver-version "$1" --kind "$4" --os-release "$5" --uname-m "$6" --uname-r "$7" --uname-v "$8")
	[ "$2" = - ] || args+=(--rules "$2")
	[ "$3" = - ] || args+=(--layout "$3")
	[ -z "${9:-}" ] || args+=(--field "$9")
	"$NAME" "${args[@]}"
}

@test "every case of the table gets exactly the file name and repository path Falco requests" {
	local n=0 failed=0 out
	while IFS=$'\t' read -r dv rules layout kind osr m r v file repo src; do
		[[ $dv == \#* ]] && continue
		n=$((n + 1))
		if ! out=$(name "$dv" "$rules" "$layout" "$kind" "$osr" "$m" "$r" "$v" 2>&1); then
			echo "case $n ($src): falco-name failed: $out"
			failed=$((failed + 1))
			continue
		fi
		IFS=$'\t' read -r _ _ _ gfile grepo <<<"$out"
		if [ "$gfile" != "$file" ] || [ "$grepo" != "$repo" ]; then
			echo "case $n ($src): $dv $r"
			echo "   want $file  $repo"
			echo "    got $gfile  $grepo"
			failed=$((failed + 1))
		fi
	done <"$CASES"
	echo "$n cases, $failed wrong"
	[ "$n" -ge 60 ]
	[ "$failed" -eq 0 ]
}

@test "the table has three real hosts per distribution, both layouts and every rule set" {
	for id in debian ubuntu amzn-2 amzn-2023 centos rocky almalinux fedora ol cos; do
		local real
		real=$(awk -F'\t' -v id="$id" '!/^#/ && $11 !~ /^RULE/ {
			n = split($5, p, "/"); f = p[n]
			if (id ~ /^amzn-/ ? f == id : index(f, id "-") == 1) c++ } END { print c + 0 }' "$CASES")
		echo "$id: $real real cases"
		[ "$real" -ge 3 ]
	done
	# Both layouts, by default and forced.
	grep -v '^#' "$CASES" | cut -f10 | grep -Eq '^[0-9a-f]{40}/falco_'
	grep -v '^#' "$CASES" | cut -f10 | grep -Eq '^[^/]+/(x86_64|aarch64)/falco_'
	grep -v '^#' "$CASES" | awk -F'\t' '$3 == "flat" && $1 ~ /\+driver$/' | grep -q .
	# Every rule set, through the driver versions that default to it.
	for dv in 5c0b863ddade7a45568c0ac97d037422c9efb750 2.0.0+driver 3.0.1+driver 4.0.0+driver 7.3.0+driver; do
		cut -f1 "$CASES" | grep -qx "$dv"
	done
}

@test "every os-release under distros/ is named after its ID and VERSION_ID, and names a host" {
	local f n=0
	for f in distros/os-release/*; do
		case $f in *.md) continue ;; esac
		n=$((n + 1))
		local base id vid
		base=${f##*/}
		id=$(. "$f" && echo "$ID")
		vid=$(. "$f" && echo "${VERSION_ID:-}")
		# File names carry the major version (VERSION_ID 9.6 -> rocky-9), as the listings do;
		# Debian testing and unstable, which have none, their codename.
		if [ -n "$vid" ]; then
			[ "$base" = "$id-$vid" ] || [ "$base" = "$id-${vid%%.*}" ]
		else
			[ "$base" = "$id-$(. "$f" && echo "$VERSION_CODENAME")" ]
		fi
		# Named by its ID, as the bash loaders name every host.
		run "$NAME" --falco-version 0.36.2 --os-release "$f" --uname-r 6.1.0 --uname-v '#1 SMP' --uname-m x86_64 --field target_id
		[ "$status" -eq 0 ]
		[ -n "$output" ]
	done
	[ "$n" -ge 22 ]
	# COS os-release names its build (Falco's loader fetches that build's headers with it), and
	# falcoctl names no COS host without one: the milestones' files leave the build out, and the
	# listing gives each kernel the os-release of its build (mk/cos.sh).
	grep -qx 'BUILD_ID=18613.164.98' distros/os-release/cos-117
	run "$NAME" --falco-version 0.43.1 --os-release distros/os-release/cos-117 --uname-r 6.1.0+ --uname-v '#1 SMP' --uname-m x86_64 --field file_name
	[ "$status" -eq 0 ]
	[ "$output" = 'falco_cos_6.1.0+_1.o' ]
	run "$NAME" --falco-version 0.43.1 --os-release distros/os-release/cos-121 --uname-r 6.1.0+ --uname-v '#1 SMP' --uname-m x86_64 --field file_name
	[ "$status" -eq 4 ]
	[[ $output == *"COS os-release without BUILD_ID"* ]]
}

@test "the URL a loader requests encodes every '+' (falco#3671, falco#2330, test-infra#576)" {
	run "$NAME" --driver-version 8.1.0+driver --kind kmod --os-release distros/os-release/amzn-2 \
		--uname-r 4.14.355-280.672.amzn2.x86_64 --uname-v '#1 SMP Tue Aug 12 10:56:08 UTC 2025' \
		--uname-m x86_64 --field url
	[ "$status" -eq 0 ]
	[ "$output" = "https://download.falco.org/driver/8.1.0%2Bdriver/x86_64/falco_amazonlinux2_4.14.355-280.672.amzn2.x86_64_1.ko" ]
	# COS releases keep their '+'; the 0.33 loader asked for it encoded (the uname -v there
	# was not reported beyond its '#1').
	run "$NAME" --driver-version 3.0.1+driver --os-release distros/os-release/cos-117 \
		--uname-r 5.10.133+ --uname-v '#1 SMP' --uname-m x86_64 --field url
	[ "$output" = "https://download.falco.org/driver/3.0.1%2Bdriver/x86_64/falco_cos_5.10.133%2B_1.o" ]
	run "$NAME" --driver-version 3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4 --kind kmod \
		--os-release distros/os-release/ubuntu-20.04 --uname-r 5.4.0-1060-aws \
		--uname-v '#63-Ubuntu SMP Mon Nov 15 10:35:55 UTC 2021' --uname-m x86_64 \
		--drivers-repo https://download.falco.org/driver/ --field url
	[ "$output" = "https://download.falco.org/driver/3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4/falco_ubuntu-aws_5.4.0-1060-aws_63.ko" ]
	# The repository path itself keeps '+', as it is a path in dist/.
	run "$NAME" --driver-version 3.0.1+driver --os-release distros/os-release/cos-117 \
		--uname-r 5.10.133+ --uname-v '#1 SMP' --uname-m x86_64 --field repo_path
	[ "$output" = "3.0.1+driver/x86_64/falco_cos_5.10.133+_1.o" ]
}

@test "each field alone, and the rule set and layout each driver version defaults to" {
	local osr=distros/os-release/ubuntu-22.04 v='#63~22.04.1-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 22 19:00:15 UTC 2'
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field target_id
	[ "$output" = ubuntu-generic ]
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field kernel_release
	[ "$output" = 6.8.0-60-generic ]
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field kernel_version
	[ "$output" = 63~22.04.1 ]
	# Without a driver version there is no repository path, but the other fields are named
	# by the newest rules.
	run "$NAME" --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field file_name
	[ "$status" -eq 0 ]
	[ "$output" = "falco_ubuntu-generic_6.8.0-60-generic_63~22.04.1.o" ]
	run "$NAME" --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64
	[ "$status" -eq 2 ]
	[[ $output == *"needs --driver-version"* ]]

	local dv want
	while read -r dv want; do
		run "$NAME" --driver-version "$dv" --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field rules
		[ "$status" -eq 0 ]
		local layout
		layout=$("$NAME" --driver-version "$dv" --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field layout)
		echo "$dv: $output $layout (want $want)"
		[ "$output $layout" = "$want" ]
	done <<'EOF'
5c0b863ddade7a45568c0ac97d037422c9efb750 0.28 flat
39ae7d40496793cf3d3e7890c9bbdc202263836b 0.28 flat
0123456789abcdef0123456789abcdef01234567 0.28 flat
2.0.0+driver 0.32 arch
3.0.1+driver 0.33 arch
4.0.0+driver 0.34 arch
5.0.1+driver 0.35.1 arch
6.0.1+driver 0.35.1 arch
7.0.0+driver 0.37.1 arch
7.2.0+driver 0.38 arch
7.2.1+driver 0.38 arch
7.3.0+driver 0.39 arch
9.1.0+driver 0.39 arch
9.9.9+driver 0.39 arch
0.1.1dev+git20220316.e5c53d64 0.28 arch
my-local-build 0.39 arch
EOF
	# A driver version is named as the newest release asking for it names it (2.0.0+driver's probe:
	# 0.32.2, per-arch); a kind no release asks for is no name at all.
	run "$NAME" --driver-version 2.0.0+driver --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field repo_path
	[ "$output" = 2.0.0+driver/x86_64/falco_ubuntu-generic_6.8.0-60-generic_63.o ]
	run "$NAME" --falco-version 0.32.1 --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field repo_path
	[ "$output" = 2.0.0+driver/falco_ubuntu-generic_6.8.0-60-generic_63.o ]
	run "$NAME" --driver-version 10.2.0+driver --kind kmod --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64 --field rules
	[ "$output" = 0.44 ]
	run "$NAME" --driver-version 10.2.0+driver --os-release $osr --uname-r 6.8.0-60-generic --uname-v "$v" --uname-m x86_64
	[ "$status" -eq 3 ]
	[[ $output == *"no Falco release asks for driver version 10.2.0+driver's eBPF probe"* ]]
}

@test "--uts-from reads uname -r and -v from a build tree's generated headers" {
	local k=$BATS_TEST_TMPDIR/linux-headers-6.1.0-50-amd64
	mkdir -p "$k/include/generated"
	run "$NAME" --driver-version 7.3.0+driver --os-release distros/os-release/debian-12 --uts-from "$k" --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"$k/include/generated/utsrelease.h"* ]]
	echo '#define UTS_RELEASE "6.1.0-50-amd64"' >"$k/include/generated/utsrelease.h"
	run "$NAME" --driver-version 7.3.0+driver --os-release distros/os-release/debian-12 --uts-from "$k" --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"neither utsversion.h nor compile.h"* ]]
	# Kernels before 5.19 keep UTS_VERSION in compile.h, next to other defines.
	printf '%s\n' '/* This file is auto generated, version 1 */' '#define UTS_MACHINE "x86_64"' \
		'#define UTS_VERSION "#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)"' \
		'#define LINUX_COMPILE_BY "debian-kernel"' >"$k/include/generated/compile.h"
	run "$NAME" --driver-version 7.3.0+driver --os-release distros/os-release/debian-12 --uts-from "$k" --uname-m x86_64
	[ "$status" -eq 0 ]
	[ "$output" = $'debian\t6.1.176-1-amd64\t1\tfalco_debian_6.1.176-1-amd64_1.o\t7.3.0+driver/x86_64/falco_debian_6.1.176-1-amd64_1.o' ]
	# utsversion.h (5.19 and later) wins over compile.h; the bash loaders name the build number,
	# falcoctl a Debian kernel "1" whatever it is.
	echo '#define UTS_VERSION "#2 SMP PREEMPT_DYNAMIC Debian 6.1.177-1 (2026-07-09)"' >"$k/include/generated/utsversion.h"
	run "$NAME" --driver-version 6.0.1+driver --os-release distros/os-release/debian-12 --uts-from "$k" --uname-m x86_64 --field file_name
	[ "$output" = falco_debian_6.1.177-1-amd64_2.o ]
	run "$NAME" --driver-version 7.3.0+driver --os-release distros/os-release/debian-12 --uts-from "$k" --uname-m x86_64 --field file_name
	[ "$output" = falco_debian_6.1.177-1-amd64_1.o ]
	# --uts-from replaces --uname-r/-v; giving both is a usage error.
	run "$NAME" --os-release distros/os-release/debian-12 --uts-from "$k" --uname-r x --uname-m x86_64
	[ "$status" -eq 2 ]
}

@test "what cannot be named is refused with the reason" {
	local osr=distros/os-release/debian-12
	run "$NAME" --driver-version 6.0.1+driver --os-release $osr --uname-r 6.1.0-50-amd64 --uname-v 'SMP Debian' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"does not begin with '#<number>'"* ]]
	# falcoctl takes the whole uname -v then, which no file name can hold.
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.1.0-50-amd64 --uname-v 'SMP Debian' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"kernel version 'SMP Debian' cannot be part of a file name"* ]]
	run "$NAME" --driver-version 6.0.1+driver --os-release $osr --uname-r 6.1.0/../x --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"cannot be part of a file name"* ]]
	# falcoctl's parser takes no such release: such a host asks for nothing.
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.1.0/../x --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 4 ]
	[[ $output == *"falcoctl cannot parse uname -r '6.1.0/../x' and asks for no driver"* ]]
	run "$NAME" --driver-version 7.3.0+driver --os-release $osr --uname-r 6.1.0 --uname-v '#1' --uname-m '..'
	[ "$status" -eq 1 ]
	[[ $output == *"uname -m"* ]]
	run "$NAME" --driver-version ../7.3.0 --os-release $osr --uname-r 6.1.0 --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"driver version"* ]]
	run "$NAME" --driver-version 7.3.0+driver --rules 0.30 --os-release $osr --uname-r 6.1.0 --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"unknown rule set '0.30'"* ]]
	run "$NAME" --driver-version 7.3.0+driver --os-release "$BATS_TEST_TMPDIR/none" --uname-r 6.1.0 --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"$BATS_TEST_TMPDIR/none"* ]]
	printf 'NAME="No ID"\nVERSION_ID=1\n' >"$BATS_TEST_TMPDIR/noid"
	run "$NAME" --driver-version 7.3.0+driver --os-release "$BATS_TEST_TMPDIR/noid" --uname-r 6.1.0 --uname-v '#1' --uname-m x86_64
	[ "$status" -eq 1 ]
	[[ $output == *"$BATS_TEST_TMPDIR/noid: no ID="* ]]
	run "$NAME" --os-release $osr --uname-r 6.1.0 --uname-m x86_64
	[ "$status" -eq 2 ]
}

@test "os-release values are read as the loaders' shell reads them" {
	local f=$BATS_TEST_TMPDIR/os-release
	# Quoted, escaped, commented and repeated keys; the last one wins, as with 'source'.
	cat >"$f" <<'EOF'
# a comment
ID=ubuntu
NAME="Ubuntu \"Noble\""
ID="AMZN"
VERSION_ID='2023'
EOF
	run "$NAME" --driver-version 7.3.0+driver --os-release "$f" --uname-r 6.1.147-172.259.amzn2023.x86_64 --uname-v '#1 SMP' --uname-m x86_64 --field target_id
	[ "$status" -eq 0 ]
	[ "$output" = amazonlinux2023 ]
}
@test "every Falco release names every host of the table as its own loader does (falco-name --all-releases)" {
	local fix=$TOP/tests/fixtures/naming n=0 wrong=0
	awk -F'\t' '!/^#/ { print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }' "$fix/releases.tsv" | sort -u >"$BATS_TEST_TMPDIR/hosts"
	while IFS=$'\t' read -r host etc ur uv um; do
		n=$((n + 1))
		args=(--all-releases --os-release "$fix/hosts/$host" --uname-r "$ur" --uname-v "$uv" --uname-m "$um")
		[ "$etc" = - ] || args+=(--etc-version "$etc")
		"$NAME" "${args[@]}" | awk -F'\t' '{ print $1 "\t" $2 "\t" $3 "\t" $4 "\t" ($3 == "named" ? $5 : "-") }' \
			>"$BATS_TEST_TMPDIR/got"
		awk -F'\t' -v h="$host" -v e="$etc" -v r="$ur" -v v="$uv" -v m="$um" \
			'!/^#/ && $1 == h && $2 == e && $3 == r && $4 == v && $5 == m { print $6 "\t" $7 "\t" $8 "\t" $9 "\t" $10 }' \
			"$fix/releases.tsv" | sort >"$BATS_TEST_TMPDIR/want"
		if ! diff <(sort "$BATS_TEST_TMPDIR/got") "$BATS_TEST_TMPDIR/want" >"$BATS_TEST_TMPDIR/diff"; then
			echo "host $host $ur ($uv, $um):"
			cat "$BATS_TEST_TMPDIR/diff"
			wrong=$((wrong + 1))
		fi
	done <"$BATS_TEST_TMPDIR/hosts"
	echo "$n hosts, $wrong named otherwise"
	[ "$n" -ge 30 ]
	[ "$wrong" -eq 0 ]
	# Every release and both kinds were asked of each host.
	[ "$(grep -vc '^#' "$fix/releases.tsv")" -eq $((n * 38 * 2)) ]
}

@test "aarch64 across every rule set: per-arch paths under aarch64/, flat ones (0.28-0.32.0, 0.32.1's probe) the same file as x86_64's" {
	local n=0 host r v flat
	while IFS=$'\t' read -r host r v; do
		"$NAME" --all-releases --drivers-repo https://r --os-release "tests/fixtures/naming/hosts/$host" \
			--uname-r "$r" --uname-v "$v" --uname-m x86_64 | cut -f1-4 >"$BATS_TEST_TMPDIR/x"
		"$NAME" --all-releases --drivers-repo https://r --os-release "tests/fixtures/naming/hosts/$host" \
			--uname-r "$r" --uname-v "$v" --uname-m aarch64 | cut -f1-4 >"$BATS_TEST_TMPDIR/a"
		while IFS=$'\t' read -r rel kind xs xp <&3 && IFS=$'\t' read -r arel akind as ap <&4; do
			[ "$rel $kind" = "$arel $akind" ]
			[ "$xs" = named ] || continue
			case $rel:$kind in 0.28.* | 0.29.* | 0.30.* | 0.31.* | 0.32.0:* | 0.32.1:bpf) flat=1 ;; *) flat= ;; esac
			if [ "$as" != named ]; then
				# Only what falcoctl refuses on arm64: the legacy probe below 4.17, a module below 3.16.
				case $kind:$r in bpf:* | kmod:3.[0-9].* | kmod:3.1[0-5].*) ;; *) echo "$host $r $rel $kind: $as $ap" && false ;; esac
				continue
			fi
			if [ -n "$flat" ]; then
				[ "$ap" = "$xp" ] || { echo "$host $r $rel $kind: $ap != $xp"; false; }
				[[ "$xp" != */x86_64/* ]]
			else
				[ "$ap" = "${xp/\/x86_64\//\/aarch64\/}" ] || { echo "$host $r $rel $kind: $ap"; false; }
				[[ "$ap" == */aarch64/* ]]
			fi
			n=$((n + 1))
		done 3<"$BATS_TEST_TMPDIR/x" 4<"$BATS_TEST_TMPDIR/a"
	done < <(awk -F'\t' '!/^#/ && !seen[$1 FS $3]++ { print $1 "\t" $3 "\t" $4 }' tests/fixtures/naming/releases.tsv)
	echo "$n named pairs"
	[ "$n" -gt 500 ]
}

@test "lookup: UNAME_M=aarch64 asks for the aarch64 paths, and the flat ones" {
	local repo=$BATS_TEST_TMPDIR/repo
	mkdir -p "$repo/9.1.0+driver/aarch64"
	: >"$repo/9.1.0+driver/aarch64/falco_ubuntu-generic_6.8.0-45-generic_45.ko"
	run env FP_BIN="$FP_BIN" sh mk/lookup.sh "file://$repo" 6.8.0-45-generic '#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024' \
		aarch64 distros/os-release/ubuntu-24.04
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eqx "0\.43\.1 +kmod +present +file://$repo/9\.1\.0%2Bdriver/aarch64/falco_ubuntu-generic_6\.8\.0-45-generic_45\.ko"
	echo "$output" | grep -Eqx "0\.43\.1 +bpf +missing +file://$repo/9\.1\.0%2Bdriver/aarch64/falco_ubuntu-generic_6\.8\.0-45-generic_45\.o"
	echo "$output" | grep -Eqx "0\.32\.1 +bpf +missing +file://$repo/2\.0\.0%2Bdriver/falco_ubuntu-generic_6\.8\.0-45-generic_45\.o"
	# No x86_64 path is asked for.
	! echo "$output" | grep -q '/x86_64/' || false
	[ "$(echo "$output" | grep -c '/aarch64/')" -gt 20 ]
}
