#!/usr/bin/env bats
# Kernel modules (mk/build-output.sh's build_kmod, mk/toolchain.sh): each one built by its
# kernel's kbuild with the compiler its kernel was built with, the host's where it has it, else in
# a private root of signed distribution packages; checked to be for its kernel (vermagic) and to
# be the driver Falco loads (its name).
#
# Hermetic first: tiny kernels (tests/lib/tinykernel.bash) and the tiny driver tree with a module
# (tests/fixtures/tiny-kmod-driver), through the real pipeline. Then live: real modules of the
# real driver sources for real Debian and Ubuntu kernels.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export BIN=$FP_BIN
	export FIX=$BATS_FILE_TMPDIR
	# shellcheck source=lib/tinyrepo.bash
	source "$TOP/tests/lib/tinyrepo.bash"
	mkdir -p "$FIX/debs"
	printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n' >"$FIX/os-release"
	# Two kernels of Debian 12's gcc-12; one built by a compiler no distribution here has; one
	# whose build tree says another release than its headers (its modules would not load).
	{
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-1 $(tinykernel_debs "$FIX/debs" 9.9.0-1 amd64 9.9.0-1)
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-2 $(tinykernel_debs "$FIX/debs" 9.9.0-2 amd64 9.9.0-2)
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-3 $(TINY_CC_TEXT="gcc-99 (Acme 99.1.0-1) 99.1.0" \
			tinykernel_debs "$FIX/debs" 9.9.0-3 amd64 9.9.0-3)
		# shellcheck disable=SC2046
		listing_line "$FIX/os-release" 9.9.0-4 $(TINY_KERNEL_RELEASE=9.9.0-7-amd64 \
			tinykernel_debs "$FIX/debs" 9.9.0-4 amd64 9.9.0-4)
	} >"$FIX/listing.tsv"
	export LISTING=$FIX/listing.tsv
	export DV=9.9.9+kmod
	export K1=$DV/x86_64/falco_debian_9.9.0-1-amd64_1.ko K2=$DV/x86_64/falco_debian_9.9.0-2-amd64_1.ko
	export K3=$DV/x86_64/falco_debian_9.9.0-3-amd64_1.ko K4=$DV/x86_64/falco_debian_9.9.0-4-amd64_1.ko
	kmake "$FIX/a" -k tiny >"$FIX/a.log" 2>&1 || true
	# shellcheck source=lib/live.bash
	source "$TOP/tests/lib/live.bash"
	live_setup "$FIX/live"
}

teardown_file() {
	fp_http_stop_all
}

setup() {
	load lib/common
	load lib/tinyrepo
	load lib/live
}

teardown() {
	fp_http_stop_all
}

kmake() {
	fpmake "$1" DRIVER_SOURCE="$TOP/tests/fixtures/tiny-kmod-driver" "${@:2}"
}

@test "kmod: a driver tree with a module gives a module beside each probe, by the kernel's compiler, for its kernel" {
	cat "$FIX/a.log"
	d=$FIX/a
	# Eight outputs: a probe and a module per kernel.
	grep -q '^tiny: 8 outputs: 6 built, 0 up to date, 2 failed$' "$FIX/a.log"
	for k in "$K1" "$K2"; do
		[ -f "$d/dist/$k" ]
		r=${k##*falco_debian_}
		r=${r%_1.ko}
		[ "$(modinfo -F vermagic "$d/dist/$k")" = "$r SMP mod_unload " ]
		[ "$(modinfo -F name "$d/dist/$k")" = tiny ]
		[ -f "$d/dist/${k%.ko}.o" ]
		rec=$d/build/records/$k.rec
		grep -qx 'kernel_compiler=gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0' "$rec"
		grep -qx "compiler=$(gcc-12 --version | head -n 1)" "$rec"
		grep -qx 'toolchain_root=-' "$rec"
		grep -qx "vermagic=$r SMP mod_unload " "$rec"
		grep -qx "sha256=$(fp_sha256 "$d/dist/$k")" "$rec"
	done
}

@test "kmod: a kernel built by a compiler this project cannot get is a verdict, as is a module for another release" {
	d=$FIX/a
	cat "$FIX/a.log"
	[ ! -e "$d/dist/$K3" ]
	[ ! -e "$d/dist/$K4" ]
	# Their probes need no compiler of the kernel's and are built.
	[ -f "$d/dist/${K3%.ko}.o" ]
	[ -f "$d/dist/${K4%.ko}.o" ]
	grep -qx "  failed: $d/dist/$K3: no compiler: no gcc-99 for the kernel's compiler 'gcc-99 (Acme 99.1.0-1) 99.1.0' (distros/toolchains.mk names none) (log: $d/build/logs/$K3.log)" "$FIX/a.log"
	grep -q "^  failed: $d/dist/$K4: the module's vermagic is '9.9.0-7-amd64 SMP mod_unload ', not for 9.9.0-4-amd64 " "$FIX/a.log"
	grep -qx 'result=failed' "$d/build/verdicts/$K3"
	grep -q '^reason=no compiler: ' "$d/build/verdicts/$K3"
	grep -q "^reason=the module's vermagic" "$d/build/verdicts/$K4"
	# Facts of the kernels: not tried again, and said so.
	run kmake "$d" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q '^  KMOD' || false
	echo "$output" | grep -qx 'tiny: 8 outputs: 0 built, 6 up to date, 0 failed; 2 failed before with the same inputs (RETRY_FAILED=1 tries them)'
	# The compilers distros/toolchains.mk names are the modules' toolchain: another list, and
	# every module is tried again. A root that cannot be made (a mirror that does not answer) is
	# a failure, not a verdict, and the old verdict no longer holds.
	e=$BATS_TEST_TMPDIR/e
	kmake "$e" -k tiny >/dev/null 2>&1 || true
	[ -f "$e/build/verdicts/$K3" ]
	run kmake "$e" -k tiny 'TOOLCHAINS=gcc-99|debian|bookworm|MIRROR_nowhere' MIRROR_nowhere=http://127.0.0.1:1/debian
	echo "$output"
	echo "$output" | grep -q "^  KMOD    tiny 9.9.0-3-amd64 -> "
	echo "$output" | grep -q "^  KMOD    tiny 9.9.0-1-amd64 -> "
	echo "$output" | grep -q "^  fault:  $e/dist/$K3: cannot get the kernel's compiler: gcc-99: mmdebstrap could not make a debian bookworm root from http://127.0.0.1:1/debian"
	[ ! -e "$e/build/verdicts/$K3" ]
	cmp "$d/dist/$K1" "$e/dist/$K1"
}

@test "kmod: an arm64 kernel's module is made by its series' cross compiler; one of another architecture is a fault, never published" {
	d=$BATS_TEST_TMPDIR/arm
	mkdir -p "$d/debs"
	# shellcheck disable=SC2046
	TINY_UNAME_M=aarch64 TINY_FLAVOUR=arm64 listing_line "$FIX/os-release" 9.9.0-5 \
		$(tinykernel_debs "$d/debs" 9.9.0-5 arm64 9.9.0-5) >"$d/listing.tsv"
	k=$DV/aarch64/falco_debian_9.9.0-5-arm64_1.ko
	export LISTING=$d/listing.tsv
	run kmake "$d/a" -k tiny
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(od -An -tu2 -j18 -N2 "$d/a/dist/$k" | tr -d ' ')" = 183 ]
	[ "$(modinfo -F vermagic "$d/a/dist/$k")" = "9.9.0-5-arm64 SMP mod_unload " ]
	grep -qx 'arch=aarch64' "$d/a/build/records/$k.rec"
	grep -qx "compiler=$(aarch64-linux-gnu-gcc-12 --version | head -n 1)" "$d/a/build/records/$k.rec"
	file "$d/a/dist/${k%.ko}.o" | grep -q 'eBPF'
	# A kbuild that compiles with this host's compiler whatever it is told gives an x86_64 module:
	# a fault of this pipeline, never published and never a verdict.
	# (By its path: in a cross-build the objcopy PATH finds is the kernel architecture's.)
	export TINY_MODULE_CC=cc TINY_OBJCOPY=/usr/bin/objcopy
	run kmake "$d/b" -k tiny
	echo "$output"
	echo "$output" | grep -q "^  fault:  $d/b/dist/$k: tiny.ko is of ELF machine 62, not aarch64's (183) "
	[ ! -e "$d/b/dist/$k" ]
	[ ! -e "$d/b/build/verdicts/$k" ]
}

@test "kmod: nothing is rebuilt that need not be; a rebuild elsewhere gives the same bytes" {
	d=$FIX/a
	before=$(fp_mtime "$d/dist/$K1")
	run kmake "$d" "$d/dist/$K1" "$d/dist/$K2"
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q '^  \(KMOD\|TREE\|FETCH\)' || false
	[ "$(fp_mtime "$d/dist/$K1")" = "$before" ]
	# Another directory, another work tree: the same module, byte for byte.
	e=$BATS_TEST_TMPDIR/elsewhere
	run kmake "$e" WORK_DIR="$e/work" "$e/dist/$K1"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$d/dist/$K1" "$e/dist/$K1"
	# Another module source, another module.
	cp -R "$TOP/tests/fixtures/tiny-kmod-driver" "$BATS_TEST_TMPDIR/drv"
	echo 'int tiny_exit(void) { return 1; }' >>"$BATS_TEST_TMPDIR/drv/tiny.c"
	run fpmake "$e" DRIVER_SOURCE="$BATS_TEST_TMPDIR/drv" WORK_DIR="$e/work" "$e/dist/$K1"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^  KMOD    tiny 9.9.0-1-amd64 -> '
	! cmp -s "$d/dist/$K1" "$e/dist/$K1" || false
}

# A module of the real driver: for its kernel, named as Falco loads it, by its compiler.
is_module_for() {
	local ko=$1 release=$2
	file "$ko" | grep -q 'ELF 64-bit LSB relocatable, x86-64'
	[ "$(modinfo -F name "$ko")" = falco ]
	[ "$(modinfo -F version "$ko")" = 9.1.0+driver ]
	modinfo -F vermagic "$ko" | grep -q "^$release SMP "
}

@test "live: Falco 0.43.1's modules for Debian 12 (this host's gcc-12) and Debian 13 (a root of Debian 13's gcc-14)" {
	live_ready
	d=$FIX/live b=$(newest 12) t=$(newest 13)
	[ -n "$b" ]
	[ -n "$t" ]
	kb=$d/dist/$(path_of 0.43.1 "$b" kmod) kt=$d/dist/$(path_of 0.43.1 "$t" kmod)
	[[ "$kb" == "$d/dist/9.1.0+driver/x86_64/falco_debian_"*.ko ]]
	run lmake "$d" FALCO_VERSIONS=0.43.1 "$kb" "$kt"
	echo "$output"
	[ "$status" -eq 0 ]
	is_module_for "$kb" "$b"
	is_module_for "$kt" "$t"
	rb=$d/build/records/${kb#"$d/dist/"}.rec rt=$d/build/records/${kt#"$d/dist/"}.rec
	grep -q '^kernel_compiler=\(x86_64-linux-gnu-\)\?gcc-12 (Debian 12\.' "$rb"
	grep -qx 'toolchain_root=-' "$rb"
	grep -q '^kernel_compiler=\(x86_64-linux-gnu-\)\?gcc-14 (Debian 14\.' "$rt"
	grep -q '^compiler=gcc-14 (Debian 14\.' "$rt"
	# The root is named by the SHA-256 of its packages' SHA-256s, and holds Debian 13's gcc-14.
	id=$(sed -n 's/^toolchain_root=//p' "$rt")
	[ "$(sha256sum <"$CACHE/toolchains/$id.manifest" | cut -d' ' -f1)" = "$id" ]
	grep -q ' gcc-14_14\.[^ ]*_amd64\.deb$' "$CACHE/toolchains/$id.manifest"
	grep -q 'ID=debian' "$CACHE/toolchains/$id/etc/os-release"
	grep -q 'VERSION_ID="13"' "$CACHE/toolchains/$id/etc/os-release"
}

@test "live: a toolchain package that is not what its signed index says is refused; no root is made" {
	live_ready
	t=$(newest 13)
	[ -n "$t" ]
	# The mirror through a proxy that flips a byte of every gcc-14 package; a cache of its own,
	# so that the root must be made.
	fp_http_start "$BATS_TEST_TMPDIR" "$TOP/tests/lib/mirror-proxy.py" "$MIRROR_debian" --corrupt '/gcc-14_'
	e=$BATS_TEST_TMPDIR/e
	mkdir -p "$e/cache"
	cp -R "$CACHE/packages" "$e/cache/" 2>/dev/null || true
	k=$e/dist/$(path_of 0.43.1 "$t" kmod)
	run fp_make "$e" MIRROR_debian="$MIRROR_debian" LIBS_ARCHIVES="$LIBS_URL" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 trixie|MIRROR_debian|debian-13" \
		MIRROR_corrupt="$FP_HTTP_URL" 'TOOLCHAINS=gcc-14|debian|trixie|MIRROR_corrupt' FALCO_VERSIONS=0.43.1 "$k"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$k" ]
	echo "$output" | grep -q "^  FAULT   debian $t: cannot get the kernel's compiler: gcc-14: mmdebstrap could not make a debian trixie root from $FP_HTTP_URL: E: .*"
	grep -q 'Hash Sum mismatch\|hash sum mismatch\|Hashes of expected file' "$e/build/logs/${k#"$e/dist/"}.log"
	[ -z "$(ls "$e/cache/toolchains" | grep -v '\.lock$' | grep -v '^gcc-14-')" ]
	[ ! -e "$e/build/verdicts/${k#"$e/dist/"}" ]
	grep -q '"GET /pool/main/g/gcc-14/gcc-14_' "$FP_HTTP_LOG"
}

@test "live: a build tree whose modpost this host cannot run (a newer C library) takes the kernel's gcc-12 from a root that can" {
	live_ready
	local w=$BATS_TEST_TMPDIR/newer
	mkdir -p "$w/debs"
	# A real program of Debian 13's C library (strlcpy is from glibc 2.38; this host has 2.36),
	# built in a root of Debian 13's gcc-14 made as mk/toolchain.sh makes every root.
	packages=$(make -s -C "$TOP" print-TOOLCHAIN_PACKAGES)
	root=$(TOOLCHAINS="gcc-14|debian|trixie|$MIRROR_debian" TOOLCHAIN_PACKAGES=$packages \
		FP_KEYRING_debian=/usr/share/keyrings/debian-archive-keyring.gpg \
		sh "$TOP/mk/toolchain.sh" 'gcc-14 (Debian 14.2.0-19) 14.2.0' "$w" "$CACHE" | cut -d' ' -f2)
	[ -d "$root" ]
	printf '#include <string.h>\nint main(int c, char **v) { char b[8]; strlcpy(b, v[c - 1], sizeof b); return 0; }\n' >"$w/modpost.c"
	bwrap --bind "$root" / --dev /dev --proc /proc --tmpfs /tmp --bind "$w" "$w" gcc-14 -O2 -o "$w/modpost" "$w/modpost.c"
	run "$w/modpost" x
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "GLIBC_2.38' not found"
	# A kernel of gcc-12, which this host has, whose tree carries that modpost: the host's gcc-12
	# cannot build for it, and gcc-12 comes from a root of Debian 13 (which has gcc-12 too).
	# shellcheck disable=SC2046
	TINY_MODPOST=$w/modpost listing_line "$FIX/os-release" 9.9.0-8 $(TINY_MODPOST=$w/modpost \
		tinykernel_debs "$w/debs" 9.9.0-8 amd64 9.9.0-8) >"$w/listing.tsv"
	# shellcheck disable=SC2046
	listing_line "$FIX/os-release" 9.9.0-9 $(tinykernel_debs "$w/debs" 9.9.0-9 amd64 9.9.0-9) >>"$w/listing.tsv"
	local k8=$DV/x86_64/falco_debian_9.9.0-8-amd64_1.ko k9=$DV/x86_64/falco_debian_9.9.0-9-amd64_1.ko
	run env LISTING="$w/listing.tsv" bash -c 'source "$1/tests/lib/tinyrepo.bash" && FP_BIN=$2 fp_make "$3" \
		DISTROS=tiny tiny_FAMILY=listing tiny_LISTING="$LISTING" tiny_NAMES="falco_debian_%" tiny_FIXUP=mk/fixup-debian.sh \
		DRIVER_SOURCE="$1/tests/fixtures/tiny-kmod-driver" CACHE="$4" MIRROR_debian="$5" \
		"TOOLCHAINS=gcc-12|debian|trixie|MIRROR_debian" "$3/dist/$6" "$3/dist/$7"' \
		sh "$TOP" "$BIN" "$w/out" "$CACHE" "$MIRROR_debian" "$k8" "$k9"
	echo "$output"
	[ "$status" -eq 0 ]
	rec=$w/out/build/records/$k8.rec
	cat "$rec"
	! grep -qx 'toolchain_root=-' "$rec" || false
	grep -q '^compiler=gcc-12 (Debian 12\.' "$rec"
	[ "$(grep '^compiler=' "$rec")" != "compiler=$(gcc-12 --version | head -n 1)" ]
	# The same kernel with a tree this host runs: this host's gcc-12.
	grep -qx 'toolchain_root=-' "$w/out/build/records/$k9.rec"
}

@test "live: an Ubuntu 22.04 module from the official archive, by this host's gcc-11 for the kernel's" {
	live_ready
	curl -sfI --max-time 20 http://archive.ubuntu.com/ubuntu/dists/jammy/InRelease >/dev/null ||
		skip "the official Ubuntu archive does not answer from here"
	u=$FIX/ubuntu
	umake() {
		lmake "$u" ubuntu_COMPONENTS=main FALCO_VERSIONS=0.43.1 \
			"ubuntu_SUITES=jammy|MIRROR_ubuntu|ubuntu-22.04 jammy-updates|MIRROR_ubuntu|ubuntu-22.04 jammy-security|MIRROR_ubuntu_security|ubuntu-22.04" ARCHES=x86_64 "$@"
	}
	run umake list-ubuntu
	[ "$status" -eq 0 ]
	k=$(echo "$output" | grep "^$u/dist/9\.1\.0+driver/x86_64/falco_ubuntu-generic_5\.15\.0-[0-9]*-generic_[0-9]*\.ko$" | sort -V | tail -n 1)
	[ -n "$k" ]
	r=${k#*falco_ubuntu-generic_}
	r=${r%_*}
	run umake "$k"
	echo "$output"
	[ "$status" -eq 0 ]
	is_module_for "$k" "$r"
	rec=$u/build/records/${k#"$u/dist/"}.rec
	grep -q '^kernel_compiler=.*gcc.* (Ubuntu 11\.' "$rec"
	grep -qx "compiler=$(gcc-11 --version | head -n 1)" "$rec"
	grep -qx 'toolchain_root=-' "$rec"
}

@test "kmod: the repository covers modules as it covers probes: index, SHA256SUMS, only what it lacks" {
	pub=$BATS_TEST_TMPDIR/pub d=$BATS_TEST_TMPDIR/nightly
	mkdir -p "$pub"
	cp -R "$FIX/a/dist" "$FIX/a/build" "$pub/"
	run kmake "$pub" repo
	echo "$output"
	[ "$status" -eq 0 ]
	run "$BIN/repo-query" paths "$pub/dist/index.json"
	echo "$output" | grep -qx "$K1"
	echo "$output" | grep -qx "$K2"
	[ "$(echo "$output" | grep -c '\.ko$')" -eq 2 ]
	[ "$(echo "$output" | grep -c '\.o$')" -eq 4 ]
	grep -q "  falco_debian_9.9.0-1-amd64_1.ko$" "$pub/dist/$DV/x86_64/SHA256SUMS"
	(cd "$pub/dist/$DV/x86_64" && sha256sum --strict -c SHA256SUMS)
	# A module the served repository lacks is built, and only it is uploaded.
	rm "$pub/dist/$K1"
	run kmake "$pub" repo
	[ "$status" -eq 0 ]
	fp_http_start "$pub/dist"
	run kmake "$d" -k REPO="$FP_HTTP_URL" tiny
	echo "$output"
	echo "$output" | grep -q "^  KMOD    tiny 9.9.0-1-amd64 -> $d/dist/$K1$"
	! echo "$output" | grep -q '^  PROBE' || false
	! echo "$output" | grep -q '^  KMOD    tiny 9.9.0-2-amd64' || false
	cmp "$d/dist/$K1" "$FIX/a/dist/$K1"
	run kmake "$d" REPO="$FP_HTTP_URL" repo
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$d/build/repo/upload-probes.list")" = "$K1" ]
}
