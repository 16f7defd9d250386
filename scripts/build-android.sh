#!/usr/bin/env bash
# Builds the Android library (AAR) and app (APK): libcertbridge_ffi.so for
# arm64-v8a, armeabi-v7a and x86_64 with cargo-ndk (16 KB pages), Kotlin
# bindings from the workspace's uniffi-bindgen, then Gradle through its
# wrapper. `--with-tests` also runs the :certbridge JVM unit tests and builds
# the app's instrumented smoke test.
#
# Needs: the Android SDK (platform 36) and NDK (ANDROID_HOME,
# ANDROID_NDK_HOME), a JDK 17, and `cargo install cargo-ndk`. Not runnable
# on the CI machine (no Android SDK there): tests/tests/phone_apps.rs
# compiles and runs the Kotlin there instead; .github/workflows/android.yml
# runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
command -v cargo-ndk >/dev/null || { echo "install cargo-ndk: cargo install cargo-ndk" >&2; exit 1; }
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
tasks=(:certbridge:assembleRelease :app:assembleDebug)
if [ "${1:-}" = "--with-tests" ]; then
    tasks+=(:certbridge:testDebugUnitTest :app:assembleDebugAndroidTest)
fi
cd android
./gradlew --no-daemon "${tasks[@]}"
echo "AAR: android/certbridge/build/outputs/aar/certbridge-release.aar"
echo "APK: android/app/build/outputs/apk/debug/app-debug.apk"
