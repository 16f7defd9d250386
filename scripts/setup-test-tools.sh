#!/usr/bin/env bash
# Installs the tools the tests use, when missing: zbarimg (an independent QR
# decoder), redis-server, openssl, and cargo-nextest.
set -euo pipefail

need=()
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)

if ((${#need[@]})); then
    echo "==> installing ${need[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! cargo nextest --version >/dev/null 2>&1; then
    echo "==> installing cargo-nextest"
    cargo install cargo-nextest --locked
fi
