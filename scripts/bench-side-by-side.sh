#!/usr/bin/env bash
# CertBridge side by side with magic-wormhole (scripts/side-by-side.py):
# ROUNDS (default 5) alternating transfers of the same certificate folder per
# tool and path, first on this machine as it is, then with the receiving side
# 50 ms round trip away behind the latency proxy (needs root: a network
# namespace). The folder is the shared test vector when present
# ($CERTBRIDGE_TESTVECTORS or ../shared/testvectors), else a certificate
# made by scripts/make-npki-fixtures.sh. Extra arguments go to both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
[ -x "$cache/py-bench/bin/wormhole" ] || scripts/setup-test-tools.sh
cargo build --quiet --locked -p certbridge-desktop --bin certbridge -p certbridge-relay --bin certbridge-relay

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
vector="${CERTBRIDGE_TESTVECTORS:-../shared/testvectors}/npki-yessign-test"
if [ -f "$vector/signCert.der" ]; then
    cert=(--cert "$vector" --allow-expired)   # the shared test certificate expired in 2020
else
    scripts/make-npki-fixtures.sh "$work/fixtures" >/dev/null
    cert=(--cert "$work/fixtures/demo")
fi
run=("$cache/py-bench/bin/python" scripts/side-by-side.py --certbridge "$CARGO_TARGET_DIR/debug/certbridge"
    --relay "$CARGO_TARGET_DIR/debug/certbridge-relay" --wormhole "$cache/py-bench/bin/wormhole"
    "${cert[@]}" --rounds "${ROUNDS:-5}")
echo "==> on this machine, nothing in between"
"${run[@]}" "$@"
echo "==> the receiving side 50 ms round trip away (latency proxy)"
"${run[@]}" --rtt-ms 50 "$@"
