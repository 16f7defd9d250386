import XCTest
@testable import CertBridge

/// On the simulator: the screen models render from the catalog linked into
/// the app, and the store keeps its folder out of backups. The full suite
/// (every failure kind and item status, the transfers) runs on Linux:
/// bindings/tests/swift/app/main.swift.
final class ScreenModelTests: XCTestCase {
    func testEveryFailureKindHasWordsInBothLanguages() {
        let kinds: [FailureKind] = [.expired, .invalidInvite, .store, .nothingToSend, .unreachable, .refused, .handshake,
                                    .codeMismatch, .peerAborted, .declined, .cancelled, .disconnected, .tampered, .protocol,
                                    .timeout, .receiptMismatch, .other]
        for language in [Language.korean, .english] {
            for kind in kinds {
                let failure = TransferFailure(kind: kind, explanation: failureExplanation(kind: kind))
                let screen = ScreenModel.transfer(.failed(failure: failure, detail: ""), language)
                XCTAssertFalse(screen.title.hasPrefix("phone-"), "\(kind)")
                XCTAssertFalse(screen.body[0].contains("err-"), "\(kind)")
            }
        }
    }

    func testTheStoreIsKeptOutOfBackups() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let store = try FolderCertificateStore(root: root)
        XCTAssertTrue(store.isExcludedFromBackup)
        try FileManager.default.removeItem(at: root)
    }
}
