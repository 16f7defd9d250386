#!/usr/bin/env bash
# Regenerates fuzz/seeds/: invites, messages, frames and relay requests from
# the project's own encoders; certificates, key files and PKCS#12 files from
# OpenSSL (scripts/make-npki-fixtures.sh, plus two PKCS#12 variants that are
# quick to open: one with a single KDF iteration, one with no MAC and no
# encryption, whose whole structure the fuzzer can mutate). The seeds are
# committed; rerun this only to refresh them.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

scripts/make-npki-fixtures.sh "$work/fx" >/dev/null
pass="pass:$(cat "$work/fx/password")"
openssl pkcs12 -in "$work/fx/demo.pfx" -passin "$pass" -nodes -out "$work/pair.pem" 2>/dev/null
openssl pkcs12 -export -in "$work/pair.pem" -name demo -passout "$pass" \
    -noiter -nomaciter -out "$work/fx/one-iteration.pfx"
openssl pkcs12 -export -in "$work/pair.pem" -name demo -passout "$pass" \
    -nomac -keypbe NONE -certpbe NONE -out "$work/fx/unencrypted.pfx"

rm -rf fuzz/seeds
cargo run --quiet --manifest-path fuzz/Cargo.toml --example make_seeds -- "$work/fx" fuzz/seeds
du -sh fuzz/seeds
