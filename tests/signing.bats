#!/usr/bin/env bats
# Module signing (MODULE_SIGNING_KEY, mk/module-sign.sh, README: Module signing): on a real
# module, the newest bookworm amd64 kernel's 10.2.0+driver module (Falco 0.44.1), built by the
# project's rules from the falcosecurity/libs archives (FP_LIBS_DIR, served on 127.0.0.1) and
# signed by its kernel's own scripts/sign-file (linux-kbuild-6.1's) with keys made by `make
# signing-key`; checked by openssl as the kernel checks it (make verify-repo), compared after its
# signature is removed (make rebuild-check), and refused by that kernel under qemu with
# module.sig_enforce=1 when unsigned or signed by a key it does not trust.
#
# Packages are kept in FP_LIVE_DIR's cache (shared with tests/verify.bats); the module is built
# again on every run (the build's own output, under V=1, is what the key must not reach).

load lib/common

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export BIN=${FP_BIN:-$TOP/build/san/bin} FP_BIN=${FP_BIN:-$TOP/build/san/bin}
	export FIX=$BATS_FILE_TMPDIR
	export LIVE=${FP_LIVE_DIR:-$TOP/build/live}
	export S=$LIVE/signing SKIP_WHY=
	export LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs}
	export MIRROR_debian MIRROR_debian_security
	MIRROR_debian=$(sh "$TOP/mk/apt-mirror.sh" '^bookworm$')
	MIRROR_debian_security=$(sh "$TOP/mk/apt-mirror.sh" 'bookworm-security$')
	MIRROR_debian_security=${MIRROR_debian_security:-$MIRROR_debian}
	if [ ! -f "$LIBS/10.2.0+driver.tar.gz" ]; then
		SKIP_WHY="no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
		return 0
	fi
	if [ -z "$MIRROR_debian" ]; then
		SKIP_WHY="no Debian mirror in this machine's apt sources"
		return 0
	fi
	fp_http_start "$LIBS"
	export LIBS_URL=$FP_HTTP_URL
	# Two keys made as a user makes them; RSA 2048 for speed (the default is 4096).
	smake signing-key MODULE_SIGNING_KEY="$FIX/a/signing_key.pem" SIGNING_KEY_BITS=2048 >"$FIX/a.out"
	smake signing-key MODULE_SIGNING_KEY="$FIX/b/signing_key.pem" SIGNING_KEY_BITS=2048 >"$FIX/b.out"
	minisign -G -W -p "$FIX/repo.pub" -s "$FIX/repo.key" </dev/null >/dev/null
	smake list-debian >/dev/null
	export RELEASE KO
	RELEASE=$(awk -F'\t' '$1 == "distros/os-release/debian-12" && $3 ~ /^[0-9.]+-[0-9]+-amd64$/ && $7 != "-" { print $3 }' \
		"$S/build/listing/debian.tsv" | sort -V | tail -n 1)
	KO=$(awk -F'\t' -v k="debian-12_$RELEASE" '$2 == k && $3 == "kmod" && $5 == "build" { print $1 }' \
		"$S/kernels/10.2.0+driver/debian.outputs")
	# Signed with key b, then with key a under V=1: a changed key is a changed input.
	rm -f "$S/dist/$KO"
	smake MODULE_SIGNING_KEY="$FIX/b/signing_key.pem" "$S/dist/$KO" >"$FIX/build-b.out" 2>&1
	mkdir -p "$FIX/b-signed" && cp "$S/dist/$KO" "$FIX/b-signed/" && cp "$S/build/records/$KO.rec" "$FIX/b-signed/rec"
	smake V=1 MODULE_SIGNING_KEY="$FIX/a/signing_key.pem" "$S/dist/$KO" >"$FIX/build-a.out" 2>&1
}

teardown_file() {
	fp_http_stop_all
}

ready() {
	[ -z "$SKIP_WHY" ] || skip "$SKIP_WHY"
}

smake() {
	fp_make "$S" CACHE="$LIVE/cache" MIRROR_debian="$MIRROR_debian" MIRROR_debian_security="$MIRROR_debian_security" \
		LIBS_ARCHIVES="$LIBS_URL" FALCO_VERSIONS=0.44.1 \
		"debian_SUITES=bookworm|MIRROR_debian|debian-12 bookworm-security|MIRROR_debian_security|debian-12" "$@"
}

# resign MODULE DIGEST KEYDIR OUT: MODULE's bytes signed again as sign-file signs (a detached
# PKCS#7 without certificates or attributes, then the kernel's struct and marker), by openssl
# with another digest.
resign() {
	sh "$TOP/mk/module-sign.sh" strip "$1" "$BATS_TEST_TMPDIR/bare" >/dev/null
	openssl cms -sign -binary -noattr -nocerts -nosmimecap -outform DER -md "$2" -signer "$3/signing_key.crt" \
		-inkey "$3/signing_key.pem" -in "$BATS_TEST_TMPDIR/bare" -out "$BATS_TEST_TMPDIR/p7"
	cat "$BATS_TEST_TMPDIR/bare" "$BATS_TEST_TMPDIR/p7" >"$4"
	python3 -c 'import os, struct, sys; sys.stdout.buffer.write(struct.pack(">BBBBB3xI", 0, 0, 2, 0, 0, os.path.getsize(sys.argv[1])) + b"~Module signature appended~\n")' \
		"$BATS_TEST_TMPDIR/p7" >>"$4"
}

@test "make signing-key: a key and certificate for MOK (the extensions the kernel and mokutil take), never overwritten, never under DIST" {
	ready
	cat "$FIX/a.out"
	grep -qx "  sudo mokutil --import $FIX/a/signing_key.der" "$FIX/a.out"
	[ "$(stat -c %a "$FIX/a/signing_key.pem")" = 600 ]
	grep -q 'BEGIN PRIVATE KEY' "$FIX/a/signing_key.pem"
	grep -q 'BEGIN CERTIFICATE' "$FIX/a/signing_key.pem"
	openssl x509 -inform DER -in "$FIX/a/signing_key.der" -noout -text >"$BATS_TEST_TMPDIR/text"
	cat "$BATS_TEST_TMPDIR/text"
	grep -A1 'Basic Constraints: critical' "$BATS_TEST_TMPDIR/text" | grep -q 'CA:FALSE'
	grep -A1 'X509v3 Key Usage' "$BATS_TEST_TMPDIR/text" | grep -qx ' *Digital Signature'
	grep -A1 'Extended Key Usage' "$BATS_TEST_TMPDIR/text" | grep -qx ' *Code Signing'
	grep -q 'Subject Key Identifier' "$BATS_TEST_TMPDIR/text"
	grep -q 'Signature Algorithm: sha256WithRSAEncryption' "$BATS_TEST_TMPDIR/text"
	# The key and the DER certificate are one pair.
	[ "$(openssl x509 -inform DER -in "$FIX/a/signing_key.der" -noout -pubkey)" = "$(openssl pkey -in "$FIX/a/signing_key.pem" -pubout)" ]
	sum=$(fp_sha256 "$FIX/a/signing_key.pem")
	run smake signing-key MODULE_SIGNING_KEY="$FIX/a/signing_key.pem"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "signing_key.pem exists: a key is never overwritten"
	[ "$(fp_sha256 "$FIX/a/signing_key.pem")" = "$sum" ]
	run smake signing-key MODULE_SIGNING_KEY="$S/dist/k.pem"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "is under DIST"
	[ ! -e "$S/dist/k.pem" ]
}

@test "a signing run's module is signed by its kernel's sign-file with CONFIG_MODULE_SIG_HASH; its record and index name the certificate" {
	ready
	tail -n 5 "$FIX/build-a.out"
	ko=$S/dist/$KO rec=$S/build/records/$KO.rec
	[ -f "$ko" ]
	cat "$rec"
	fa=$(sh "$TOP/mk/module-sign.sh" fingerprint "$FIX/a/signing_key.crt")
	fb=$(sh "$TOP/mk/module-sign.sh" fingerprint "$FIX/b/signing_key.crt")
	[ "$fa" = "$(openssl x509 -in "$FIX/a/signing_key.crt" -outform DER | sha256sum | cut -d' ' -f1)" ]
	grep -qx "signing_cert_sha256=$fa" "$rec"
	grep -qx 'signature_hash=sha256' "$rec"
	grep -qx "sha256=$(fp_sha256 "$ko")" "$rec"
	# Debian 12's kernels sign with sha256; the signature is the tree's sign-file's (the log says
	# which, and the run names its own kernel's tree).
	grep -q "^signing: .*/debian-12_$RELEASE/.*/scripts/sign-file sha256, certificate sha256 $fa$" "$S/build/logs/$KO.log"
	[ "$(tail -c 28 "$ko")" = "~Module signature appended~" ]
	run sh "$TOP/mk/module-sign.sh" check "$ko" "$FIX/a/signing_key.crt" sha256
	echo "$output"
	[ "$status" -eq 0 ]
	run sh "$TOP/mk/module-sign.sh" check "$ko" "$FIX/b/signing_key.crt" sha256
	echo "$output"
	[ "$status" -eq 1 ]
	# Key b's run made the same module, signed by b: a new key was a new input. Without their
	# signatures both are the same bytes.
	grep -qx "signing_cert_sha256=$fb" "$FIX/b-signed/rec"
	run sh "$TOP/mk/module-sign.sh" check "$FIX/b-signed/$(basename "$KO")" "$FIX/b/signing_key.crt" sha256
	[ "$status" -eq 0 ]
	sh "$TOP/mk/module-sign.sh" strip "$ko" "$BATS_TEST_TMPDIR/a.bare"
	sh "$TOP/mk/module-sign.sh" strip "$FIX/b-signed/$(basename "$KO")" "$BATS_TEST_TMPDIR/b.bare"
	cmp "$BATS_TEST_TMPDIR/a.bare" "$BATS_TEST_TMPDIR/b.bare"
	# A run without a key changes nothing of what the key made: the key is an input, not the run.
	run smake MODULE_SIGNING_KEY="$FIX/a/signing_key.pem" "$ko"
	echo "$output"
	[ "$status" -eq 0 ]
	! echo "$output" | grep -q KMOD
	# The index says it, as the record does.
	smake repo SIGNING_KEY="$FIX/repo.key" >/dev/null
	python3 - "$S/dist/index.json" "$KO" "$fa" <<'EOF'
import json, sys
p = {p["path"]: p for p in json.load(open(sys.argv[1]))["probes"]}[sys.argv[2]]
assert p["signing_cert_sha256"] == sys.argv[3] and p["signature_hash"] == "sha256", p
EOF
}

@test "the private key is in no log, record, index, V=1 output or run file" {
	ready
	# V=1 showed the commands that read the key (by its path).
	grep -qF "module-sign.sh fingerprint '$FIX/a/signing_key.pem'" "$FIX/build-a.out"
	# The key's own lines (base64 of its DER), each long enough to be no accident.
	sed -n '/BEGIN PRIVATE KEY/,/END PRIVATE KEY/p' "$FIX/a/signing_key.pem" | grep -v -- '-----' >"$BATS_TEST_TMPDIR/lines"
	sed -n '/BEGIN PRIVATE KEY/,/END PRIVATE KEY/p' "$FIX/b/signing_key.pem" | grep -v -- '-----' >>"$BATS_TEST_TMPDIR/lines"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/lines")" -gt 40 ]
	smake V=1 repo SIGNING_KEY="$FIX/repo.key" >"$FIX/repo.out" 2>&1
	run grep -rlF -f "$BATS_TEST_TMPDIR/lines" "$FIX/build-a.out" "$FIX/build-b.out" "$FIX/repo.out" "$S/build" "$S/dist"
	echo "$output"
	[ "$status" -eq 1 ]
	run grep -rl 'PRIVATE KEY' "$FIX/build-a.out" "$FIX/build-b.out" "$FIX/repo.out" "$S/build" "$S/dist"
	echo "$output"
	[ "$status" -eq 1 ]
	# The key's bytes themselves (DER) are in no file either.
	openssl pkey -in "$FIX/a/signing_key.pem" -outform DER -out "$BATS_TEST_TMPDIR/key.der"
	head -c 64 "$BATS_TEST_TMPDIR/key.der" | tail -c 32 >"$BATS_TEST_TMPDIR/key.part"
	run grep -rlaF -f <(od -An -tx1 "$BATS_TEST_TMPDIR/key.part" | tr -d ' \n'; echo) "$S/build" "$S/dist"
	[ "$status" -eq 1 ]
}

@test "make verify-repo MODULE_SIGNING_CERT= checks each signature over the module's bytes and the kernel's digest, as the kernel would" {
	ready
	smake repo SIGNING_KEY="$FIX/repo.key" >/dev/null
	run smake verify-repo REPO="$S/dist" SIGNING_PUBKEY="$FIX/repo.pub" MODULE_SIGNING_CERT="$FIX/a/signing_key.crt"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '1 module signatures good'
	# Not the certificate that signed it.
	run smake verify-repo REPO="$S/dist" SIGNING_PUBKEY="$FIX/repo.pub" MODULE_SIGNING_CERT="$FIX/b/signing_key.crt"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $KO: signed by certificate sha256 .*, which MODULE_SIGNING_CERT does not name"
	# A repository whose files all match its signed index, but whose module's signature is made
	# with another digest than its kernel's, or covers other bytes.
	cp -r "$S/dist" "$BATS_TEST_TMPDIR/r"
	resign "$S/dist/$KO" sha512 "$FIX/a" "$BATS_TEST_TMPDIR/m.ko"
	run sh "$TOP/mk/module-sign.sh" check "$BATS_TEST_TMPDIR/m.ko" "$FIX/a/signing_key.crt" sha256
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "its signature's digest is sha512, not its kernel's sha256" ]
	repo_with() {
		cp "$1" "$BATS_TEST_TMPDIR/r/$KO"
		python3 - "$BATS_TEST_TMPDIR/r" "$KO" <<'EOF'
import hashlib, json, os, sys
r, ko = sys.argv[1:]
b = open(os.path.join(r, ko), "rb").read()
i = json.load(open(os.path.join(r, "index.json")))
for p in i["probes"]:
    if p["path"] == ko:
        p["sha256"], p["size"] = hashlib.sha256(b).hexdigest(), len(b)
json.dump(i, open(os.path.join(r, "index.json"), "w"))
d = os.path.dirname(ko)
sums = [l.split("  ", 1) for l in open(os.path.join(r, d, "SHA256SUMS")).read().splitlines()]
with open(os.path.join(r, d, "SHA256SUMS"), "w") as f:
    for h, n in sums:
        f.write("%s  %s\n" % (hashlib.sha256(b).hexdigest() if n == os.path.basename(ko) else h, n))
EOF
		rm -f "$BATS_TEST_TMPDIR/r/index.json.minisig" "$BATS_TEST_TMPDIR/r/$(dirname "$KO")/SHA256SUMS.minisig"
		minisign -S -s "$FIX/repo.key" -m "$BATS_TEST_TMPDIR/r/index.json" "$BATS_TEST_TMPDIR/r/$(dirname "$KO")/SHA256SUMS" </dev/null >/dev/null
	}
	repo_with "$BATS_TEST_TMPDIR/m.ko"
	run smake verify-repo REPO="$BATS_TEST_TMPDIR/r" SIGNING_PUBKEY="$FIX/repo.pub" MODULE_SIGNING_CERT="$FIX/a/signing_key.crt"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $KO: its signature's digest is sha512, not its kernel's sha256"
	cp "$S/dist/$KO" "$BATS_TEST_TMPDIR/t.ko"
	printf 'x' | dd of="$BATS_TEST_TMPDIR/t.ko" bs=1 seek=4096 conv=notrunc 2>/dev/null
	repo_with "$BATS_TEST_TMPDIR/t.ko"
	run smake verify-repo REPO="$BATS_TEST_TMPDIR/r" SIGNING_PUBKEY="$FIX/repo.pub" MODULE_SIGNING_CERT="$FIX/a/signing_key.crt"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $KO: its signature does not verify over its bytes with certificate $(sh "$TOP/mk/module-sign.sh" fingerprint "$FIX/a/signing_key.crt"): .*bad signature"
	# Its signature removed, where the index says it is signed.
	sh "$TOP/mk/module-sign.sh" strip "$S/dist/$KO" "$BATS_TEST_TMPDIR/u.ko"
	repo_with "$BATS_TEST_TMPDIR/u.ko"
	run smake verify-repo REPO="$BATS_TEST_TMPDIR/r" SIGNING_PUBKEY="$FIX/repo.pub" MODULE_SIGNING_CERT="$FIX/a/signing_key.crt"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q "BAD     $KO: it carries no signature"
}

@test "make rebuild-check rebuilds a signed module unsigned and compares it without its signature" {
	ready
	run smake rebuild-check PROBE="$KO" REPO="$S/dist" MODULE_SIGNING_KEY="$FIX/a/signing_key.pem"
	echo "$output" | grep -v '^  \(KMOD\|TREE\|FETCH\|PROBE\)'
	[ "$status" -eq 0 ]
	echo "$output" | grep -q "SAME    $KO: the rebuild is byte-identical once the published module's signature (certificate sha256 [0-9a-f]*) is removed"
}

@test "live: bookworm's kernel under module.sig_enforce=1 refuses the module unsigned and signed by a key it does not trust" {
	ready
	image=$LIVE/cache/packages/$(awk -F'\t' -v r="$RELEASE" '$3 == r { print $7 }' "$S/build/listing/debian.tsv" | cut -d'|' -f2)
	smake list-debian "$image" "$S/build/verify/kmod-read" >/dev/null
	verify() {
		env FP_BIN="$BIN" FP_KMOD_READ="$S/build/verify/kmod-read" FP_QUIET=1 sh "$TOP/mk/verify-output.sh" \
			--append module.sig_enforce=1 "$1" "$image" "$BATS_TEST_TMPDIR/$2.verified"
	}
	mkdir -p "$BATS_TEST_TMPDIR/u"
	sh "$TOP/mk/module-sign.sh" strip "$S/dist/$KO" "$BATS_TEST_TMPDIR/u/$(basename "$KO")"
	run verify "$BATS_TEST_TMPDIR/u/$(basename "$KO")" unsigned
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL insmod: insmod: can't insert '/module.ko': Key was rejected by service (kernel: .*Loading of unsigned module is rejected"
	grep -q 'module.sig_enforce=1' "$BATS_TEST_TMPDIR/unsigned.verified.console" || grep -qx 'append=module.sig_enforce=1' "$BATS_TEST_TMPDIR/unsigned.verified"
	# Signed by a key the kernel has not got: its signature is read (a malformed one is EBADMSG,
	# not a rejection) and its key not found.
	run verify "$FIX/b-signed/$(basename "$KO")" other-key
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q "FAIL insmod: insmod: can't insert '/module.ko': Key was rejected by service (kernel: .*Loading of module with unavailable key is rejected"
	echo "# sig_enforce=1: $(sed -n 's/^reason=//p' "$BATS_TEST_TMPDIR/unsigned.verified") | $(sed -n 's/^reason=//p' "$BATS_TEST_TMPDIR/other-key.verified")" >&3
}
