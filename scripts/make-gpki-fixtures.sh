#!/usr/bin/env bash
# Makes throwaway GPKI (행정전자서명) and EPKI certificates with OpenSSL, in
# their own layout, into the folder given as argument:
#
#   <out>/GPKI/Certificate/class2/   two holders side by side:
#       085홍길동003_sig.cer/.key  085홍길동003_env.cer/.key   (both pairs)
#       131김철수001_sig.cer/.key                               (signing only)
#   <out>/EPKI/Certificate/class2/
#       edu이영희007_sig.cer/.key  edu이영희007_env.cer/.key
#   <out>/password                 every key's password
#
# A test CA named like the real ones (CA131000001, O=Government of Korea,
# OU=GPKI; CA134040001 for EPKI) issues the certificates, with the policy
# OIDs of personal certificates (1.2.410.100001.2.2.1, and
# 1.2.410.100001.5.3.1.3 for EPKI). Keys are PKCS#8 under PBES2 with
# SEED-CBC (OpenSSL 3's legacy provider), the scheme NPKI keys use too;
# without SEED they use AES-256-CBC, which CertBridge reports as unknown.
set -euo pipefail
out="${1:?usage: make-gpki-fixtures.sh OUT_DIR}"
password='행정-password-2!'
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
printf '%s' "$password" >"$out/password"

cipher=(-v2 seed-cbc -provider legacy -provider default)
if ! openssl list -cipher-algorithms -provider legacy 2>/dev/null | grep -qi seed; then
    echo "note: OpenSSL has no SEED (legacy provider missing); using AES-256-CBC" >&2
    cipher=(-v2 aes-256-cbc)
fi

# make_ca NAME CN OU
make_ca() {
    cat >"$work/$1.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
C = KR
O = Government of Korea
OU = $3
CN = $2
[ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
CNF
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$1.key" 2>/dev/null
    openssl req -new -x509 -config "$work/$1.cnf" -extensions ext -key "$work/$1.key" \
        -days 3650 -out "$work/$1.pem"
}

# issue CA DIR ID CN POLICY ROLE  (ROLE: sig or env)
issue() {
    local ca="$1" dir="$2" id="$3" cn="$4" policy="$5" role="$6"
    cat >"$work/$id-$role.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
string_mask = utf8only
utf8 = yes
[dn]
C = KR
O = Government of Korea
OU = CertBridge 시험기관
CN = $cn
[ext]
certificatePolicies = $policy
keyUsage = critical, $([ "$role" = sig ] && echo digitalSignature, nonRepudiation || echo keyEncipherment)
CNF
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$id-$role.key" 2>/dev/null
    openssl req -new -config "$work/$id-$role.cnf" -key "$work/$id-$role.key" -out "$work/$id-$role.csr"
    openssl x509 -req -in "$work/$id-$role.csr" -CA "$work/$ca.pem" -CAkey "$work/$ca.key" \
        -CAcreateserial -extfile "$work/$id-$role.cnf" -extensions ext -days 365 \
        -outform DER -out "$dir/${id}_${role}.cer" 2>/dev/null
    openssl pkcs8 -topk8 -in "$work/$id-$role.key" -outform DER -out "$dir/${id}_${role}.key" \
        "${cipher[@]}" -v2prf hmacWithSHA1 -iter 2048 -passout "pass:$password"
}

gpki="$out/GPKI/Certificate/class2"
epki="$out/EPKI/Certificate/class2"
mkdir -p "$gpki" "$epki"
make_ca gca CA131000001 GPKI
make_ca eca CA134040001 EPKI
issue gca "$gpki" 085홍길동003 홍길동 1.2.410.100001.2.2.1 sig
issue gca "$gpki" 085홍길동003 홍길동 1.2.410.100001.2.2.1 env
issue gca "$gpki" 131김철수001 김철수 1.2.410.100001.2.2.2 sig
issue eca "$epki" edu이영희007 이영희 1.2.410.100001.5.3.1.3 sig
issue eca "$epki" edu이영희007 이영희 1.2.410.100001.5.3.1.3 env
echo "$out"
