#!/usr/bin/env bash
# Makes throwaway NPKI-style certificate folders with OpenSSL, an
# implementation independent of ours, into the folder given as argument:
#
#   <out>/demo/                 signCert.der (self-signed, Hangul CN, yessign
#                               general-purpose policy, valid 365 days) and
#                               signPri.key (PBES2, PBKDF2-HMAC-SHA1, SEED-CBC)
#   <out>/demo-sha256/          the same key under PBKDF2-HMAC-SHA256
#   <out>/demo.pfx              the demo pair as PKCS#12 (OpenSSL's default:
#                               PBES2, AES-256-CBC, HMAC-SHA256 MAC)
#   <out>/demo-legacy.pfx       the same with -legacy (RC2-40 / 3DES, SHA1 MAC)
#   <out>/password              the keys' and the PKCS#12 files' password
#
# SEED needs OpenSSL 3's legacy provider; without it the keys use AES-256.
set -euo pipefail
out="${1:?usage: make-npki-fixtures.sh OUT_DIR}"
mkdir -p "$out/demo" "$out/demo-sha256"
password='테스트-password-1!'
printf '%s' "$password" >"$out/password"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/ext.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
C = kr
O = yessign
0.OU = personal4IB
1.OU = CertBridge test
CN = 홍길동()0001041820250101000001
[ext]
certificatePolicies = 1.2.410.200005.1.1.1
keyUsage = critical, digitalSignature, nonRepudiation
CNF

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
openssl req -new -x509 -config "$work/ext.cnf" -extensions ext -key "$work/key.pem" \
    -days 365 -outform DER -out "$out/demo/signCert.der"
cp "$out/demo/signCert.der" "$out/demo-sha256/signCert.der"

cipher=(-v2 seed-cbc -provider legacy -provider default)
if ! openssl list -cipher-algorithms -provider legacy 2>/dev/null | grep -qi seed; then
    echo "note: OpenSSL has no SEED (legacy provider missing); using AES-256-CBC" >&2
    cipher=(-v2 aes-256-cbc)
fi
openssl pkcs8 -topk8 -in "$work/key.pem" -outform DER -out "$out/demo/signPri.key" \
    "${cipher[@]}" -v2prf hmacWithSHA1 -iter 2048 -passout "pass:$password"
openssl pkcs8 -topk8 -in "$work/key.pem" -outform DER -out "$out/demo-sha256/signPri.key" \
    "${cipher[@]}" -v2prf hmacWithSHA256 -iter 2048 -passout "pass:$password"
openssl x509 -inform DER -in "$out/demo/signCert.der" -out "$work/cert.pem"
openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" -name demo \
    -passout "pass:$password" -out "$out/demo.pfx"
if openssl pkcs12 -export -legacy -inkey "$work/key.pem" -in "$work/cert.pem" -name demo \
    -passout "pass:$password" -out "$out/demo-legacy.pfx" 2>/dev/null; then :; else
    echo "note: OpenSSL cannot write -legacy PKCS#12 here; demo-legacy.pfx not made" >&2
fi
echo "$out"
