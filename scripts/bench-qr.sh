#!/usr/bin/env bash
# The QR robustness suite in full (scripts/qr-robustness.py): SAMPLES invites
# of each of 4 variants (default 25, so 100 codes per cell), at 1-8 pixels
# per module, under every degradation, read by zbarimg, OpenCV and rqrr.
# Prints the success table; extra arguments go to the script (e.g.
# --json FILE, --keep DIR). Takes about 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
[ -x "$cache/py-bench/bin/python" ] || scripts/setup-test-tools.sh
cargo build --quiet --locked -p certbridge-e2e --bin qr-robustness
exec "$cache/py-bench/bin/python" scripts/qr-robustness.py --bin "$CARGO_TARGET_DIR/debug/qr-robustness" \
    --samples "${SAMPLES:-25}" "$@"
