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
