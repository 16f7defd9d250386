#!/usr/bin/env bash
# The bindings' benchmark: stripped size of the library the apps ship (the
# `mobile` profile), and, through the Python bindings loaded from that very
# stripped file, the time from parse_invite to the verification number
# against `certbridge send` on 127.0.0.1, and a password check.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}/target}"
# Built on their own: in one cargo invocation the desktop's features (the QR
# PNG renderer) would be unified into the library and inflate it.
cargo build --profile mobile -p certbridge-ffi
cargo build --release -p certbridge-uniffi-bindgen -p certbridge-desktop
lib="$CARGO_TARGET_DIR/mobile/libcertbridge_ffi.so"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The bindings are generated from the symbols, before they are stripped.
"$CARGO_TARGET_DIR/release/uniffi-bindgen" generate "$lib" --language python --no-format --out-dir "$work" >/dev/null
cp "$lib" "$work/"
strip "$work/libcertbridge_ffi.so"
size=$(stat -c %s "$work/libcertbridge_ffi.so")
printf 'mobile cdylib (%s), stripped: %d bytes (%.2f MiB)\n' "$(uname -m)" "$size" "$(echo "$size / 1048576" | bc -l)"
vector="${CERTBRIDGE_VECTOR:-$(cd .. && pwd)/shared/testvectors/npki-yessign-test}"
CERTBRIDGE_BIN="$CARGO_TARGET_DIR/release/certbridge" CERTBRIDGE_VECTOR="$vector" PYTHONPATH="$work" \
    python3 bindings/benches/python_bench.py "${RUNS:-30}"
