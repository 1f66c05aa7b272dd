# A synthetic repository at fleet scale, for the page and the index (tests/users-view.bats,
# bench/page.sh): what `make repo` would be given for Debian and Ubuntu with every Falco
# release, without building anything.
#
#   fleetrepo DIR    writes DIR/status.tsv (tools/output-state status lines, 12 fields) and
#                    DIR/published.json (a falco-probes-index/1 of the built outputs' probes, as
#                    an older run published it), then prints the number of outputs
#
# 5,100 kernels (Debian 11-13: 500 each; Ubuntu 20.04: 1,000, 22.04: 2,000, 24.04: 600, in four
# flavours), each asked for 40 outputs by the 38 releases of `make falco-versions` (20 driver
# versions, both kinds but 10.2.0's; 2.0.0's probe at its flat and its per-arch path): 204,000
# outputs. What became of each is a fixed function of its kernel and output: 12% built (a third
# of those with a boot check PASS, some FAIL), 18% failed, 3% fault, 12% unservable, the rest
# pending. One output carries mirror text to escape: ubuntu-22.04's kernel 1234 (5.15.0-1234-azure)
# failed 9.1.0+driver's probe with a reason holding <script> and "fleet-marker-1234".
# Deterministic: the same DIR contents every time.

fleetrepo() {
	local dir=$1
	mkdir -p "$dir"
	awk -v status="$dir/status.tsv" -v published="$dir/published.json" 'BEGIN {
	# driver version, its releases, kinds, layout (flat: the commit-hash versions).
	nd = split("5c0b863ddade7a45568c0ac97d037422c9efb750 17f5df52a7d9ed6bb12d3b1768460def8439936d " \
		"3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4 319368f1ad778691164d33d59945e00c5752cd27 " \
		"b7eb0dd65226a8dc254d228c8d950d07bf3521d2 39ae7d40496793cf3d3e7890c9bbdc202263836b 2.0.0+driver " \
		"3.0.1+driver 4.0.0+driver 5.0.1+driver 6.0.1+driver 7.0.0+driver 7.2.0+driver 7.2.1+driver " \
		"7.3.0+driver 8.0.0+driver 8.1.0+driver 9.0.0+driver 9.1.0+driver 10.2.0+driver", dv, " ")
	split("0.28.0,0.28.1 0.29.0,0.29.1 0.30.0 0.31.0 0.31.1 0.32.0 0.32.1,0.32.2 0.33.0,0.33.1 " \
		"0.34.0,0.34.1 0.35.0,0.35.1 0.36.0,0.36.1,0.36.2 0.37.0,0.37.1 0.38.0,0.38.1 0.38.2 " \
		"0.39.0,0.39.1,0.39.2 0.40.0 0.41.0,0.41.1,0.41.2,0.41.3 0.42.0,0.42.1 0.43.0,0.43.1 0.44.0,0.44.1", rel, " ")
	nr = split("debian debian-11 500 5.10.0 debian;debian debian-12 500 6.1.0 debian;debian debian-13 500 6.12.0 debian;" \
		"ubuntu ubuntu-20.04 1000 5.4.0 ubuntu;ubuntu ubuntu-22.04 2000 5.15.0 ubuntu;ubuntu ubuntu-24.04 600 6.8.0 ubuntu", rows, ";")
	split("generic aws azure gcp", flav, " ")
	np = 0; n = 0; k = 0
	printf "{\"format\": \"falco-probes-index/1\", \"probes\": [" >published
	for (r = 1; r <= nr; r++) {
		split(rows[r], f, " ")
		for (i = 0; i < f[3]; i++) {
			k++
			if (f[5] == "debian") { ur = f[4] "-" i "-amd64"; target = "debian"; kv = "1" }
			else { fl = flav[i % 4 + 1]; ur = f[4] "-" i "-" fl; target = "ubuntu-" fl; kv = i + 100 }
			kid = f[2] "_" ur
			seen = 1760000000 + k * 600
			o = 0
			for (d = 1; d <= nd; d++) {
				for (kind = 0; kind < 2; kind++) {
					if (kind == 0 && d == nd) continue
					ext = kind ? "ko" : "o"
					base = "falco_" target "_" ur "_" kv "." ext
					flat = d <= 6
					reqs = rel[d]
					if (d == 7 && kind == 0) { out(dv[d] "/" base, "0.32.1"); reqs = "0.32.2" }
					out(dv[d] "/" (flat ? "" : "x86_64/") base, reqs)
				}
			}
		}
	}
	printf "\n]}\n" >published
	print n
}
function out(path, reqs,   h, state, reason, v) {
	o++; n++
	h = (k * 7919 + o * 104729 + (k % 7) * o * 13) % 100
	reason = ""
	if (f[2] == "ubuntu-22.04" && i == 1234 && dv[d] == "9.1.0+driver" && kind == 0) {
		state = "failed"
		reason = "kbuild failed: probe.c:42: error: <script>alert(\"x\")</script> & fleet-marker-1234"
	} else if (h < 12) {
		state = "built"
		v = h % 3 == 0 ? ", \"verified\": {\"result\": \"PASS\"}" : h == 11 ? ", \"verified\": {\"result\": \"FAIL\"}" : ""
		printf "%s\n{\"path\": \"%s\", \"distro\": \"%s\", \"target\": \"%s\", \"kernel_release\": \"%s\", " \
			"\"kernel_version\": \"%s\", \"uname_r\": \"%s\", \"arch\": \"x86_64\", \"driver_version\": \"%s\", " \
			"\"size\": %d, \"sha256\": \"%064d\", \"inputs\": {\"packages\": [], \"driver_tree_sha256\": \"\", " \
			"\"driver_source_sha256\": \"\", \"toolchain_sha256\": \"\"}%s}", np++ ? "," : "", path, f[1], target, ur,
			kv, ur, dv[d], 100000 + n, n, v >published
	} else if (h < 30) {
		state = "failed"
		reason = "kbuild failed: driver/bpf/probe.c:" o ": error: use of undeclared identifier '"'"'task_struct_" h "'"'"'"
	} else if (h < 33) {
		state = "fault"
		reason = "linux-headers-" ur "_" ur "_amd64.deb: 404 Not Found from the mirror"
	} else if (h < 45) {
		state = "unservable"
		reason = "the name is also asked by kernel " f[2] "_" ur "~bpo" h ": neither can be served"
		if (h % 2) path = "-"
	} else
		state = "pending"
	printf "%s\t%s\t%s\t%s\tx86_64\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", f[1], f[2], kid, ur, dv[d], kind ? "kmod" : "bpf",
		reqs, path, state, reason, seen >status
}'
}
