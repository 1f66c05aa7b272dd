#!/usr/bin/env bats
# as-host and fakehost.so: a dynamically linked command sees a target host's uname and
# os-release; without them, the host's; a static program is refused. Hermetic.

setup() {
	TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	AS_HOST=${FP_BIN:?}/as-host
	cd "$TOP"
	# A real Debian 12 kernel (linux-headers-6.1.0-50-amd64 6.1.176-1) as the target, and
	# a target os-release that is not this machine's.
	OSR=distros/os-release/amzn-2023
	R=6.1.0-50-amd64
	V='#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-07-02)'
	M=aarch64
	HOST_R=$(cat /proc/sys/kernel/osrelease)
	HOST_V=$(cat /proc/sys/kernel/version)
	HOST_M=$(uname -m)
	[ "$HOST_R" != "$R" ]
	[ "$HOST_M" != "$M" ]
	! cmp -s /etc/os-release "$OSR" || false
}

# A dynamically linked program that asks libc, as a loader or kbuild would.
build_probe_program() {
	cat >"$BATS_TEST_TMPDIR/who.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	if (uname(&u) != 0)
		return 1;
	printf("release=%s\nversion=%s\nmachine=%s\n", u.release, u.version, u.machine);
	FILE *f = fopen("/etc/os-release", "r");
	char line[512];
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "ID=", 3) || !strncmp(line, "VERSION_ID=", 11))
			fputs(line, stdout);
	return f ? 0 : 2;
}
EOF
	cc -o "$BATS_TEST_TMPDIR/who" "$BATS_TEST_TMPDIR/who.c"
}

@test "uname -r, -v, -m and cat /etc/os-release show the target under as-host" {
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -r
	[ "$status" -eq 0 ]
	[ "$output" = "$R" ]
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -v
	[ "$output" = "$V" ]
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -m
	[ "$output" = "$M" ]
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -a
	[[ $output == "Linux "*" $R $V $M"* ]]
	"$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- cat /etc/os-release >"$BATS_TEST_TMPDIR/seen"
	cmp "$BATS_TEST_TMPDIR/seen" "$OSR"
	# The other name of the file, a relative path, and a path with dots lead to it too.
	"$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- cat /usr/lib/os-release >"$BATS_TEST_TMPDIR/seen"
	cmp "$BATS_TEST_TMPDIR/seen" "$OSR"
	"$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- \
		sh -c 'cd /etc && cat os-release ../etc/./os-release' >"$BATS_TEST_TMPDIR/seen"
	cat "$OSR" "$OSR" | cmp - "$BATS_TEST_TMPDIR/seen"
	# /proc/sys/kernel/osrelease and version, which some loaders read instead of uname.
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- cat /proc/sys/kernel/osrelease /proc/sys/kernel/version
	[ "$output" = "$R"$'\n'"$V" ]
}

@test "a C program calling uname() and fopen() sees the target; without as-host, the host" {
	build_probe_program
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- "$BATS_TEST_TMPDIR/who"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "release=$R" ]
	[ "${lines[1]}" = "version=$V" ]
	[ "${lines[2]}" = "machine=$M" ]
	[ "${lines[3]}" = 'ID="amzn"' ]
	[ "${lines[4]}" = 'VERSION_ID="2023"' ]

	run "$BATS_TEST_TMPDIR/who"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "release=$HOST_R" ]
	[ "${lines[1]}" = "version=$HOST_V" ]
	[ "${lines[2]}" = "machine=$HOST_M" ]
	[ "$(grep '^ID=' <<<"$output")" = "$(grep '^ID=' /etc/os-release)" ]
	run uname -r
	[ "$output" = "$HOST_R" ]
	run cat /etc/os-release
	[ "$output" = "$(cat /etc/os-release)" ]
	! grep -q amzn /etc/os-release || false
}

@test "a statically linked program is refused, and does not run" {
	cat >"$BATS_TEST_TMPDIR/static.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("the static program ran"); return 0; }
EOF
	cc -static -o "$BATS_TEST_TMPDIR/static" "$BATS_TEST_TMPDIR/static.c"
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- "$BATS_TEST_TMPDIR/static"
	[ "$status" -eq 125 ]
	[[ $output == *"$BATS_TEST_TMPDIR/static is statically linked"* ]]
	[[ $output == *"LD_PRELOAD cannot reach it"* ]]
	[[ $output != *"the static program ran"* ]]
	# A script is judged by its interpreter: a #! to the static program is refused too.
	printf '#!%s\n' "$BATS_TEST_TMPDIR/static" >"$BATS_TEST_TMPDIR/script"
	chmod +x "$BATS_TEST_TMPDIR/script"
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- "$BATS_TEST_TMPDIR/script"
	[ "$status" -eq 125 ]
	[[ $output == *"statically linked"* ]]
	# ... and a script with a dynamic interpreter runs as the target.
	printf '#!/bin/sh\nuname -r\n' >"$BATS_TEST_TMPDIR/script"
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- "$BATS_TEST_TMPDIR/script"
	[ "$status" -eq 0 ]
	[ "$output" = "$R" ]
}

@test "as-host takes the target from a listing line or from a listing file" {
	local pkgs='http://deb.example/pool/linux-headers-6.1.0-50-amd64_6.1.176-1_amd64.deb|'$(printf '0%.0s' {1..64})'|1'
	local line=$OSR$'\tx86_64\t'$R$'\t'$V$'\tusr/src/linux-headers-6.1.0-50-amd64\t'$pkgs$'\t-'
	run "$AS_HOST" --listing "$line" -- uname -rvm
	[ "$status" -eq 0 ]
	[ "$output" = "$R $V x86_64" ]

	local listing=$BATS_TEST_TMPDIR/debian.tsv
	{
		printf '%s\n' "$line"
		printf '%s\n' "${line/x86_64/aarch64}"
		printf '%s\n' "${line//6.1.0-50/6.1.0-56}"
	} >"$listing"
	run "$AS_HOST" "$listing" 6.1.0-56-amd64 -- uname -r
	[ "$status" -eq 0 ]
	[ "$output" = 6.1.0-56-amd64 ]
	# One release listed for two machines needs --uname-m to choose.
	run "$AS_HOST" "$listing" "$R" -- uname -m
	[ "$status" -eq 125 ]
	[[ $output == *"$listing: lines 1 and 2 both list $R"* ]]
	run "$AS_HOST" --uname-m aarch64 "$listing" "$R" -- uname -m
	[ "$output" = aarch64 ]
	run "$AS_HOST" "$listing" 9.9.9 -- uname -r
	[ "$status" -eq 125 ]
	[[ $output == *"$listing: no kernel 9.9.9"* ]]
	# The os-release path of a listing is relative to the repository root (--root).
	cd "$BATS_TEST_TMPDIR"
	run "$AS_HOST" --listing "$line" -- cat /etc/os-release
	[ "$status" -eq 125 ]
	[[ $output == *"$OSR"* ]]
	run "$AS_HOST" --root "$TOP" --listing "$line" -- cat /etc/os-release
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$TOP/$OSR")" ]
}

@test "as-host names what is wrong: usage, a missing os-release, a value uname cannot hold" {
	run "$AS_HOST" --uname-r "$R" -- uname -r
	[ "$status" -eq 125 ]
	[[ $output == *usage* ]]
	run "$AS_HOST" --os-release "$BATS_TEST_TMPDIR/nope" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -r
	[ "$status" -eq 125 ]
	[[ $output == *"$BATS_TEST_TMPDIR/nope"* ]]
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "#1 $(printf 'x%.0s' {1..70})" --uname-m "$M" -- uname -v
	[ "$status" -eq 125 ]
	[[ $output == *"does not fit uname(2)"* ]]
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- no-such-command-here
	[ "$status" -eq 125 ]
	[[ $output == *"no-such-command-here: command not found"* ]]
	run "$AS_HOST" --preload "$BATS_TEST_TMPDIR/none.so" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- uname -r
	[ "$status" -eq 125 ]
	[[ $output == *"$BATS_TEST_TMPDIR/none.so"* ]]
	# The command's own exit status comes back.
	run "$AS_HOST" --os-release "$OSR" --uname-r "$R" --uname-v "$V" --uname-m "$M" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "the names computed from what the mocked host shows are the table's" {
	# What a loader reads on the host (uname -r, uname -v, os-release), read under as-host for
	# one table case per distribution family, gives that case's name.
	local dv rules layout kind osr m r v file repo src seen=0
	while IFS=$'\t' read -r dv rules layout kind osr m r v file repo src; do
		[[ $dv == \#* || $src == RULE* || $rules != - || $layout != - ]] && continue
		case $osr in
		*debian-13 | *ubuntu-24.04 | *amzn-2 | *cos-117 | *ol-9) ;;
		*) continue ;;
		esac
		local got_r got_v
		got_r=$("$AS_HOST" --os-release "$osr" --uname-r "$r" --uname-v "$v" --uname-m "$m" -- uname -r)
		got_v=$("$AS_HOST" --os-release "$osr" --uname-r "$r" --uname-v "$v" --uname-m "$m" -- uname -v)
		"$AS_HOST" --os-release "$osr" --uname-r "$r" --uname-v "$v" --uname-m "$m" -- cat /etc/os-release >"$BATS_TEST_TMPDIR/osr"
		run "${FP_BIN}/falco-name" --driver-version "$dv" --kind "$kind" --os-release "$BATS_TEST_TMPDIR/osr" \
			--uname-r "$got_r" --uname-v "$got_v" --uname-m "$m" --field repo_path
		[ "$status" -eq 0 ]
		[ "$output" = "$repo" ]
		seen=$((seen + 1))
	done <"$TOP/tests/fixtures/naming/cases.tsv"
	[ "$seen" -ge 5 ]
}
