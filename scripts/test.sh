#!/usr/bin/env bash
# Runs every test of CertBridge: unit, end-to-end (real binaries on
# 127.0.0.1), relay with a real redis-server, the generated bindings
# from Python, Kotlin and Swift, the QR robustness and side-by-side brief
# runs, and every fuzz target briefly. Installs what it needs first.
#
# Build outputs are cached outside the repository, in
# ${CERTBRIDGE_CACHE:-~/.cache/certbridge}, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

export CERTBRIDGE_CACHE="${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CERTBRIDGE_CACHE/target}"
mkdir -p "$CERTBRIDGE_CACHE"

scripts/setup-test-tools.sh
export PATH="$CERTBRIDGE_CACHE/cargo-tools/bin:$PATH"   # cargo-fuzz

echo "==> building (target dir: $CARGO_TARGET_DIR)"
cargo build --workspace --all-targets --locked

echo "==> testing"
status=0
cargo nextest run --workspace --no-fail-fast --locked --profile ci || status=$?

# Every fuzz target for a few seconds (fuzz/ is a workspace of its own).
scripts/fuzz.sh "${CERTBRIDGE_FUZZ_SECONDS:-3}" || status=$?
exit "$status"
