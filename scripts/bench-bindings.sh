#!/usr/bin/env bash
# The bindings' benchmark: stripped size of the release cdylib, and the time
# from parse_invite to the verification number through Python on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}/target}"
cargo build --release -p certbridge-ffi -p certbridge-uniffi-bindgen -p certbridge-desktop
lib="$CARGO_TARGET_DIR/release/libcertbridge_ffi.so"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$lib" "$work/"
strip "$work/libcertbridge_ffi.so"
size=$(stat -c %s "$work/libcertbridge_ffi.so")
printf 'release cdylib, stripped: %d bytes (%.2f MiB)\n' "$size" "$(echo "$size / 1048576" | bc -l)"
"$CARGO_TARGET_DIR/release/uniffi-bindgen" generate "$work/libcertbridge_ffi.so" --language python --no-format --out-dir "$work" >/dev/null
vector="${CERTBRIDGE_VECTOR:-$(cd .. && pwd)/shared/testvectors/npki-yessign-test}"
CERTBRIDGE_BIN="$CARGO_TARGET_DIR/release/certbridge" CERTBRIDGE_VECTOR="$vector" PYTHONPATH="$work" \
    python3 bindings/benches/python_bench.py "${RUNS:-30}"
