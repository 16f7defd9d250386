#!/usr/bin/env bash
# Installs the tools the tests use, when missing: zbarimg (an independent QR
# decoder), redis-server, openssl, and cargo-nextest.
set -euo pipefail

need=()
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)
# The terminal tests run certbridge in a real terminal (tmux) and read its
# QR code from a capture of the screen.
command -v tmux >/dev/null || need+=(tmux)

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

# The bindings' tests: kotlinc (npm's full compiler distribution), JNA
# (Debian), and a Debian trixie tree with Swift, all cached outside the repo.
cache="${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}"
mkdir -p "$cache"
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ -f /usr/share/java/jna.jar ] || { echo "==> installing libjna-java"; apt_install libjna-java; }
command -v java >/dev/null || { echo "==> installing a JDK"; apt_install openjdk-17-jdk-headless; }

kotlin_version=2.4.20
if [ ! -x "$cache/kotlin-$kotlin_version/package/bin/kotlinc" ]; then
    echo "==> installing kotlinc $kotlin_version (npm kotlin-compiler)"
    rm -rf "$cache/kotlin-$kotlin_version"
    mkdir -p "$cache/kotlin-$kotlin_version"
    (cd "$cache/kotlin-$kotlin_version" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null &&
        tar xzf kotlin-compiler-*.tgz && rm kotlin-compiler-*.tgz)
    chmod +x "$cache/kotlin-$kotlin_version/package/bin/"*
fi

swift_root="$cache/swift-trixie"
if [ ! -f "$swift_root/.certbridge-ready" ] && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then
    echo "==> building a Debian trixie tree with Swift in $swift_root (about a minute)"
    command -v debootstrap >/dev/null || apt_install debootstrap
    mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    $sudo rm -rf "$swift_root"
    if $sudo debootstrap --variant=minbase trixie "$swift_root" "$mirror" >"$cache/debootstrap.log" 2>&1 &&
        $sudo chroot "$swift_root" apt-get update -qq >>"$cache/debootstrap.log" 2>&1 &&
        $sudo chroot "$swift_root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            swiftlang libc6-dev libstdc++-14-dev >>"$cache/debootstrap.log" 2>&1; then
        $sudo touch "$swift_root/.certbridge-ready"
    else
        echo "warning: could not build the Swift tree (see $cache/debootstrap.log); Swift tests will be skipped" >&2
    fi
fi

# --- phone apps (tests/tests/phone_apps.rs) ----------------------------------
# JUnit 4 runs the :certbridge library's JVM tests (the same files Gradle runs
# as unit tests); aapt with the Android framework's resources compiles the
# app's res/ (strings.xml and the backup rules) without an Android SDK;
# python3's plistlib reads Info.plist and the privacy manifest; unshare gives
# each Swift run a mount namespace of its own for /proc and /dev.
phone_need=()
[ -f /usr/share/java/junit4.jar ] || phone_need+=(junit4)
command -v aapt >/dev/null || phone_need+=(aapt)
[ -f /usr/share/android-framework-res/framework-res.apk ] || phone_need+=(android-framework-res)
command -v python3 >/dev/null || phone_need+=(python3)
command -v unshare >/dev/null || phone_need+=(util-linux)
if ((${#phone_need[@]})); then
    echo "==> installing ${phone_need[*]} (phone app tests)"
    apt_install "${phone_need[@]}"
fi
# --- end phone apps ----------------------------------------------------------

# --- relay (relay/tests, tests/tests/relay_transfer.rs) -------------------
# nginx runs the shipped relay/deploy/nginx.conf in front of two relay nodes
# (nginx-light: Debian 12's 1.22 with ssl, map and realip); ss (iproute2)
# reads a listening socket's backlog; systemd-analyze verifies the shipped
# unit. Redis Sentinel and TLS need nothing more: Debian's redis-server runs
# as a sentinel (`redis-server FILE --sentinel`) and is built with TLS.
# nginx's package would start a system nginx on port 80 as it installs: a
# temporary policy-rc.d stops that (tests start their own, on loopback).
relay_need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || relay_need+=(nginx-light)
command -v ss >/dev/null || relay_need+=(iproute2)
command -v systemd-analyze >/dev/null || relay_need+=(systemd)
if ((${#relay_need[@]})); then
    echo "==> installing ${relay_need[*]} (relay tests)"
    made_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    apt_install -o DPkg::Lock::Timeout=300 "${relay_need[@]}"
    if [ -n "$made_policy" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
fi
# --- end relay ---------------------------------------------------------------

# The proof suites (issue 14). cargo-fuzz for scripts/fuzz.sh, installed
# under the cache (scripts/test.sh puts $cache/cargo-tools/bin on PATH); a
# Python venv with OpenCV (a QR decoder for scripts/qr-robustness.py) and
# magic-wormhole with its mailbox server and transit relay (for
# scripts/side-by-side.py), pinned in scripts/bench-requirements.txt and
# reinstalled only when that file changes.
export PATH="$cache/cargo-tools/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz into $cache/cargo-tools"
    cargo install --quiet --locked --root "$cache/cargo-tools" cargo-fuzz
fi
py_bench="$cache/py-bench"
py_requirements="$(dirname "$0")/bench-requirements.txt"
py_stamp="$(sha256sum "$py_requirements" | cut -d' ' -f1)"
if [ "$(cat "$py_bench/.certbridge-requirements" 2>/dev/null)" != "$py_stamp" ]; then
    echo "==> installing the proof suites' Python packages into $py_bench"
    command -v python3 >/dev/null || apt_install python3
    rm -rf "$py_bench"
    python3 -m venv "$py_bench" 2>/dev/null || { apt_install python3-venv; rm -rf "$py_bench"; python3 -m venv "$py_bench"; }
    "$py_bench/bin/pip" install --quiet --disable-pip-version-check -r "$py_requirements"
    echo "$py_stamp" >"$py_bench/.certbridge-requirements"
fi

# The desktop window's tests (desktop-sender's gui tests, tests/tests/gui_window.rs,
# tests/tests/gui_package.rs): Xvfb and ImageMagick's import for the real
# window and its screenshot, Mesa's software OpenGL and the X11 libraries
# winit loads at run time, tesseract with its Korean model to read the
# screenshot's Hangul back, desktop-file-utils to validate the launcher
# entry, and cargo-deb to build the .deb that is installed with dpkg -i.
# kittest's snapshots render with wgpu and need nothing more.
gui_need=()
command -v Xvfb >/dev/null || gui_need+=(xvfb)
command -v import >/dev/null || gui_need+=(imagemagick)
command -v tesseract >/dev/null || gui_need+=(tesseract-ocr)
[ -d /usr/share/tesseract-ocr ] && find /usr/share/tesseract-ocr -name kor.traineddata | grep -q . || gui_need+=(tesseract-ocr-kor)
command -v desktop-file-validate >/dev/null || gui_need+=(desktop-file-utils)
for lib in libgl1-mesa-dri libegl1 libgl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6; do
    dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || gui_need+=("$lib")
done
if ((${#gui_need[@]})); then
    echo "==> installing ${gui_need[*]}"
    apt_install -o DPkg::Lock::Timeout=300 "${gui_need[@]}"
fi
if ! cargo deb --version >/dev/null 2>&1; then
    echo "==> installing cargo-deb into $cache/cargo-tools"
    cargo install --quiet --locked --root "$cache/cargo-tools" cargo-deb
fi
