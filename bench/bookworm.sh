# Sourced by the Debian benchmarks: the bookworm suites from this machine's apt mirror, in a
# work directory of their own (first argument, default build/bench, kept between runs so that
# packages are downloaded once), and $w.list, the dist/ path of every probe listed.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
w=${1:-$top/build/bench}
cd "$top"
args=(BUILD="$w/build" CACHE="$w/cache" DIST="$w/dist" KERNELS="$w/kernels" MIRRORS_FROM_APT=1
	"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12")
make -s tools >/dev/null
mkdir -p "$w"
make -s "${args[@]}" list-debian | grep '/falco_debian_' >"$w.list"
