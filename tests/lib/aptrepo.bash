# Real signed apt repositories for the tests, made with the real tools: dpkg-deb builds the
# packages, apt-ftparchive writes Packages and Release, gpg signs InRelease and Release.gpg with
# a throwaway key, and gpgv accepts them with the exported keyring. Nothing imitates a format.
# `load lib/aptrepo` from a tests/*.bats file.
#
#   aptrepo_init DIR
#       Makes DIR an empty repository (DIR/pool, DIR/dists) with a fresh signing key.
#   aptrepo_add_deb DIR SUITE NAME VERSION DEPENDS [FILE...]
#       Builds NAME_VERSION_ARCH.deb into DIR/pool/COMPONENT/<n>/NAME/ and lists it in SUITE;
#       prints its path relative to DIR. DEPENDS is the Depends field ("" for none). A FILE is
#         PATH=CONTENT    a file with exactly CONTENT (use $'...' for newlines)
#         PATH<SOURCE     SOURCE, a file or a directory tree, copied (cp -a) to PATH
#         PATH->TARGET    a symbolic link
#         PATH            a file holding "NAME VERSION PATH"
#       PATHs are relative to / of the installed system, e.g. usr/src/linux-headers-X/Makefile.
#       A pool file is built once: adding the same NAME, VERSION and architecture to a second
#       suite lists the very same .deb there (same SHA-256), as Debian does for point releases.
#   aptrepo_publish DIR SUITE [OPTION...]
#       Writes dists/SUITE/COMPONENT/binary-ARCH/Packages (with .gz and .xz) for every suite
#       member, then dists/SUITE/Release with `apt-ftparchive release` (Suite and Codename set
#       to SUITE) and signs it. OPTIONs go to apt-ftparchive, e.g.
#         -o APT::FTPArchive::DoByHash=true -o APT::FTPArchive::Release::Acquire-By-Hash=yes
#         -o APT::FTPArchive::Release::ValidTime=-86400     (a Valid-Until a day ago)
#         -o APT::FTPArchive::Release::Codename=other        (overrides the default)
#   aptrepo_sign DIR SUITE
#       (Re)signs dists/SUITE/Release as InRelease (clearsigned) and Release.gpg (detached):
#       edit Release after aptrepo_publish, then sign it again.
#   aptrepo_keyring DIR
#       Prints the path of the public keyring, for `gpgv --keyring` or apt-release --keyring.
#   aptrepo_revoke DIR
#       Revokes DIR's key with the revocation certificate gpg made with it, and exports the
#       keyring again: what it signed so far is signed by a revoked key.
#   aptrepo_cleanup DIR
#       Removes the key material (no gpg-agent is left running between calls in any case).
#
# Settings (environment, read by each call):
#   APTREPO_ARCH          Architecture of the packages built (amd64)
#   APTREPO_COMPONENT     component the packages go to (main)
#   APTREPO_DEB_COMPRESS  dpkg-deb -Z compression of the packages (xz)
#   APTREPO_FIELDS        more control fields for the packages, one "Field: value" a line
#   APTREPO_COMPRESS      compressed forms of Packages written beside it ("gz xz")
#   APTREPO_KEY_EXPIRE    the key's expiry, as gpg --quick-gen-key takes it (never), e.g. 1d
#   APTREPO_GPG_TIME      run gpg as if at this time (--faked-system-time, e.g. 20200101T000000):
#                         with APTREPO_KEY_EXPIRE, a key that has long expired, and a Release
#                         it signed while it was valid

_aptrepo_meta() { echo "$1/.aptrepo"; }

_aptrepo_gpg() {
	local dir=$1
	shift
	GNUPGHOME=$(cat "$(_aptrepo_meta "$dir")/gnupghome") gpg --batch --quiet --no-tty \
		${APTREPO_GPG_TIME:+--faked-system-time "$APTREPO_GPG_TIME"} \
		--pinentry-mode loopback --passphrase '' "$@"
}

# gpg starts an agent for every operation on a secret key; none is left behind.
_aptrepo_agent_stop() {
	GNUPGHOME=$(cat "$(_aptrepo_meta "$1")/gnupghome") gpgconf --kill gpg-agent 2>/dev/null || true
}

aptrepo_init() {
	local dir=$1 meta base home
	meta=$(_aptrepo_meta "$dir")
	mkdir -p "$dir/pool" "$dir/dists" "$meta/suites"
	# GNUPGHOME holds the agent's sockets, whose paths must stay short (108 bytes).
	base=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}
	[ "${#base}" -le 60 ] || base=/tmp
	home=$(mktemp -d "$base/aptrepo-gpg.XXXXXX")
	chmod 700 "$home"
	echo "$home" >"$meta/gnupghome"
	_aptrepo_gpg "$dir" --quick-gen-key "falco-probes test repository <aptrepo@example.invalid>" \
		default default "${APTREPO_KEY_EXPIRE:-never}" 2>/dev/null || return 1
	_aptrepo_gpg "$dir" --export >"$meta/keyring.gpg"
	_aptrepo_agent_stop "$dir"
	[ -s "$meta/keyring.gpg" ]
}

aptrepo_keyring() {
	echo "$(_aptrepo_meta "$1")/keyring.gpg"
}

aptrepo_add_deb() {
	local dir=$1 suite=$2 name=$3 version=$4 depends=$5
	shift 5
	local arch=${APTREPO_ARCH:-amd64} comp=${APTREPO_COMPONENT:-main}
	local prefix=${name:0:1}
	case $name in lib?*) prefix=${name:0:4} ;; esac
	local rel=pool/$comp/$prefix/$name/${name}_${version#*:}_$arch.deb
	if [ ! -f "$dir/$rel" ]; then
		local stage spec path
		stage=$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/aptrepo-deb.XXXXXX")
		chmod 755 "$stage"
		mkdir -p "$stage/DEBIAN" "$dir/${rel%/*}"
		{
			echo "Package: $name"
			echo "Version: $version"
			echo "Architecture: $arch"
			echo "Maintainer: falco-probes tests <tests@example.invalid>"
			[ -z "$depends" ] || echo "Depends: $depends"
			[ -z "${APTREPO_FIELDS:-}" ] || printf '%s\n' "$APTREPO_FIELDS"
			echo "Description: $name, a package of a falco-probes test repository"
		} >"$stage/DEBIAN/control"
		for spec in "$@"; do
			case $spec in
			*'->'*)
				path=${spec%%->*}
				mkdir -p "$stage/$(dirname "$path")"
				ln -s "${spec#*->}" "$stage/$path"
				;;
			*'<'*)
				path=${spec%%<*}
				mkdir -p "$stage/$(dirname "$path")"
				cp -a "${spec#*<}" "$stage/$path"
				;;
			*=*)
				path=${spec%%=*}
				mkdir -p "$stage/$(dirname "$path")"
				printf '%s' "${spec#*=}" >"$stage/$path"
				;;
			*)
				mkdir -p "$stage/$(dirname "$spec")"
				echo "$name $version $spec" >"$stage/$spec"
				;;
			esac
		done
		dpkg-deb --root-owner-group -Z"${APTREPO_DEB_COMPRESS:-xz}" --build "$stage" \
			"$dir/$rel.tmp" >/dev/null || { rm -rf "$stage"; return 1; }
		mv "$dir/$rel.tmp" "$dir/$rel"
		rm -rf "$stage"
	fi
	local list
	list=$(_aptrepo_meta "$dir")/suites/$suite
	mkdir -p "$list"
	grep -qxF "$arch $rel" "$list/$comp" 2>/dev/null || echo "$arch $rel" >>"$list/$comp"
	echo "$rel"
}

aptrepo_publish() {
	local dir=$1 suite=$2
	shift 2
	local meta list comp arches archlist comps='' a deb_arch rel ext
	meta=$(_aptrepo_meta "$dir")
	list=$meta/suites/$suite
	[ -d "$list" ] || { echo "aptrepo_publish: $suite has no packages" >&2; return 1; }
	rm -rf "${dir:?}/dists/$suite"
	arches=$(cat "$list"/* | cut -d' ' -f1 | grep -vx all | sort -u)
	[ -n "$arches" ] || arches=${APTREPO_ARCH:-amd64}
	for comp in "$list"/*; do
		comp=${comp##*/}
		comps="$comps $comp"
		for a in $arches; do
			local out=$dir/dists/$suite/$comp/binary-$a
			mkdir -p "$out"
			: >"$out/Packages"
			while read -r deb_arch rel; do
				[ "$deb_arch" = "$a" ] || [ "$deb_arch" = all ] || continue
				(cd "$dir" && apt-ftparchive packages "$rel") >>"$out/Packages" || return 1
			done <"$list/$comp"
			for ext in ${APTREPO_COMPRESS-gz xz}; do
				case $ext in
				gz) gzip -9n <"$out/Packages" >"$out/Packages.gz" ;;
				xz) xz -c <"$out/Packages" >"$out/Packages.xz" ;;
				*) echo "aptrepo_publish: unknown compression $ext" >&2; return 1 ;;
				esac
			done
		done
	done
	archlist=$(echo "$arches" | tr '\n' ' ')
	archlist=${archlist% }
	(cd "$dir" && apt-ftparchive \
		-o "APT::FTPArchive::Release::Suite=$suite" \
		-o "APT::FTPArchive::Release::Codename=$suite" \
		-o "APT::FTPArchive::Release::Architectures=$archlist" \
		-o "APT::FTPArchive::Release::Components=${comps# }" \
		"$@" release "dists/$suite") >"$meta/Release.tmp" || return 1
	mv "$meta/Release.tmp" "$dir/dists/$suite/Release"
	aptrepo_sign "$dir" "$suite"
}

aptrepo_sign() {
	local dir=$1 suite=$2
	local d=$dir/dists/$suite
	rm -f "$d/InRelease" "$d/Release.gpg"
	_aptrepo_gpg "$dir" --clearsign --output "$d/InRelease" "$d/Release" &&
		_aptrepo_gpg "$dir" --detach-sign --armor --output "$d/Release.gpg" "$d/Release"
	local rc=$?
	_aptrepo_agent_stop "$dir"
	return $rc
}

aptrepo_revoke() {
	local dir=$1 meta home rev
	meta=$(_aptrepo_meta "$dir")
	home=$(cat "$meta/gnupghome")
	rev=$(ls "$home"/openpgp-revocs.d/*.rev) || return 1
	# gpg writes the certificate with its armour line defused by a leading ':'.
	sed 's/^:-----BEGIN/-----BEGIN/' "$rev" | _aptrepo_gpg "$dir" --import 2>/dev/null || return 1
	_aptrepo_gpg "$dir" --export >"$meta/keyring.gpg"
	_aptrepo_agent_stop "$dir"
}

aptrepo_cleanup() {
	local dir=$1 meta
	meta=$(_aptrepo_meta "$dir")
	[ -f "$meta/gnupghome" ] || return 0
	_aptrepo_agent_stop "$dir"
	rm -rf "$(cat "$meta/gnupghome")"
	rm -f "$meta/gnupghome"
}
