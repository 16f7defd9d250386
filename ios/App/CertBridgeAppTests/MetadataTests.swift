import CertBridge
@testable import CertBridgeApp
import XCTest

/// On the simulator: what only iOS can show about the app's metadata and
/// storage. The Linux tests lint the same files as text.
final class MetadataTests: XCTestCase {
    func testUsageDescriptionsAreLocalised() throws {
        let bundle = Bundle.main
        for key in ["NSCameraUsageDescription", "NSLocalNetworkUsageDescription"] {
            let text = try XCTUnwrap(bundle.object(forInfoDictionaryKey: key) as? String, key)
            XCTAssertFalse(text.isEmpty, key)
        }
        XCTAssertNotNil(bundle.url(forResource: "PrivacyInfo", withExtension: "xcprivacy"))
    }

    func testTheStoreIsKeptOutOfBackups() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let store = try FolderCertificateStore(root: root)
        XCTAssertTrue(store.isExcludedFromBackup)
        try FileManager.default.removeItem(at: root)
    }

    func testTheCatalogRendersInBothLanguages() {
        for language in [Language.korean, .english] {
            let screen = ScreenModel.of(.home, language)
            XCTAssertFalse(screen.title.hasPrefix("phone-"))
        }
    }
}
