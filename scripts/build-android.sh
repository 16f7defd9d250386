#!/usr/bin/env bash
# Builds the Android library (AAR) and app: libcertbridge_ffi.so for
# arm64-v8a, armeabi-v7a and x86_64 with cargo-ndk, Kotlin bindings from the
# workspace's uniffi-bindgen, then Gradle.
#
# Needs: the Android SDK and NDK (ANDROID_HOME, ANDROID_NDK_HOME), a JDK 17,
# Gradle 8.9+, and `cargo install cargo-ndk`. Not runnable on the CI machine
# (no Android SDK there); the Kotlin code is compiled and tested on the JVM
# by tests/tests/bindings.rs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
command -v cargo-ndk >/dev/null || { echo "install cargo-ndk: cargo install cargo-ndk" >&2; exit 1; }
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
cd android
gradle :certbridge:assembleRelease :app:assembleDebug
echo "AAR: android/certbridge/build/outputs/aar/certbridge-release.aar"
echo "APK: android/app/build/outputs/apk/debug/app-debug.apk"
