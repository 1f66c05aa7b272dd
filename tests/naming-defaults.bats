#!/usr/bin/env bats
# The rule set and layout each known driver version is named by when only --driver-version is
# given (mk/build-output.sh names a driver of one's own so, and kernels-mk every output of a
# driver version): those of the newest Falco release asking for that kind of driver, written out
# here by hand for every driver version of `falco-name --releases`, probe and module. Hermetic.

setup() {
	TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	NAME=${FP_BIN:?}/falco-name
	OSR=$TOP/distros/os-release/ubuntu-22.04
	V='#63~22.04.1-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 22 19:00:15 UTC 2'
}

# field DV KIND FIELD [ARGS...]
field() {
	"$NAME" --driver-version "$1" --kind "$2" --os-release "$OSR" --uname-r 6.8.0-60-generic \
		--uname-v "$V" --uname-m x86_64 --field "$3" "${@:4}"
}

# driver version, then rules and layout of its probe ("-": no release asks for one), and of its module.
DEFAULTS='5c0b863ddade7a45568c0ac97d037422c9efb750 0.28 flat 0.28 flat
17f5df52a7d9ed6bb12d3b1768460def8439936d 0.28 flat 0.28 flat
3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4 0.28 flat 0.28 flat
319368f1ad778691164d33d59945e00c5752cd27 0.28 flat 0.28 flat
b7eb0dd65226a8dc254d228c8d950d07bf3521d2 0.28 flat 0.28 flat
39ae7d40496793cf3d3e7890c9bbdc202263836b 0.28 flat 0.28 flat
2.0.0+driver 0.32 arch 0.32 arch
3.0.1+driver 0.33 arch 0.33 arch
4.0.0+driver 0.34 arch 0.34 arch
5.0.1+driver 0.35.1 arch 0.35.1 arch
6.0.1+driver 0.35.1 arch 0.35.1 arch
7.0.0+driver 0.37.1 arch 0.37.1 arch
7.2.0+driver 0.38 arch 0.38 arch
7.2.1+driver 0.38 arch 0.38 arch
7.3.0+driver 0.39 arch 0.39 arch
8.0.0+driver 0.39 arch 0.39 arch
8.1.0+driver 0.39 arch 0.39 arch
9.0.0+driver 0.39 arch 0.39 arch
9.1.0+driver 0.39 arch 0.39 arch
10.2.0+driver - - 0.44 arch'

@test "naming defaults: the table above has every driver version falco-name --releases knows, and no other" {
	run "$NAME" --releases
	[ "$status" -eq 0 ]
	local known want
	known=$(echo "$output" | tail -n +2 | cut -f2 | sort -u)
	want=$(echo "$DEFAULTS" | cut -d' ' -f1 | sort -u)
	echo "known: $known"
	echo "table: $want"
	[ "$known" = "$want" ]
}

@test "naming defaults: every known driver version's probe gets its newest release's rule set and layout" {
	local dv rules layout n=0
	while read -r dv rules layout _ _; do
		n=$((n + 1))
		if [ "$rules" = - ]; then
			run field "$dv" bpf rules
			echo "$dv bpf: $output"
			[ "$status" -eq 3 ]
			continue
		fi
		run field "$dv" bpf rules
		echo "$dv bpf rules: $output (want $rules)"
		[ "$status" -eq 0 ]
		[ "$output" = "$rules" ]
		run field "$dv" bpf layout
		echo "$dv bpf layout: $output (want $layout)"
		[ "$status" -eq 0 ]
		[ "$output" = "$layout" ]
	done <<<"$DEFAULTS"
	[ "$n" -eq 20 ]
}

@test "naming defaults: every known driver version's module gets its newest release's rule set and layout" {
	local dv rules layout n=0
	while read -r dv _ _ rules layout; do
		n=$((n + 1))
		run field "$dv" kmod rules
		echo "$dv kmod rules: $output (want $rules)"
		[ "$status" -eq 0 ]
		[ "$output" = "$rules" ]
		run field "$dv" kmod layout
		echo "$dv kmod layout: $output (want $layout)"
		[ "$status" -eq 0 ]
		[ "$output" = "$layout" ]
	done <<<"$DEFAULTS"
	[ "$n" -eq 20 ]
}

@test "naming defaults: each layout shows in the repository path (7.2.1+driver's probe per-arch, 5c0b863's flat)" {
	run field 7.2.1+driver bpf repo_path
	[ "$status" -eq 0 ]
	[ "$output" = "7.2.1+driver/x86_64/falco_ubuntu-generic_6.8.0-60-generic_63~22.04.1.o" ]
	run field 5c0b863ddade7a45568c0ac97d037422c9efb750 kmod repo_path
	[ "$status" -eq 0 ]
	[ "$output" = "5c0b863ddade7a45568c0ac97d037422c9efb750/falco_ubuntu-generic_6.8.0-60-generic_63.ko" ]
}

@test "naming defaults: falcoctl's rules ask per-arch even for a driver version that defaults to flat, unless --layout says" {
	run field 5c0b863ddade7a45568c0ac97d037422c9efb750 bpf layout --rules 0.39
	[ "$status" -eq 0 ]
	[ "$output" = arch ]
	run field 5c0b863ddade7a45568c0ac97d037422c9efb750 bpf layout --rules 0.39 --layout flat
	[ "$status" -eq 0 ]
	[ "$output" = flat ]
	# The bash loader's rules keep the driver version's flat layout.
	run field 5c0b863ddade7a45568c0ac97d037422c9efb750 bpf layout --rules 0.34
	[ "$status" -eq 0 ]
	[ "$output" = flat ]
}
