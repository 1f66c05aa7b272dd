#!/usr/bin/env bats
# Google COS through the pipeline: the cos-tools bucket's XML listing, build ids, the kernels of
# the builds, and real probes built from them with the real driver (DRIVER_SOURCE=debian-dkms).
#
# The bucket is not reachable here, so a bucket-shaped tree is served on 127.0.0.1 by
# tests/lib/cos-bucket.py, which answers Cloud Storage's XML listing with two entries a page (so
# every listing is paginated). Its kernel-headers.tgz archives are made (tests/lib/cos.bash)
# from the real headers of the newest bookworm amd64 kernel of this machine's Debian mirror,
# packed the way COS packs them, with a COS release (<x.y.z>+):
#
#   milestone 101 (17162.*): 17162.40.9 and 17162.40.20 ship the same archive H1 (#1); 17162.41.1
#     has no headers archive; 17162.40.x$(id) is not a build id.
#   milestone 105 (17412.*): 17412.1.2 ships H2 (the same tree, but #2: another kernel);
#     17412.1.5 ships H1 packed again (other bytes, the same kernel name as H1); 17412.1.9 ships
#     an archive that holds no prepared kernel tree.
#   milestone 109 (17800.*) has no os-release file here.
# The source path (a build with kernel-src.tar.gz only) is served by a bucket of its own, made
# from Debian's linux-source package of the same version and the headers' configuration.
#
# Each test file has its own BUILD, CACHE and DIST.

load lib/common
load lib/cos
bats_require_minimum_version 1.5.0

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export D=$BATS_FILE_TMPDIR
	export BUILD=$D/build CACHE=$D/cache DIST=$D/dist KERNELS=$D/kernels
	export COS_SKIP=
	local rc=0
	cos_debian_packages "$BUILD" "$CACHE" || rc=$?
	if [ "$rc" = 1 ]; then
		export COS_SKIP="this machine's apt sources name no bookworm mirror"
		return 0
	fi
	[ "$rc" = 0 ]
	export MIRROR_debian MIRROR_debian_security DEB_RELEASE DEB_VERSION DEB_SOURCE
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	MIRROR_debian_security=${MIRROR_debian_security:-$MIRROR_debian}

	# The COS release of that kernel: its upstream version, and the '+' COS kernels print.
	local pkg
	mkdir -p "$D/deb"
	for pkg in $DEB_HEADERS; do
		"$FP_BIN/extract" --quiet "$pkg" "$D/deb"
	done
	export COS_RELEASE
	COS_RELEASE=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = /./p; s/^SUBLEVEL = /./p' \
		"$D/deb/usr/src/linux-headers-${DEB_RELEASE%-amd64}-common/Makefile" | head -n 3 | tr -d '\n')+
	export UTS1 UTS2
	UTS1=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$D/deb/usr/src/linux-headers-$DEB_RELEASE/include/generated/utsversion.h")
	UTS2="#2${UTS1#\#1}"
	[ "${UTS1#\#1 }" != "$UTS1" ]

	local h=$D/archives
	mkdir -p "$h"
	cos_make_headers "$D/deb" "$COS_RELEASE" "$UTS1" "$h/h1.tgz"
	cos_make_headers "$D/deb" "$COS_RELEASE" "$UTS2" "$h/h2.tgz"
	# The same tree compressed again: other bytes, so another archive hash.
	gzip -dc "$h/h1.tgz" | gzip -1 >"$h/h1b.tgz"

	local b=$D/bucket id
	mkdir -p "$b/scripts"
	echo '#!/bin/sh' >"$b/scripts/disable_smt.sh"
	for id in 17162.40.9 17162.40.20 17162.41.1 '17162.40.x$(id)' 17412.1.2 17412.1.5 17412.1.9; do
		mkdir -p "$b/$id"
		echo 0123456789abcdef0123456789abcdef01234567 >"$b/$id/kernel_commit"
		echo CC=x86_64-cros-linux-gnu-clang >"$b/$id/toolchain_env"
	done
	cp "$h/h1.tgz" "$b/17162.40.9/kernel-headers.tgz"
	cp "$h/h1.tgz" "$b/17162.40.20/kernel-headers.tgz"
	cp "$h/h2.tgz" "$b/17412.1.2/kernel-headers.tgz"
	cp "$h/h1b.tgz" "$b/17412.1.5/kernel-headers.tgz"
	mkdir -p "$h/junk/usr/src/linux-headers-$COS_RELEASE"
	cp "$D/deb/usr/src/linux-headers-${DEB_RELEASE%-amd64}-common/Makefile" "$h/junk/usr/src/linux-headers-$COS_RELEASE/"
	(cd "$h/junk" && tar -czf - .) >"$b/17412.1.9/kernel-headers.tgz"

	mkdir -p "$D/osrel"
	printf 'NAME="Container-Optimized OS"\nID=cos\nVERSION_ID=101\nBUILD_ID=17162.40.20\n' >"$D/osrel/cos-101"
	printf 'NAME="Container-Optimized OS"\nID=cos\nVERSION_ID=105\nBUILD_ID=17412.1.2\n' >"$D/osrel/cos-105"
	printf 'NAME="Container-Optimized OS"\nID=cos\nVERSION_ID=109\nBUILD_ID=17800.1.1\n' >"$D/osrel/cos-109"

	fp_http_start "$b" "$TOP/tests/lib/cos-bucket.py" --page-size 2
	export COS_URL=$FP_HTTP_URL COS_LOG=$FP_HTTP_LOG
}

teardown_file() {
	fp_http_stop_all
}

teardown() {
	fp_http_stop_all
}

skip_unless_ready() {
	[ -z "$COS_SKIP" ] || skip "$COS_SKIP"
}

# make with this file's private directories; the milestones are 101 and 105 (and 109, whose
# os-release file is not in OSREL).
cmake() {
	local build=${CMAKE_BUILD:-$BUILD} dist=${CMAKE_DIST:-$DIST} url=${CMAKE_URL:-$COS_URL}
	local osrel=${CMAKE_OSREL:-$D/osrel-101-105}
	mkdir -p "$D/osrel-101-105"
	cp "$D/osrel/cos-101" "$D/osrel/cos-105" "$D/osrel-101-105/"
	fp_make "$build/.." BUILD="$build" CACHE="${CMAKE_CACHE:-$CACHE}" DIST="$dist" KERNELS="$build/kernels" \
		MIRROR_debian="$MIRROR_debian" MIRROR_debian_security="$MIRROR_debian_security" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-updates|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12" \
		MIRROR_cos="$url" "cos_MILESTONES=${CMAKE_MILESTONES:-101|17162 105|17412 109|17800}" \
		cos_OS_RELEASE_DIR="$osrel" DRIVER_SOURCE=debian-dkms "$@"
}

# The two probes of the kernels in milestones 101 and 105 built, whatever test ran before.
cos_built() {
	[ -f "$BUILD/driver/debian-dkms.mk" ] && [ -f "$DIST/$(driver_version)/x86_64/falco_cos_${COS_RELEASE}_1.o" ] &&
		[ -f "$DIST/$(driver_version)/x86_64/falco_cos_${COS_RELEASE}_2.o" ] || cmake -j2 cos >/dev/null 2>&1
}

driver_version() {
	sed -n 's/^DRIVER_TREE_VERSION := //p' "$BUILD/driver/debian-dkms.mk"
}

requests() {
	grep -c "^GET $1" "$COS_LOG" || true
}

@test "cos: the bucket's listing gives the builds of each milestone, page after page, build ids only" {
	skip_unless_ready
	run cmake list-cos
	echo "$output"
	[ "$status" -eq 0 ]
	# What is not a build id never gets further than the listing.
	echo "$output" | grep -qF "leaving out '17162.40.x\$(id)/': not a build id"
	echo "$output" | grep -q 'NOTE    cos: no .*/cos-109; leaving out milestone 109'
	echo "$output" | grep -q 'NOTE    cos: build 17162.41.1: neither kernel-headers.tgz nor kernel-src.tar.gz'
	echo "$output" | grep -q 'NOTE    cos: build 17412.1.9: kernel-headers.tgz holds no usable kernel tree (.*no UTS_RELEASE'
	# Each milestone's root is its builds.
	[ "$(sed -n 's/^build //p' "$CACHE/sources/cos/m101.root" "$CACHE/sources/cos/m105.root" | tr '\n' ' ')" = \
		"17162.40.20 17162.40.9 17162.41.1 17412.1.2 17412.1.5 17412.1.9 " ]
	[ ! -e "$CACHE/sources/cos/m109.root" ]
	! grep -rqF 'x$(id)' "$BUILD" "$CACHE/sources" "$CACHE/cos" || false
	# Every listing was paginated: the builds of a milestone and the objects of a build.
	grep -q '^GET /?prefix=17162.&delimiter=%2F&marker=' "$COS_LOG"
	grep -q '^GET /?prefix=17162.40.9%2F&delimiter=%2F&marker=' "$COS_LOG"
	[ "$(requests '/?prefix=17800')" = 0 ]
	# One line per kernel. The builds sharing H1 are one line, with the oldest build's archive
	# (17162.40.9, which sorts after 17162.40.20 as text).
	dv=$(driver_version)
	[ "$(wc -l <"$BUILD/listing/cos.tsv")" = 3 ]
	sha1=$(fp_sha256 "$D/archives/h1.tgz") sha2=$(fp_sha256 "$D/archives/h2.tgz") sha1b=$(fp_sha256 "$D/archives/h1b.tgz")
	tree=usr/src/linux-headers-$COS_RELEASE
	tab=$(printf '\t')
	osr=$CACHE/cos/os-release
	grep -qxF "$osr/cos-17162.40.9${tab}x86_64${tab}$COS_RELEASE${tab}$UTS1${tab}$tree${tab}\$(MIRROR_cos)/17162.40.9/kernel-headers.tgz|$sha1|$(stat -c %s "$D/archives/h1.tgz")${tab}-" "$BUILD/listing/cos.tsv"
	grep -qxF "$osr/cos-17412.1.2${tab}x86_64${tab}$COS_RELEASE${tab}$UTS2${tab}$tree${tab}\$(MIRROR_cos)/17412.1.2/kernel-headers.tgz|$sha2|$(stat -c %s "$D/archives/h2.tgz")${tab}-" "$BUILD/listing/cos.tsv"
	grep -qF "\$(MIRROR_cos)/17412.1.5/kernel-headers.tgz|$sha1b|" "$BUILD/listing/cos.tsv"
	# Each kernel's os-release is its milestone's, with the BUILD_ID of its build.
	diff <(grep -v '^BUILD_ID=' "$D/osrel/cos-101") <(grep -v '^BUILD_ID=' "$osr/cos-17162.40.9")
	[ "$(grep '^BUILD_ID=' "$osr/cos-17162.40.9")" = BUILD_ID=17162.40.9 ]
	[ "$(grep '^BUILD_ID=' "$osr/cos-17412.1.2")" = BUILD_ID=17412.1.2 ]
	# Release and version as the headers themselves say, read independently of cos-index.
	[ "$(tar -xzOf "$D/archives/h1.tgz" "./$tree/include/generated/utsrelease.h" | sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p')" = "$COS_RELEASE" ]
	# Falco's name has no build id: every build of a kernel asks for one file, and the repacked
	# H1 of milestone 105 is that same name, built once.
	[ "$(echo "$output" | grep "^$DIST/" | tr '\n' ' ')" = \
		"$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o $DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_2.o " ]
	echo "$output" | grep -q "NOTE    cos: $dv/x86_64/falco_cos_${COS_RELEASE}_1.o is the name of kernel cos-17162.40.9_$COS_RELEASE and of kernel cos-17412.1.5_$COS_RELEASE: built for cos-17162.40.9_$COS_RELEASE only"
	# Each distinct archive was downloaded once, although two builds list H1.
	[ "$(($(requests /17162.40.9/kernel-headers.tgz) + $(requests /17162.40.20/kernel-headers.tgz)))" = 1 ]
	[ "$(requests /17412.1.2/kernel-headers.tgz)" = 1 ]
}

@test "cos: make -j2 cos builds one probe per kernel; the builds sharing a kernel compile once" {
	skip_unless_ready
	run cmake -j2 cos
	echo "$output"
	[ "$status" -eq 0 ]
	dv=$(driver_version)
	[ "$(echo "$output" | grep -c '^  PROBE   cos ')" = 2 ]
	echo "$output" | grep -q '^cos: 3 outputs: 2 built, 0 up to date, 0 failed; 1 unservable$'
	for n in 1 2; do
		probe=$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_$n.o
		[ -f "$probe" ]
		file "$probe" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
		llvm-readelf -p kernel_version "$probe" | grep -qF "$COS_RELEASE"
	done
	[ "$(find "$DIST" -name '*.o' | wc -l)" = 2 ]
	# The shared kernel's probe was built from the oldest build's archive.
	rec=$BUILD/records/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o.rec
	grep -qx "packages=$(fp_sha256 "$D/archives/h1.tgz")" "$rec"
	grep -qx "kernel_version=1" "$BUILD/records/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o.rec"
	grep -qx "kernel_version=2" "$BUILD/records/$dv/x86_64/falco_cos_${COS_RELEASE}_2.o.rec"
}

@test "cos: a second run reads the builds' listing again, but downloads and builds nothing" {
	skip_unless_ready
	cos_built
	dv=$(driver_version)
	probe=$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o
	before=$(stat -c %Y.%s "$probe")
	nreq=$(wc -l <"$COS_LOG")
	run cmake -j2 cos
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q 'PROBE\|FETCH' || false
	[ "$(stat -c %Y.%s "$probe")" = "$before" ]
	# New requests: the milestones' listings, and the objects of the build that was incomplete;
	# the archive that holds no kernel is remembered, not downloaded again.
	new=$(tail -n +"$((nreq + 1))" "$COS_LOG" | grep '^GET ')
	echo "$new"
	! echo "$new" | grep -q 'kernel-headers.tgz' || false
	! echo "$new" | grep -v -e '^GET /?prefix=17162\.&' -e '^GET /?prefix=17412\.&' -e '^GET /?prefix=17162\.41\.1%2F&' | grep -q . || false
}

@test "cos: make dist/<driver-version>/x86_64/falco_cos_<release>_<n>.o rebuilds that probe, byte for byte" {
	skip_unless_ready
	cos_built
	dv=$(driver_version)
	probe=$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o
	want=$(fp_sha256 "$probe")
	other=$(stat -c %Y "$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_2.o")
	rm -f "$probe"
	run cmake "$probe"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^  PROBE   ')" = 1 ]
	[ "$(fp_sha256 "$probe")" = "$want" ]
	[ "$(stat -c %Y "$DIST/$dv/x86_64/falco_cos_${COS_RELEASE}_2.o")" = "$other" ]
}

@test "cos: an archive that is not what the bucket's listing says is refused" {
	skip_unless_ready
	fp_http_start "$D/bucket" "$TOP/tests/lib/cos-bucket.py" --page-size 2 --lie-etag 17412.1.2/kernel-headers.tgz
	b=$BATS_TEST_TMPDIR
	CMAKE_BUILD=$b/build CMAKE_CACHE=$b/cache CMAKE_URL=$FP_HTTP_URL run cmake "$b/build/listing/cos.stamp"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "17412.1.2/kernel-headers.tgz has MD5 $(md5sum "$D/archives/h2.tgz" | cut -d' ' -f1), but the bucket's listing says [0-9a-f]*: refusing it"
	# Nothing of it was kept: no facts, and no package under its hash.
	[ ! -e "$b/cache/cos/facts/17412.1.2" ]
	[ ! -e "$b/cache/packages/$(fp_sha256 "$D/archives/h2.tgz")" ]
}

@test "cos: cos-index refuses a truncated, foreign or endless listing page" {
	skip_unless_ready
	"$FP_BIN/fetch" --quiet "$COS_URL?prefix=17162.&delimiter=%2F" "$BATS_TEST_TMPDIR/page.xml"
	run "$FP_BIN/cos-index" page --builds "$BATS_TEST_TMPDIR/page.xml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'build\t17162.40.20')" ]
	[ "${lines[2]}" = "$(printf 'next\t17162.40.9%%2F')" ]
	head -c 200 "$BATS_TEST_TMPDIR/page.xml" >"$BATS_TEST_TMPDIR/cut.xml"
	run "$FP_BIN/cos-index" page --builds "$BATS_TEST_TMPDIR/cut.xml"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "cos-index: $BATS_TEST_TMPDIR/cut.xml: "
	# An error page in place of the listing.
	printf '<?xml version="1.0"?>\n<Error><Code>AccessDenied</Code></Error>\n' >"$BATS_TEST_TMPDIR/error.xml"
	run "$FP_BIN/cos-index" page --builds "$BATS_TEST_TMPDIR/error.xml"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'not a bucket listing: the document is <Error>'
	# A truncated page whose next marker is not past its own marker would be listed for ever.
	"$FP_BIN/fetch" --quiet "$COS_URL?prefix=17162.&delimiter=%2F&max-keys=1&marker=17162.40.20%2F" "$BATS_TEST_TMPDIR/m.xml"
	sed 's#<NextMarker>[^<]*</NextMarker>#<NextMarker>17162.40.20/</NextMarker>#' "$BATS_TEST_TMPDIR/m.xml" >"$BATS_TEST_TMPDIR/loop.xml"
	grep -q '<Marker>17162.40.20/</Marker>' "$BATS_TEST_TMPDIR/loop.xml"
	run "$FP_BIN/cos-index" page --builds "$BATS_TEST_TMPDIR/loop.xml"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "its next marker '17162.40.20/' is not past its marker"
}

@test "cos: a headers archive with two kernel trees is refused: which one is the build's kernel cannot be told" {
	skip_unless_ready
	local s=$BATS_TEST_TMPDIR/two
	mkdir -p "$s"
	cos_make_headers "$D/deb" "${COS_RELEASE}1" "$UTS1" "$BATS_TEST_TMPDIR/other.tgz"
	tar -xzf "$D/archives/h1.tgz" -C "$s"
	tar -xzf "$BATS_TEST_TMPDIR/other.tgz" -C "$s"
	(cd "$s" && tar -czf - .) >"$BATS_TEST_TMPDIR/two.tgz"
	run "$FP_BIN/cos-index" headers "$BATS_TEST_TMPDIR/two.tgz"
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"two.tgz: several kernel trees under usr/src/ (linux-headers-"*"which one is the kernel's?"* ]]
	# Each alone is a kernel.
	run "$FP_BIN/cos-index" headers "$BATS_TEST_TMPDIR/other.tgz"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'usr/src/linux-headers-%s1\t%s1\t%s' "$COS_RELEASE" "$COS_RELEASE" "$UTS1")" ]
}

@test "cos: without NextMarker, a truncated listing goes on from its last entry" {
	skip_unless_ready
	fp_http_start "$D/bucket" "$TOP/tests/lib/cos-bucket.py" --page-size 1 --no-next-marker
	"$FP_BIN/fetch" --quiet "$FP_HTTP_URL?prefix=17162.40.9%2F&delimiter=%2F" "$BATS_TEST_TMPDIR/p.xml"
	! grep -q NextMarker "$BATS_TEST_TMPDIR/p.xml" || false
	run "$FP_BIN/cos-index" page "$BATS_TEST_TMPDIR/p.xml"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'object\tkernel-headers.tgz\t%s\t%s' "$(md5sum "$D/archives/h1.tgz" | cut -d' ' -f1)" "$(stat -c %s "$D/archives/h1.tgz")")" ]
	[ "${lines[1]}" = "$(printf 'next\t17162.40.9%%2Fkernel-headers.tgz')" ]
}

@test "cos: the fixup does what Falco's loader does to COS headers" {
	skip_unless_ready
	t=$BATS_TEST_TMPDIR/h
	mkdir -p "$t"
	"$FP_BIN/extract" --quiet "$D/archives/h1.tgz" "$t"
	tree=$t/usr/src/linux-headers-$COS_RELEASE
	# A 6.1 tree: nothing to delete, no audit member, so no extra kbuild argument.
	cp "$tree/include/linux/compiler-clang.h" "$t/clang.h"
	run sh "$TOP/mk/cos-fixup.sh" "$tree"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$tree/include/linux/compiler-clang.h" "$t/clang.h"
	# An older COS kernel's compiler-clang.h defines the randomized struct fields, and its
	# task_struct carries COS's audit member: the loader deletes the one and defines
	# COS_73_WORKAROUND for the other.
	printf '#define randomized_struct_fields_start\tstruct {\n#define randomized_struct_fields_end\t};\n' \
		>>"$tree/include/linux/compiler-clang.h"
	sed -i 's/^struct task_struct {$/&\n\tstruct audit_task_info\t\t*audit;/' "$tree/include/linux/sched.h"
	grep -q 'audit_task_info' "$tree/include/linux/sched.h"
	run --separate-stderr sh "$TOP/mk/cos-fixup.sh" "$tree"
	[ "$status" -eq 0 ]
	[ "$output" = "KBUILD_EXTRA_CPPFLAGS=-DCOS_73_WORKAROUND" ]
	cmp "$tree/include/linux/compiler-clang.h" "$t/clang.h"
	run sh "$TOP/mk/cos-fixup.sh" --source-conventions
	[ "$output" = "arch/x86/configs/lakitu_defconfig +" ]
}

@test "cos: a build without headers is built from its kernel source and configuration" {
	skip_unless_ready
	[ -n "$DEB_SOURCE" ] || skip "the mirror has no linux-source of the headers' version $DEB_VERSION"
	start=$(date +%s)
	# kernel-src.tar.gz: Debian's linux-source of the same version, its configuration that of the
	# headers package, where COS keeps it (arch/x86/configs/lakitu_defconfig).
	s=$BATS_TEST_TMPDIR
	"$FP_BIN/extract" --quiet "$DEB_SOURCE" "$s/deb"
	"$FP_BIN/extract" --quiet "$s/deb/usr/src/linux-source-$(echo "$DEB_RELEASE" | cut -d. -f1,2).tar.xz" "$s/src"
	rm -rf "$s/deb"
	mkdir -p "$s/bucket/17800.1.1"
	echo 0123456789abcdef0123456789abcdef01234567 >"$s/bucket/17800.1.1/kernel_commit"
	cos_make_source "$s/src/linux-source-"* "$D/deb/usr/src/linux-headers-$DEB_RELEASE/.config" \
		"$s/bucket/17800.1.1/kernel-src.tar.gz"
	rm -rf "$s/src"
	fixture=$(($(date +%s) - start))
	fp_http_start "$s/bucket" "$TOP/tests/lib/cos-bucket.py" --page-size 2
	start=$(date +%s)
	CMAKE_BUILD=$s/build CMAKE_DIST=$s/dist CMAKE_URL=$FP_HTTP_URL CMAKE_OSREL=$D/osrel CMAKE_MILESTONES='109|17800' \
		run cmake -j2 cos
	echo "$output"
	[ "$status" -eq 0 ]
	echo "# source path: fixture ${fixture}s, listing and probe $(($(date +%s) - start))s" >&3
	tab=$(printf '\t')
	sha=$(fp_sha256 "$s/bucket/17800.1.1/kernel-src.tar.gz")
	grep -qxF "$CACHE/cos/os-release/cos-17800.1.1${tab}x86_64${tab}$COS_RELEASE${tab}#1${tab}.${tab}\$(MIRROR_cos)/17800.1.1/kernel-src.tar.gz|$sha|$(stat -c %s "$s/bucket/17800.1.1/kernel-src.tar.gz")${tab}-" \
		"$s/build/listing/cos.tsv"
	dv=$(driver_version)
	probe=$s/dist/$dv/x86_64/falco_cos_${COS_RELEASE}_1.o
	file "$probe" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	llvm-readelf -p kernel_version "$probe" | grep -qF "$COS_RELEASE"
	grep -q 'cos-fixup: preparing the source tree: make olddefconfig modules_prepare' \
		"$s/build/logs/cos/cos-17800.1.1_$COS_RELEASE.tree.log"
}
