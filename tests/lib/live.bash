# Shared by the live tests of real driver sources on real kernels (tests/upstream.bats,
# tests/kmod.bats): Debian 12 and 13 from this machine's own Debian mirror (read from its apt
# sources, never written down), the falcosecurity/libs archives of ../shared/libs served on
# 127.0.0.1 in place of GitHub's, and one package cache for all of them, so that each package
# is downloaded once.
#
#   live_setup DIR      in setup_file: sets LIVE_SKIP (why the live tests cannot run here, or
#                       empty), MIRROR_debian, MIRROR_debian_security, LIBS_URL, LIBS_LOG, CACHE,
#                       and lists Debian 12 and 13 in DIR
#   live_ready          in a test: skips it with LIVE_SKIP's reason
#   lmake DIR ARGS...   make with those settings
#   newest N [DIR] [ARCH]  uname -r of the newest plain kernel of Debian N listed in DIR (Debian's
#                       architecture ARCH, default amd64)
#   path_of RELEASE R KIND DIR   the repository path Falco RELEASE requests for kernel R of DIR

live_setup() {
	local dir=$1
	export LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs} LIVE_SKIP= LIVE_DIR=$dir
	if [ ! -f "$LIBS/9.1.0+driver.tar.gz" ]; then
		LIVE_SKIP="no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
		return 0
	fi
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^(bookworm|trixie)$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'security$')
	if [ -z "$MIRROR_debian" ]; then
		LIVE_SKIP="this machine's apt sources name no Debian mirror"
		return 0
	fi
	MIRROR_debian_security=${MIRROR_debian_security:-$MIRROR_debian}
	fp_http_start "$LIBS"
	export LIBS_URL=$FP_HTTP_URL LIBS_LOG=$FP_HTTP_LOG
	export CACHE=${FP_LIVE_DIR:-$TOP/build/live}/cache
	lmake "$dir" list-debian >/dev/null
}

live_ready() {
	[ -z "$LIVE_SKIP" ] || skip "$LIVE_SKIP"
}

lmake() {
	fp_make "$1" CACHE="$CACHE" MIRROR_debian="$MIRROR_debian" MIRROR_debian_security="$MIRROR_debian_security" \
		LIBS_ARCHIVES="${LIBS_URL:-http://127.0.0.1:1}" \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 trixie|MIRROR_debian|debian-13" "${@:2}"
}

newest() {
	awk -F'\t' -v o="distros/os-release/debian-$1" -v a="${3:-amd64}" \
		'$1 == o && $3 ~ ("^[0-9][0-9.+a-z]*(-[0-9]+)?-" a "$") { print $3 }' \
		"${2:-$LIVE_DIR}/build/listing/debian.tsv" | sort -V | tail -n 1
}

path_of() {
	local release=$1 r=$2 kind=${3:-bpf} dir=${4:-$LIVE_DIR} line
	line=$(awk -F'\t' -v r="$r" '$3 == r' "$dir/build/listing/debian.tsv" | head -n 1)
	"$FP_BIN/falco-name" --falco-version "$release" --kind "$kind" --os-release "$TOP/$(echo "$line" | cut -f1)" \
		--uname-r "$r" --uname-v "$(echo "$line" | cut -f4)" --uname-m "$(echo "$line" | cut -f2)" --field repo_path
}
