import CertBridge
import CryptoKit
import Foundation
import Security

/// Seals certificate files with an AES-GCM key kept in the Keychain, this
/// device only (`…ThisDeviceOnly`: never in a backup, never migrated to a new
/// iPhone), available after first unlock. A store restored without it
/// cannot be opened and is listed as stale.
struct KeychainSealer: FileSealer {
    private static let account = "certbridge-files"

    struct KeychainFailure: Error {
        let status: OSStatus
    }

    private func key() throws -> SymmetricKey {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: Self.account,
            kSecReturnData as String: true,
        ]
        var found: CFTypeRef?
        if SecItemCopyMatching(query as CFDictionary, &found) == errSecSuccess, let data = found as? Data {
            return SymmetricKey(data: data)
        }
        let fresh = SymmetricKey(size: .bits256)
        query.removeValue(forKey: kSecReturnData as String)
        query[kSecValueData as String] = fresh.withUnsafeBytes { Data($0) }
        query[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(query as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainFailure(status: status) }
        return fresh
    }

    func seal(_ plain: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plain, using: key()).combined else { throw KeychainFailure(status: errSecParam) }
        return combined
    }

    func open(_ sealed: Data) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key())
    }
}
