#!/usr/bin/env bats
# Live tests against the Debian mirror this machine's apt uses: the real signed indexes, the
# real header packages, the real driver (falcosecurity-scap-dkms) and the real compiler. The
# kernel is never hard-coded: the newest bookworm amd64 kernel the mirror lists is built.
#
# Runs in a shared directory (FP_LIVE_DIR, default build/live) so that the packages fetched
# once serve every test of this file.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	mkdir -p "$LIVE"
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	if [ -z "$MIRROR_debian" ]; then
		echo "# this machine's apt sources name no bookworm mirror" >&3
	fi
	# Bookworm only: the newest bookworm kernel is the one to build, and fewer suites keep
	# the test quick. Every setting is a variable, as a user would set it.
	export MAKEARGS="-C $TOP --no-print-directory BIN=$TOP/build/san/bin BUILD=$LIVE/build CACHE=$LIVE/cache DIST=$LIVE/dist KERNELS=$LIVE/kernels DRIVER_SOURCE=debian-dkms"
	export SUITES="bookworm|MIRROR_debian|debian-12 bookworm-updates|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12"
}

lmake() {
	make $MAKEARGS "debian_SUITES=$SUITES" "$@"
}

newest_bookworm_amd64() {
	# The listing is sorted by release, the newest build first; pick the highest ABI.
	awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ { print $3 }' \
		"$LIVE/build/listing/debian.tsv" | sort -V | tail -n 1
}

@test "live: the signed bookworm indexes list current kernels with their header packages" {
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	run lmake list-debian
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'falco_debian_6\.1\.0-[0-9]*-amd64_1\.o$'
	echo "$output" | grep -q 'falco_debian_6\.1\.0-[0-9]*-cloud-amd64_1\.o$'
	echo "$output" | grep -q 'falco_debian_6\.1\.0-[0-9]*-rt-amd64_1\.o$'
	echo "$output" | grep -q 'falco_debian_6\.1\.0-[0-9]*-arm64_1\.o$'
	# Every probe lands under the driver version the scap-dkms tree declares, per arch: an amd64
	# flavour's under x86_64/, an arm64 one's under aarch64/.
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	[ -n "$dv" ]
	! echo "$output" | grep "^/" | grep -vF "/$dv/" | grep -q . || false
	! echo "$output" | grep "^/" | grep -Ev "/x86_64/falco_debian_[^/]*-amd64_[0-9]+\.(o|ko)$|/aarch64/falco_debian_[^/]*-arm64_[0-9]+\.(o|ko)$" |
		grep -q . || false
	# Each kernel's packages: its own headers, the shared -common half and linux-kbuild.
	release=$(newest_bookworm_amd64)
	line=$(awk -F'\t' -v r="$release" '$3 == r' "$LIVE/build/listing/debian.tsv")
	echo "$line" | grep -q "linux-headers-$release"
	echo "$line" | grep -q "linux-headers-${release%-amd64}-common_"
	echo "$line" | grep -q "linux-kbuild-6.1_"
}

@test "live: the newest bookworm amd64 probe and module build from the real driver, named as its headers say" {
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	lmake list-debian >/dev/null
	release=$(newest_bookworm_amd64)
	[ -n "$release" ]
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${release}_1.o module=${probe%.o}.ko
	rm -f "$probe" "$module"
	run lmake "$probe" "$module"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$probe" ]
	# The module of the same tree, from the same extracted headers: the dkms tree's own name
	# (scap), for this kernel, by Debian 12's gcc-12.
	[ "$(echo "$output" | grep -c '^  TREE ')" -eq 1 ]
	[ "$(modinfo -F name "$module")" = scap ]
	modinfo -F vermagic "$module" | grep -q "^$release SMP "
	grep -q '^compiler=gcc-12 ' "$LIVE/build/records/$dv/x86_64/falco_debian_${release}_1.ko.rec"
	# An eBPF relocatable object...
	file "$probe" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	# ...whose embedded kernel_version is the headers' UTS_RELEASE, and whose name carries the
	# number after '#' in their UTS_VERSION. Read both from the real package, independently.
	hdr=$(awk -F'\t' -v r="$release" '$3 == r { print $6 }' "$LIVE/build/listing/debian.tsv" |
		tr ' ' '\n' | grep "linux-headers-$release" | cut -d'|' -f2)
	tmp=$(mktemp -d)
	dpkg-deb -x "$LIVE/cache/packages/$hdr" "$tmp"
	uts_release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tmp/usr/src/linux-headers-$release/include/generated/utsrelease.h")
	uts_version=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$tmp"/usr/src/linux-headers-$release/include/generated/{utsversion,compile}.h 2>/dev/null | head -n 1)
	rm -rf "$tmp"
	[ "$uts_release" = "$release" ]
	kversion=$(echo "$uts_version" | sed -n 's/^#\([0-9]*\).*/\1/p')
	[ "$(basename "$probe")" = "falco_debian_${uts_release}_${kversion}.o" ]
	llvm-objcopy --dump-section kernel_version=/dev/stdout "$probe" 2>/dev/null | tr -d '\0' | grep -qx "$uts_release" ||
		llvm-readelf -p kernel_version "$probe" | grep -q "$uts_release"
	# The work tree is gone once the probe is built.
	work=$(lmake list-debian print-WORK_DIR | tail -n 1)
	[ -n "$work" ]
	[ -z "$(ls -A "$work" 2>/dev/null)" ]
}

@test "live: a second run with nothing changed builds nothing and downloads no package" {
	[ -n "$MIRROR_debian" ] || skip "no Debian mirror in this machine's apt sources"
	lmake list-debian >/dev/null
	release=$(newest_bookworm_amd64)
	dv=$(sed -n 's/^DRIVER_TREE_VERSION := //p' "$LIVE/build/driver/debian-dkms.mk")
	probe=$LIVE/dist/$dv/x86_64/falco_debian_${release}_1.o
	# Built, whatever test ran before.
	[ -f "$probe" ] || lmake "$probe" >/dev/null
	before=$(stat -c %Y.%s "$probe")
	run lmake "$probe"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE\|FETCH' || false
	[ "$(stat -c %Y.%s "$probe")" = "$before" ]
}
