# Real rpm-md repositories for the tests, made with the real tools: rpmbuild for the packages,
# createrepo_c for the metadata. Nothing here imitates a format by hand.

# rpmrepo_build TOPDIR NAME VERSION RELEASE PAYLOAD ARCH [ROOT]
# Builds NAME-VERSION-RELEASE.ARCH.rpm with the given payload compressor (w19.zstdio, w9.xzdio,
# w6.gzdio, w.ufdio) and prints its path. The package holds ROOT's files if given (a staged
# file system: usr/src/kernels/<release>/..., anything else beside it). Else a -devel package
# holds a tiny kernel build tree at /usr/src/kernels/VERSION-RELEASE.ARCH whose "kbuild"
# compiles M=<dir>/probe.c the way the Falco driver's rule does, and any other package holds
# /boot/vmlinuz-<release>, as a kernel image package does.
rpmrepo_build() {
	local top=$1 name=$2 version=$3 release=$4 payload=$5 arch=$6 root=${7:-}
	mkdir -p "$top"
	top=$(cd "$top" && pwd)
	local id=$name-$version-$release.$arch
	local spec=$top/$id.spec stage=$top/$id.stage kr=$version-$release.$arch
	rm -rf "$stage"
	if [ -n "$root" ]; then
		stage=$(cd "$root" && pwd)
	else
		case $name in
		*-devel)
			local d=$stage/usr/src/kernels/$kr
			mkdir -p "$d/include/generated" "$d/include/linux"
			printf 'all modules:\n\t$(CLANG) -Iinclude -O2 -g -emit-llvm -c $(M)/probe.c -o $(M)/probe.ll\n\t$(LLC) -march=bpf -filetype=obj -o $(M)/probe.o $(M)/probe.ll\n' >"$d/Makefile"
			echo "#define UTS_RELEASE \"$kr\"" >"$d/include/generated/utsrelease.h"
			# Oracle's UEK builds print #2; every other rpm kernel #1.
			local n=1
			case $name in kernel-uek*) n=2 ;; esac
			echo "#define UTS_VERSION \"#$n SMP Mon Jan 1 00:00:00 UTC 2026\"" >"$d/include/generated/utsversion.h"
			echo '/* headers */' >"$d/include/linux/kernel.h"
			;;
		*)
			mkdir -p "$stage/boot"
			echo "not really a kernel: $kr" >"$stage/boot/vmlinuz-$kr"
			;;
		esac
	fi
	# The package owns what lies three levels down (/usr/src/kernels, /boot/vmlinuz-...).
	(cd "$stage" && find . -mindepth 1 -maxdepth 3 \( -path './*/*/*' -o ! -type d \) | sed 's/^\.//' | sort) >"$top/$id.files"
	cat >"$spec" <<'SPEC'
%define debug_package %{nil}
%define __os_install_post %{nil}
%define _build_id_links none
%define _binary_payload %{fp_payload}
Name: %{fp_name}
Version: %{fp_version}
Release: %{fp_release}
Summary: falco-probes test package
License: GPLv2
AutoReqProv: no
%description
A kernel package shaped like a distribution's, for the falco-probes tests.
%install
cp -a %{fp_stage}/. %{buildroot}/
%files -f %{fp_files}
SPEC
	SOURCE_DATE_EPOCH=1700000000 rpmbuild -bb --quiet --nodeps \
		--define "_topdir $top" --define "fp_name $name" --define "fp_version $version" \
		--define "fp_release $release" --define "fp_payload $payload" --define "fp_stage $stage" \
		--define "fp_files $top/$id.files" --define "use_source_date_epoch_as_buildtime 1" \
		--target "$arch" "$spec" >/dev/null 2>"$top/rpmbuild.log" || {
		cat "$top/rpmbuild.log" >&2
		return 1
	}
	[ -n "$root" ] || rm -rf "$stage"
	echo "$top/RPMS/$arch/$id.rpm"
}

# rpmrepo_blob ROOT RPM: stores RPM in ROOT/blobstore/<sha256>/ as Amazon Linux's CDN does and
# prints its path relative to ROOT/blobstore.
rpmrepo_blob() {
	local root=$1 rpm=$2 sha
	sha=$(sha256sum "$rpm" | cut -c1-64)
	mkdir -p "$root/blobstore/$sha"
	cp "$rpm" "$root/blobstore/$sha/"
	echo "$sha/$(basename "$rpm")"
}

# rpmrepo_al2 ROOT REPO_DIR COMPRESSION [createrepo_c options...] -- BLOB...
# Indexes the given blobs (paths relative to ROOT/blobstore) into ROOT/REPO_DIR/repodata, with
# package locations climbing back to the shared blobstore (../../../../../blobstore/...) as on
# Amazon Linux 2. COMPRESSION is createrepo_c's --general-compress-type (gz, xz, bz2, and zstd
# where createrepo_c was built with it: see rpmrepo_has_zstd).
rpmrepo_al2() {
	local root=$1 dir=$2 comp=$3
	shift 3
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	local list up
	list=$(mktemp)
	printf '%s\n' "$@" >"$list"
	mkdir -p "$root/$dir"
	# From REPO_DIR up to ROOT, then into blobstore/.
	up=$(echo "$dir" | sed 's#[^/][^/]*#..#g')
	createrepo_c --quiet --general-compress-type "$comp" --pkglist "$list" \
		--location-prefix "$up/blobstore/" --outputdir "$root/$dir" "${opts[@]}" "$root/blobstore"
	rm -f "$list"
}

# Whether this createrepo_c writes zstd metadata (bookworm's 0.17 does not).
rpmrepo_has_zstd() {
	local d
	d=$(mktemp -d)
	createrepo_c --quiet --general-compress-type zstd "$d" >/dev/null 2>&1
	local rc=$?
	rm -rf "$d"
	return $rc
}

# rpmrepo_serve DIR LOG: an HTTP server over DIR on a free loopback port (it logs requests to
# LOG); sets HTTP_PID and HTTP_URL. The caller kills HTTP_PID.
rpmrepo_serve() {
	local dir=$1 log=$2 i
	# Not holding bats' descriptor 3, so that bats never waits for the server to end.
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$dir" >"$log" 2>&1 3>&- &
	HTTP_PID=$!
	for i in $(seq 1 100); do
		HTTP_PORT=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$HTTP_PORT" ] && break
		sleep 0.1
	done
	[ -n "$HTTP_PORT" ] || return 1
	HTTP_URL=http://127.0.0.1:$HTTP_PORT
}

# rpmrepo_escaping TOPDIR VERSION RELEASE ARCH: a kernel-devel rpm whose payload writes a file
# seven directories above its kernel tree, ../../../../../../../pwned, as a hostile mirror could
# serve it. rpmbuild never writes such a path, so the package is built with an uncompressed
# payload holding .../EE/EE/EE/EE/EE/EE/EE/pwned and those bytes of the payload are changed.
rpmrepo_escaping() {
	local top=$1 version=$2 release=$3 arch=$4
	local stage=$top/escaping.stage kr=$version-$release.$arch rpm
	rm -rf "$stage"
	local d=$stage/usr/src/kernels/$kr
	mkdir -p "$d/include/generated" "$d/EE/EE/EE/EE/EE/EE/EE"
	printf 'all modules:\n\t@echo this tree must never be built\n' >"$d/Makefile"
	echo "#define UTS_RELEASE \"$kr\"" >"$d/include/generated/utsrelease.h"
	echo '#define UTS_VERSION "#1 SMP Mon Jan 1 00:00:00 UTC 2026"' >"$d/include/generated/utsversion.h"
	echo pwned >"$d/EE/EE/EE/EE/EE/EE/EE/pwned"
	rpm=$(rpmrepo_build "$top" kernel-devel "$version" "$release" w.ufdio "$arch" "$stage") || return 1
	[ "$(grep -c -a 'EE/EE/EE/EE/EE/EE/EE/pwned' "$rpm")" = 1 ] || return 1
	LC_ALL=C perl -pi -e 's#EE/EE/EE/EE/EE/EE/EE/pwned#../../../../../../../pwned#g' "$rpm"
	echo "$rpm"
}

# rpmrepo_plain ROOT DIR COMPRESSION RPM...: a repository as most distributions lay it out, the
# packages under DIR/Packages/ and the metadata in DIR/repodata/.
rpmrepo_plain() {
	local root=$1 dir=$2 comp=$3
	shift 3
	mkdir -p "$root/$dir/Packages"
	[ $# -eq 0 ] || cp "$@" "$root/$dir/Packages/"
	createrepo_c --quiet --no-database --general-compress-type "$comp" "$root/$dir"
}
