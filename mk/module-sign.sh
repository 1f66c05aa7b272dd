#!/bin/sh
# What this project knows of a kernel module's appended signature, in one place:
#
#   module-sign.sh fingerprint PEM         the SHA-256 of PEM's certificate (its DER), lower-case hex
#   module-sign.sh key PEM BITS            a key and self-signed certificate for MOK enrollment,
#                                          into PEM (key and certificate, as kbuild's
#                                          signing_key.pem), PEM's .crt (the certificate) and .der
#                                          (what mokutil --import takes); refuses an existing PEM
#   module-sign.sh strip MODULE OUT        MODULE without its signature into OUT; prints the
#                                          signature's length (0: there was none)
#   module-sign.sh check MODULE CERT HASH  the signature is a valid PKCS#7 by CERT over the module's
#                                          bytes, with digest HASH (the kernel's
#                                          CONFIG_MODULE_SIG_HASH); prints why not
#
# The format is the kernel's (scripts/sign-file, kernel/module/signing.c): the module's bytes,
# the DER PKCS#7 signature, struct module_signature (12 bytes: algo, hash, id_type = 2 for
# PKCS#7, signer_len, key_id_len, 3 bytes of padding, the signature's length as a big-endian
# u32), then the 28 bytes "~Module signature appended~\n".
# Exit status: 0 done or good, 1 a bad module or signature (check: the reason on stdout), 2 a
# tool or file that failed: no verdict.
set -u
magic='~Module signature appended~'
die() { echo "module-sign: $*" >&2; exit 2; }

# sig_len MODULE: the appended signature's length, 0 when MODULE carries none; fails when the
# trailer is there but its struct is not one the kernel takes.
sig_len() {
	size=$(wc -c <"$1" | tr -d ' ') || die "cannot read $1"
	[ "$size" -gt 40 ] && [ "$(tail -c 28 "$1" | head -c 27)" = "$magic" ] || { echo 0; return 0; }
	# shellcheck disable=SC2046 # twelve numbers
	set -- $(tail -c 40 "$1" | head -c 12 | od -An -tu1) "$size"
	[ $# -eq 13 ] || die "cannot read the signature's struct"
	# A PKCS#7 signature names nothing in the struct but its type and length (the kernel refuses
	# anything else: mod_check_sig).
	if [ "$3" != 2 ] || [ "$1$2$4$5$6$7$8" != 0000000 ]; then
		echo "the signature's struct is not a PKCS#7 one (id_type $3)" >&2
		return 1
	fi
	len=$(($9 * 16777216 + ${10} * 65536 + ${11} * 256 + ${12}))
	[ "$len" -gt 0 ] && [ "$len" -le $((${13} - 40)) ] || {
		echo "the signature's length $len does not fit the module" >&2
		return 1
	}
	echo "$len"
}

case ${1:-} in
fingerprint)
	[ $# -eq 2 ] || die "usage: module-sign.sh fingerprint PEM"
	[ -f "$2" ] || die "$2: no such file"
	fp=$(openssl x509 -in "$2" -noout -fingerprint -sha256 2>/dev/null) || die "$2 holds no certificate"
	echo "${fp#*=}" | tr -d ':' | tr 'A-F' 'a-f'
	;;
key)
	[ $# -eq 3 ] || die "usage: module-sign.sh key PEM BITS"
	pem=$2 bits=$3 base=${2%.pem}
	[ ! -e "$pem" ] || die "$pem exists: a key is never overwritten (README: rotating keys)"
	dir=$(dirname "$pem")
	mkdir -p "$dir" || die "cannot create $dir"
	umask 077
	tmp=$(mktemp -d "$dir/.signing-key.XXXXXX") || die "cannot create a directory in $dir"
	trap 'rm -rf "$tmp"' EXIT
	# The extensions the kernel (x509_cert_parser: a key for digital signatures) and mokutil take,
	# as kbuild's certs/default_x509.genkey and Debian's own MOK keys have them.
	cat >"$tmp/x509.genkey" <<EOF
[ req ]
distinguished_name = dn
prompt = no
string_mask = utf8only
x509_extensions = ext
[ dn ]
CN = falco-probes module signing key $(date -u +%Y-%m-%d)
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	openssl req -new -x509 -nodes -utf8 -sha256 -days 36500 -batch -newkey "rsa:$bits" \
		-config "$tmp/x509.genkey" -keyout "$tmp/key" -out "$tmp/crt" >"$tmp/log" 2>&1 ||
		die "openssl req failed: $(tail -n 1 "$tmp/log")"
	openssl x509 -in "$tmp/crt" -outform DER -out "$tmp/der" 2>"$tmp/log" ||
		die "openssl x509 failed: $(tail -n 1 "$tmp/log")"
	cat "$tmp/key" "$tmp/crt" >"$tmp/pem" || die "cannot write $tmp/pem"
	# The certificates first: the key's name appearing is what says the key is complete.
	mv -f "$tmp/crt" "$base.crt" && mv -f "$tmp/der" "$base.der" && mv -f "$tmp/pem" "$pem" ||
		die "cannot write $pem"
	chmod 644 "$base.crt" "$base.der"
	;;
strip)
	[ $# -eq 3 ] || die "usage: module-sign.sh strip MODULE OUT"
	len=$(sig_len "$2") || exit 1
	keep=$(($(wc -c <"$2") - (len ? len + 40 : 0)))
	head -c "$keep" "$2" >"$3.tmp" && mv -f "$3.tmp" "$3" || die "cannot write $3"
	echo "$len"
	;;
check)
	[ $# -eq 4 ] || die "usage: module-sign.sh check MODULE CERT HASH"
	module=$2 cert=$3 hash=$4
	[ -f "$cert" ] || die "$cert: no such file"
	tmp=$(mktemp -d) || die "cannot create a temporary directory"
	trap 'rm -rf "$tmp"' EXIT
	len=$(sig_len "$module" 2>"$tmp/why") || { cat "$tmp/why"; exit 1; }
	[ "$len" -gt 0 ] || { echo "it carries no signature"; exit 1; }
	size=$(wc -c <"$module")
	head -c $((size - len - 40)) "$module" >"$tmp/module" && tail -c $((len + 40)) "$module" | head -c "$len" >"$tmp/p7" ||
		die "cannot split $module"
	openssl cms -cmsout -print -inform DER -in "$tmp/p7" >"$tmp/print" 2>&1 || {
		echo "its signature is no PKCS#7 structure"
		exit 1
	}
	# The digest the signer used (the kernel refuses one it does not build in; a module signed
	# with another than its kernel's CONFIG_MODULE_SIG_HASH was not signed by its kbuild's way).
	digests=$(sed -n '/digestAlgorithm/,/parameter/s/^ *algorithm: *\([^ ]*\).*/\1/p' "$tmp/print" | sort -u | tr '\n' ' ')
	[ "$digests" = "$hash " ] || { echo "its signature's digest is ${digests% }, not its kernel's $hash"; exit 1; }
	# The certificate is trusted as the kernel trusts a key: by itself (a self-signed MOK key),
	# for any purpose (its extended key usage is codeSigning, not S/MIME's).
	openssl cms -verify -binary -inform DER -in "$tmp/p7" -content "$tmp/module" -certfile "$cert" \
		-CAfile "$cert" -purpose any -out /dev/null >"$tmp/log" 2>&1 || {
		echo "its signature does not verify over its bytes with certificate $(basename "$cert"): $(grep -m1 -i error "$tmp/log" || tail -n 1 "$tmp/log")"
		exit 1
	}
	;;
*) die "usage: module-sign.sh fingerprint|key|strip|check ..." ;;
esac
