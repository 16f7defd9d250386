#!/usr/bin/env bash
# A complete CertBridge transfer on this machine, over the LAN path on
# loopback, with no server: `certbridge send` plays the PC, `certbridge scan`
# plays the phone, and this script types the verification number across.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}/target}"
echo "==> building certbridge"
cargo build --quiet -p certbridge-desktop --bin certbridge
bin="$CARGO_TARGET_DIR/debug/certbridge"

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

vector="../shared/testvectors/npki-yessign-test"
if [ -f "$vector/signCert.der" ]; then
    cert="$vector"
    allow=(--allow-expired)     # the shared test certificate expired in 2020
else
    echo "==> making a throwaway test certificate with OpenSSL"
    scripts/make-npki-fixtures.sh "$work/fixtures" >/dev/null
    cert="$work/fixtures/demo"
    allow=()
fi
phone_root="$work/phone/NPKI"

echo "==> the certificate to move"
"$bin" inspect "$cert"

mkfifo "$work/typed"
echo "==> PC: certbridge send (showing the code; the phone scans it)"
"$bin" send "$cert" "${allow[@]}" --json --listen 127.0.0.1 --name "Demo PC" <"$work/typed" >"$work/pc.jsonl" &
exec 3>"$work/typed"

until grep -q '"event":"invite"' "$work/pc.jsonl" 2>/dev/null; do sleep 0.1; done
invite="$(grep '"event":"invite"' "$work/pc.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["text"])')"
echo "    code: ${invite:0:40}…"

echo "==> phone: certbridge scan (into $phone_root)"
"$bin" scan "$invite" --install-root "$phone_root" --name "Demo phone" --json >"$work/phone.jsonl" &
scan_pid=$!

until grep -q '"event":"verification_code"' "$work/phone.jsonl" 2>/dev/null; do sleep 0.1; done
code="$(grep '"event":"verification_code"' "$work/phone.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')"
echo "    the phone shows ${code:0:3} ${code:3:3}; typing it on the PC"
echo "$code" >&3

wait "$scan_pid"
echo "==> result on the phone"
grep '"event":"done"' "$work/phone.jsonl" | python3 -c '
import json, sys
for item in json.load(sys.stdin)["items"]:
    print("    " + item["status"] + ": " + item["folder"])
    for name, digest in sorted(item["sha256"].items()):
        print("      " + name + "  sha256 " + digest[:16] + "…")'
for f in signCert.der signPri.key; do
    cmp -s "$cert/$f" "$(find "$phone_root" -name "$f")" && echo "    $f: identical to the original"
done
wait
echo "==> done"
