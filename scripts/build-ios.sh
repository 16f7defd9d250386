#!/usr/bin/env bash
# Builds the iOS XCFramework and the Swift package's generated sources:
# static libraries for devices (aarch64-apple-ios) and the simulator
# (aarch64-apple-ios-sim, x86_64-apple-ios, merged with lipo), Swift bindings
# and the C header from the workspace's uniffi-bindgen.
#
# Needs: macOS with Xcode 16+ (Swift 6) and rustup; xcodegen for the app's
# project (ios/App/project.yml). Not runnable on the CI machine (no
# Xcode there); the Swift code is compiled and tested on Linux by
# tests/tests/bindings.rs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    cargo build --profile mobile -p certbridge-ffi --target "$t"
done
out=ios/CertBridge/build
gen="$out/generated"
rm -rf "$out"
mkdir -p "$gen/headers" "$out/sim"
cargo run --profile mobile -p certbridge-uniffi-bindgen -- generate \
    target/aarch64-apple-ios/mobile/libcertbridge_ffi.a --library --language swift --no-format --out-dir "$gen"
mv "$gen"/*.h "$gen/headers/"
mv "$gen/certbridge_ffiFFI.modulemap" "$gen/headers/module.modulemap"
cp "$gen/certbridge_ffi.swift" ios/CertBridge/Sources/CertBridge/Generated.swift
lipo -create target/aarch64-apple-ios-sim/mobile/libcertbridge_ffi.a target/x86_64-apple-ios/mobile/libcertbridge_ffi.a \
    -output "$out/sim/libcertbridge_ffi.a"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/mobile/libcertbridge_ffi.a -headers "$gen/headers" \
    -library "$out/sim/libcertbridge_ffi.a" -headers "$gen/headers" \
    -output "$out/CertBridgeFFI.xcframework"
echo "XCFramework: $out/CertBridgeFFI.xcframework; then: cd ios/App && xcodegen generate && open CertBridge.xcodeproj"
