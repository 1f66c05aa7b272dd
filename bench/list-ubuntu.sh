#!/bin/sh
# Listing every Ubuntu kernel of focal, jammy and noble: kernels, CPU seconds per release's
# index set (excluding download) and peak memory of deb-index; then a no-op `make -j2` with that
# whole listing in place.
#
#   bench/list-ubuntu.sh [SCALE]     (SCALE 1 = Ubuntu's size; target: <= 1 s CPU per release)
#
# Ubuntu's archive is not reachable from the machines this runs on, so the indexes are
# SYNTHETIC, made by the script below to the shape and size of the real ones (a fixed seed, so
# every run reads the same bytes): for each release the nine Packages.gz a listing reads (the
# release, -updates and -security pockets; main, restricted, universe), 90,000 to 100,000
# stanzas of Ubuntu's fields per release (universe alone about 65,000), and in -updates and -security thousands of kernels of every
# flavour family (generic, lowlatency, the hwe backports, aws, azure, gcp, gke, gkeop, oracle,
# ibm, kvm, nvidia, oem...), each with its eight to ten binary packages (headers, shared
# headers, signed and unsigned images, modules, modules-extra, tools, buildinfo, cloud-tools),
# as the real pockets keep every ABI. The generated set is kept under build/bench/ubuntu.
set -eu
scale=${1:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
data=$top/build/bench/ubuntu
bin=$top/build/bench/bin
mkdir -p "$data"
make -s BUILD="$top/build/bench" tools >/dev/null
[ -x /usr/bin/time ] || { echo "bench/list-ubuntu.sh: /usr/bin/time is missing (package time)" >&2; exit 1; }

stamp=$data/stamp.$scale.$(sha256sum "$0" | cut -c1-16)
if [ ! -f "$stamp" ]; then
	rm -rf "$data" && mkdir -p "$data"
	python3 - "$data" "$scale" <<'PY'
import gzip, os, random, sys
out, scale = sys.argv[1], float(sys.argv[2])
rnd = random.Random(20240425)
def hx(n): return "%0*x" % (n, rnd.getrandbits(4 * n))
releases = {  # codename: (version, its kernel, backport kernels, ABIs scale, libraries)
    "focal": ("20.04", "5.4.0", ["5.15"], 1.3, "libc6 (>= 2.14), libelf1 (>= 0.142), libssl1.1 (>= 1.1.0), zlib1g (>= 1:1.2.3.3)"),
    "jammy": ("22.04", "5.15.0", ["6.5", "6.8"], 1.0, "libc6 (>= 2.34), libelf1 (>= 0.142), libssl3 (>= 3.0.0~~alpha1), zlib1g (>= 1:1.2.3.3)"),
    "noble": ("24.04", "6.8.0", ["6.11"], 0.5, "libc6 (>= 2.38), libelf1t64 (>= 0.142), libssl3t64 (>= 3.0.0), zlib1g (>= 1:1.2.3.3)"),
}
# source package (BP: a backport, linux-hwe-BP, linux-aws-BP...) | flavours | ABIs at scale 1 | first ABI
families = [("linux", ["generic", "lowlatency"], 60, 25), ("linux-hwe-BP", ["generic"], 25, 14),
            ("linux-lowlatency-hwe-BP", ["lowlatency"], 15, 14),
            ("linux-aws", ["aws"], 75, 1004), ("linux-aws-BP", ["aws"], 25, 1008),
            ("linux-azure", ["azure"], 75, 1003), ("linux-azure-fde", ["azure-fde"], 30, 1010),
            ("linux-gcp", ["gcp"], 75, 1004), ("linux-gcp-BP", ["gcp"], 25, 1007),
            ("linux-gke", ["gke"], 70, 1003), ("linux-gkeop", ["gkeop"], 60, 1001),
            ("linux-oracle", ["oracle"], 60, 1003), ("linux-oracle-BP", ["oracle"], 20, 1005),
            ("linux-ibm", ["ibm"], 60, 1003), ("linux-kvm", ["kvm"], 60, 1005),
            ("linux-nvidia", ["nvidia", "nvidia-lowlatency"], 40, 1007),
            ("linux-intel-iotg", ["intel-iotg"], 40, 1004), ("linux-oem-BP", ["oem"], 40, 1003)]
words = "data library tools utility runtime plugin module bindings daemon client server viewer".split()
def stanza(pkg, ver, arch, comp, src, depends, section):
    name_dir = src[:4] if src.startswith("lib") else src[0]
    t = (f"Package: {pkg}\nArchitecture: {arch}\nVersion: {ver}\nPriority: optional\n"
         f"Section: {'' if comp == 'main' else comp + '/'}{section}\nSource: {src}\nOrigin: Ubuntu\n"
         "Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\n"
         "Original-Maintainer: Debian Maintainers <debian-devel@lists.debian.org>\n"
         f"Bugs: https://bugs.launchpad.net/ubuntu/+filebug\nInstalled-Size: {rnd.randint(10, 90000)}\n")
    if depends: t += f"Depends: {depends}\n"
    return t + (f"Filename: pool/{comp}/{name_dir}/{src}/{pkg}_{ver.split(':')[-1]}_{arch}.deb\n"
                f"Size: {rnd.randint(1000, 60000000)}\nMD5sum: {hx(32)}\nSHA1: {hx(40)}\nSHA256: {hx(64)}\n"
                f"SHA512: {hx(128)}\nHomepage: https://example.org/{src}\n"
                f"Description: {' '.join(rnd.choice(words) for _ in range(6))}\nDescription-md5: {hx(32)}\n\n")
def filler(f, comp, n, tag):
    for i in range(n):
        src = f"{rnd.choice(['lib', 'python-', 'golang-', 'node-', 'r-cran-', ''])}{tag}pkg{i}"
        f.write(stanza(src + rnd.choice(["", "-dev", "-doc", "1"]), f"{rnd.randint(0, 9)}.{rnd.randint(0, 20)}-{rnd.randint(1, 5)}ubuntu{rnd.randint(1, 3)}",
                       rnd.choice(["amd64", "all"]), comp, src, "libc6 (>= 2.34), libfoo1 (>= 1.2) | libbar2", "misc"))
def kernel_uploads(rel, default, backports, libs, k):
    """Every upload of a release's kernels, oldest ABI first: (stanzas text, kernels)."""
    ups = []
    for fam, flavours, abis, first in families:
        for bp in (backports if "BP" in fam else [None]):
            src = fam.replace("BP", bp) if bp else fam
            base = bp + ".0" if bp else default
            tilde = f"~{rel}.1" if bp and "oem" not in src else ""
            for a in range(max(1, int(abis * k * scale))):
                abi = first + 2 * a
                ver = f"{base}-{abi}.{abi + rnd.randint(0, 12)}{tilde}"
                shared = f"{src}-headers-{base}-{abi}" if src != "linux" else f"linux-headers-{base}-{abi}"
                t = stanza(shared, ver, "all", "main", src, "coreutils", "devel")
                t += stanza(f"{src}-tools-{base}-{abi}", ver, "amd64", "main", src, libs, "devel")
                for fl in flavours:
                    r = f"{base}-{abi}-{fl}"
                    t += stanza(f"linux-headers-{r}", ver, "amd64", "main", src, f"{shared}, {libs}", "devel")
                    t += stanza(f"linux-image-unsigned-{r}", ver, "amd64", "main", src, "linux-base (>= 4.5ubuntu1~16.04.1), linux-modules-" + r, "kernel")
                    t += stanza(f"linux-image-{r}", ver, "amd64", "main", src.replace("linux", "linux-signed", 1), "linux-modules-" + r, "kernel")
                    t += stanza(f"linux-modules-{r}", ver, "amd64", "main", src, "", "kernel")
                    t += stanza(f"linux-modules-extra-{r}", ver, "amd64", "main", src, "linux-modules-" + r, "kernel")
                    t += stanza(f"linux-tools-{r}", ver, "amd64", "main", src, f"{src}-tools-{base}-{abi}", "devel")
                    t += stanza(f"linux-buildinfo-{r}", ver, "amd64", "main", src, "", "kernel")
                ups.append((t, len(flavours)))
    return ups
total = 0
for code, (rel, default, backports, k, libs) in releases.items():
    ups = kernel_uploads(rel, default, backports, libs, k)
    # The release pocket has the first kernels; -updates every upload since; -security the same
    # files, less the newest few not yet out of -proposed's security review.
    pick = {"release": ups[::40], "updates": ups, "security": ups[: int(len(ups) * 0.9)]}
    for suite, pocket in ((code, "release"), (code + "-updates", "updates"), (code + "-security", "security")):
        for comp in ("main", "restricted", "universe"):
            d = os.path.join(out, suite, comp)
            os.makedirs(d)
            with gzip.open(os.path.join(d, "Packages.gz"), "wt", compresslevel=6) as f:
                if comp == "main":
                    filler(f, comp, {"release": 6000, "updates": 4000, "security": 2500}[pocket], suite[:2])
                    for t, n in pick[pocket]:
                        f.write(t)
                        total += n
                elif comp == "restricted":
                    filler(f, comp, {"release": 700, "updates": 300, "security": 200}[pocket], suite[:2] + "r")
                else:
                    filler(f, comp, {"release": 62000, "updates": 3000, "security": 1500}[pocket], suite[:2] + "u")
print(f"generated {total} kernel entries (a kernel in -updates and -security counts twice)")
PY
	touch "$stamp"
fi

echo "SYNTHETIC Ubuntu indexes (Ubuntu's archive is unreachable here), scale $scale: $data"
all_args=
total=0
for code in focal jammy noble; do
	case $code in focal) o=ubuntu-20.04 ;; jammy) o=ubuntu-22.04 ;; noble) o=ubuntu-24.04 ;; esac
	args=
	stanzas=0
	for suite in $code $code-updates $code-security; do
		var=MIRROR_ubuntu
		case $suite in *-security) var=MIRROR_ubuntu_security ;; esac
		for comp in main restricted universe; do
			f=$data/$suite/$comp/Packages.gz
			args="$args --index distros/os-release/$o \$($var) $f"
			stanzas=$((stanzas + $(zcat "$f" | grep -c '^Package: ')))
		done
	done
	all_args="$all_args$args"
	# shellcheck disable=SC2086
	/usr/bin/time -f '%U %S %M' -o "$data/time.$code" "$bin/deb-index" --style ubuntu --uname-m x86_64 $args \
		>"$data/listing.$code" 2>"$data/err.$code"
	read -r user sys rss <"$data/time.$code"
	n=$(wc -l <"$data/listing.$code")
	total=$((total + n))
	printf '%s: %d kernels from %d stanzas in 9 indexes: %.2f s CPU (user %.2f + sys %.2f), peak RSS %d MiB (target <= 1 s)\n' \
		"$code" "$n" "$stanzas" "$(echo "$user $sys" | awk '{ print $1 + $2 }')" "$user" "$sys" $((rss / 1024))
done
# The whole distribution in one run, as mk/apt-listing.sh does it.
# shellcheck disable=SC2086
/usr/bin/time -f '%U %S %M' -o "$data/time.all" "$bin/deb-index" --style ubuntu --uname-m x86_64 $all_args \
	>"$data/listing.all" 2>/dev/null
LC_ALL=C sort -o "$data/listing.all" "$data/listing.all"
read -r user sys rss <"$data/time.all"
printf 'all three releases, one deb-index run: %d kernels, %.2f s CPU, peak RSS %d MiB\n' \
	"$(wc -l <"$data/listing.all")" "$(echo "$user $sys" | awk '{ print $1 + $2 }')" $((rss / 1024))

# No-op make with that whole listing in place: every probe built, nothing to do.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
margs="DISTROS=ubench ubench_FAMILY=listing ubench_LISTING=$data/listing.all ubench_NAMES=falco_ubuntu-% \
  DRIVER_SOURCE=$top/tests/fixtures/tiny-driver BUILD=$dir/build CACHE=$dir/cache DIST=$dir/dist \
  KERNELS=$dir/kernels REFRESH=0 MIRROR_ubuntu=file:///nonexistent MIRROR_ubuntu_security=file:///nonexistent"
# shellcheck disable=SC2086
# The probes are read from the fragment: `make list-ubench` hands all their paths to one printf,
# past the kernel's 128 KiB limit for one argument at this size; its failure is expected, after
# the listing and the fragment are made.
make -s $margs list-ubench >/dev/null 2>&1 || true
[ -s "$dir/kernels/9.9.9+test/ubench.mk" ] || { echo "bench/list-ubuntu.sh: no fragment was made" >&2; exit 1; }
sed -n 's/^$(eval $(call probe_rule,ubench,$(DIST)\([^,]*\),.*/\1/p' "$dir/kernels/9.9.9+test/ubench.mk" |
	sed "s#^#$dir/dist#" >"$dir/probes"
mkdir -p "$dir/cache/packages"
awk -F'\t' '{ n = split($6, p, " "); for (i = 1; i <= n; i++) { split(p[i], f, "|"); print f[2] } }' \
	"$data/listing.all" | sort -u | (cd "$dir/cache/packages" && xargs touch)
# shellcheck disable=SC2086
make -s $margs tools "$dir/build/toolchain/bpf.id" >/dev/null
sleep 1
xargs -n 500 dirname <"$dir/probes" | sort -u | xargs mkdir -p
xargs touch <"$dir/probes"
echo "probes in the listing: $(wc -l <"$dir/probes"); packages: $(ls "$dir/cache/packages" | wc -l)"
# The first run after the setup, then a second one.
for run in first second; do
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	out=$(make -j2 $margs ubench 2>&1)
	end=$(date +%s.%N)
	if echo "$out" | grep -q 'PROBE\|FETCH'; then
		echo "FAIL: the no-op run did work" >&2
		exit 1
	fi
	awk -v s="$start" -v e="$end" -v r="$run" \
		'BEGIN { printf "no-op make -j2 with the whole Ubuntu listing, %s run: %.3f s (target <= 1 s)\n", r, e - s }'
done
