// swift-tools-version:5.9
// The CertBridge Swift package: the Rust core as an XCFramework (built by
// scripts/build-ios.sh), the generated UniFFI Swift, and a thin async/await
// wrapper. Generated files are not committed.
import PackageDescription

let package = Package(
    name: "CertBridge",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [.library(name: "CertBridge", targets: ["CertBridge"])],
    targets: [
        .binaryTarget(name: "certbridge_ffiFFI", path: "build/CertBridgeFFI.xcframework"),
        .target(name: "CertBridge", dependencies: ["certbridge_ffiFFI"], path: "Sources/CertBridge"),
    ]
)
