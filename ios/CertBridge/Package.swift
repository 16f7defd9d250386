// swift-tools-version:6.0
// The CertBridge Swift package: the Rust core as an XCFramework (built by
// scripts/build-ios.sh), the generated UniFFI Swift, a thin async/await
// wrapper, the store, and the app's model and screen models (Foundation
// only, so the tests run them on Linux too). Generated files are not
// committed. Swift 6 language mode: data races are compile errors.
import PackageDescription

let package = Package(
    name: "CertBridge",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [.library(name: "CertBridge", targets: ["CertBridge"])],
    targets: [
        .binaryTarget(name: "certbridge_ffiFFI", path: "build/CertBridgeFFI.xcframework"),
        .target(name: "CertBridge", dependencies: ["certbridge_ffiFFI"], path: "Sources/CertBridge"),
        .testTarget(name: "CertBridgeTests", dependencies: ["CertBridge"], path: "Tests/CertBridgeTests"),
    ],
    swiftLanguageModes: [.v6]
)
