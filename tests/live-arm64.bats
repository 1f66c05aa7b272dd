#!/usr/bin/env bats
# arm64 drivers, cross-built on this x86_64 host from the real Debian arm64 packages: the headers
# of the kernel's architecture with the Multi-Arch: foreign linux-kbuild of this host's (its
# fixdep and modpost run here), the probe by clang for that architecture, the module by the
# kernel's compiler as a cross compiler (this host's aarch64-linux-gnu-gcc-12 for Debian 12, a
# root of Debian 13's gcc-14-aarch64-linux-gnu for Debian 13). Each is checked: a module is an
# AArch64 ELF relocatable for its kernel (vermagic), a probe an eBPF ELF naming its kernel.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export FIX=$BATS_FILE_TMPDIR
	# shellcheck source=lib/common.bash
	source "$TOP/tests/lib/common.bash"
	# shellcheck source=lib/live.bash
	source "$TOP/tests/lib/live.bash"
	live_setup "$FIX/live"
}

teardown_file() {
	fp_http_stop_all
}

setup() {
	load lib/common
	load lib/live
}

# is_arm64_module KO RELEASE: an AArch64 (e_machine 183) ELF relocatable for RELEASE.
is_arm64_module() {
	file "$1" | grep -q 'ELF 64-bit LSB relocatable, ARM aarch64'
	[ "$(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')" = 183 ]
	modinfo -F vermagic "$1" | grep -q "^$2 SMP .* aarch64$"
}

# is_probe_for O RELEASE: an eBPF ELF relocatable whose kernel_version is RELEASE.
is_probe_for() {
	file "$1" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	llvm-objcopy --dump-section "kernel_version=$BATS_TEST_TMPDIR/kv" "$1" /dev/null
	[ "$(tr -d '\0' <"$BATS_TEST_TMPDIR/kv")" = "$2" ]
}

@test "live: arm64 kernels are listed beside amd64 ones, with this host's linux-kbuild; ARCHES=x86_64 lists none" {
	live_ready
	d=$FIX/live
	[ -n "$(newest 12 "$d" arm64)" ]
	[ -n "$(newest 13 "$d" arm64)" ]
	awk -F'\t' '$3 ~ /-arm64$/ && $2 != "aarch64"' "$d/build/listing/debian.tsv" | grep -q . && false
	# Every arm64 kernel's linux-kbuild is the amd64 package.
	awk -F'\t' '$2 == "aarch64" { print $6 }' "$d/build/listing/debian.tsv" | tr ' ' '\n' | grep 'linux-kbuild' |
		grep -v '_amd64\.deb|' && false
	run lmake "$d" ARCHES=x86_64 list-debian
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '/x86_64/'
	! echo "$output" | grep -q '/aarch64/' || false
	lmake "$d" list-debian >/dev/null
	grep -q '	aarch64	' "$d/build/listing/debian.tsv"
}

@test "live: Falco 0.43.1's probe and module and 0.44.1's module for the newest Debian 12 and 13 arm64 kernels" {
	live_ready
	d=$FIX/live b=$(newest 12 "$FIX/live" arm64) t=$(newest 13 "$FIX/live" arm64)
	outs=()
	for r in "$b" "$t"; do
		outs+=("$d/dist/$(path_of 0.43.1 "$r" bpf)" "$d/dist/$(path_of 0.43.1 "$r" kmod)" "$d/dist/$(path_of 0.44.1 "$r" kmod)")
	done
	[[ "${outs[0]}" == "$d/dist/9.1.0+driver/aarch64/falco_debian_"*-arm64_1.o ]]
	[[ "${outs[2]}" == "$d/dist/10.2.0+driver/aarch64/falco_debian_"*-arm64_1.ko ]]
	run lmake "$d" -j2 FALCO_VERSIONS="0.43.1 0.44.1" "${outs[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	is_probe_for "${outs[0]}" "$b"
	is_arm64_module "${outs[1]}" "$b"
	is_arm64_module "${outs[2]}" "$b"
	is_probe_for "${outs[3]}" "$t"
	is_arm64_module "${outs[4]}" "$t"
	is_arm64_module "${outs[5]}" "$t"
	# The records name the architecture, this host's, and the compilers: the probe's clang for
	# aarch64, the modules' cross compilers of their kernels' series.
	rec() { echo "$d/build/records/${1#"$d/dist/"}.rec"; }
	grep -qx 'arch=aarch64' "$(rec "${outs[0]}")"
	grep -qx 'build_host_arch=x86_64' "$(rec "${outs[0]}")"
	grep -q '^compiler=.*clang version .*(--target=aarch64-linux-gnu)$' "$(rec "${outs[0]}")"
	grep -q '^compiler=aarch64-linux-gnu-gcc-12 (Debian 12\.' "$(rec "${outs[1]}")"
	grep -qx 'toolchain_root=-' "$(rec "${outs[1]}")"
	grep -q '^compiler=aarch64-linux-gnu-gcc-14 (Debian 14\.' "$(rec "${outs[4]}")"
	id=$(sed -n 's/^toolchain_root=//p' "$(rec "${outs[4]}")")
	grep -q ' gcc-14-aarch64-linux-gnu_14\.[^ ]*_amd64\.deb$' "$CACHE/toolchains/$id.manifest"
	# linux-kbuild is this host's architecture's: among the packages of each record.
	kb=$(awk -F'\t' -v r="$b" '$3 == r { print $6 }' "$d/build/listing/debian.tsv" | tr ' ' '\n' | grep linux-kbuild | cut -d'|' -f2)
	grep -q "^packages=.*$kb" "$(rec "${outs[1]}")"
}
