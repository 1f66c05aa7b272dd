#!/bin/sh
# Rebuilds a published probe from scratch and compares it with the published bytes:
#   rebuild-check.sh REPO_URL REPO_PATH
# Environment: FP_BIN (tools), FP_MAKE (make, with this run's settings in MAKEFLAGS),
# FP_BUILD (where the scratch directory goes).
#
# The index entry names every input by its SHA-256. The probe is rebuilt by make in a fresh
# directory (its own BUILD, DIST and KERNELS: a different path, so build paths must not reach
# the bytes), from the same kernel packages (fetched by hash; the download cache is
# content-addressed, so sharing it changes nothing), then the inputs and the bytes are compared.
# A signed module (its entry names signing_cert_sha256) is rebuilt unsigned, whatever this run's
# MODULE_SIGNING_KEY (its key need not be here), and compared with the published bytes less their
# signature (mk/module-sign.sh strip).
# Exit 0 when the rebuild is byte-identical; 1 with the differing inputs named otherwise.
set -u
url=$1 path=$2
bin=${FP_BIN:?}
enc() { printf '%s' "$1" | sed 's/+/%2B/g'; }

mkdir -p "$FP_BUILD"
scratch=$(mktemp -d "$FP_BUILD/rebuild.XXXXXX")
scratch=$(cd "$scratch" && pwd)
die() {
	echo "rebuild-check: $*" >&2
	echo "rebuild-check: the scratch build is kept in $scratch" >&2
	exit 1
}

"$bin/fetch" --quiet "$url/index.json" "$scratch/published.json" || die "cannot read $url/index.json"
"$bin/repo-query" show "$scratch/published.json" "$path" >"$scratch/published.rec" ||
	die "$url/index.json does not list $path"
sha=$(sed -n 's/^sha256=//p' "$scratch/published.rec")
size=$(sed -n 's/^size=//p' "$scratch/published.rec")
"$bin/fetch" --quiet --sha256 "$sha" --size "$size" "$url/$(enc "$path")" "$scratch/published.probe" ||
	die "$url/$path is not the probe its index describes (sha256 $sha)"

echo "  REBUILD $path in $scratch"
# Only this probe, in the scratch directory, whatever this run's REPO, SHARD or merges are.
$FP_MAKE --no-print-directory BUILD="$scratch/build" DIST="$scratch/dist" KERNELS="$scratch/kernels" \
	REPO= SHARD= REPO_MERGE= MODULE_SIGNING_KEY= "$scratch/dist/$path" || die "the rebuild of $path failed"
rec=$scratch/build/records/$path.rec
[ -f "$rec" ] || die "the rebuild left no record at $rec"

# The inputs first: a different input explains a difference; the same inputs must give the
# same bytes.
status=0
for key in packages driver_tree_sha256 driver_source_sha256 toolchain_sha256 fixup fixup_args target kernel_release kernel_version uname_r arch driver_version; do
	was=$(sed -n "s/^$key=//p" "$scratch/published.rec")
	now=$(sed -n "s/^$key=//p" "$rec")
	if [ "$was" != "$now" ]; then
		echo "  INPUT   $key differs: published $was, rebuilt $now"
		status=1
		if [ "$key" = toolchain_sha256 ]; then
			echo "  published toolchain:"
			"$bin/repo-query" toolchain "$scratch/published.json" "$was" 2>/dev/null | sed 's/^/    /'
			echo "  this toolchain:"
			sed 's/^/    /' "$scratch/build/toolchain/bpf.id"
		fi
	fi
done
new=$(sha256sum "$scratch/dist/$path" | cut -d' ' -f1)
signed_by=$(sed -n 's/^signing_cert_sha256=//p' "$scratch/published.rec")
compared=$scratch/published.probe
if [ -n "$signed_by" ]; then
	len=$(sh "$(dirname "$0")/module-sign.sh" strip "$compared" "$scratch/published.unsigned") ||
		die "$path: its index says it is signed, but its signature is not the kernel's format"
	[ "$len" -gt 0 ] || die "$path: its index says certificate sha256 $signed_by signed it, but it carries no signature"
	compared=$scratch/published.unsigned
fi
if cmp -s "$compared" "$scratch/dist/$path"; then
	[ $status = 0 ] || die "$path: byte-identical, but built from other inputs than the index records"
	if [ -n "$signed_by" ]; then
		echo "  SAME    $path: the rebuild is byte-identical once the published module's signature (certificate sha256 $signed_by) is removed (sha256 $new)"
	else
		echo "  SAME    $path: the rebuild is byte-identical (sha256 $sha)"
	fi
	rm -rf "$scratch"
	exit 0
fi
if [ $status = 0 ]; then
	die "$path is not reproducible: the same inputs gave sha256 $new, published $sha"
fi
die "$path: rebuilt from other inputs (above) as sha256 $new, published $sha"
