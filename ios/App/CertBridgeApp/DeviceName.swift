import Foundation

/// The name the PC shows for this phone. Since iOS 16 `UIDevice.name` is
/// just "iPhone" without a special entitlement, so the user names the phone
/// in the app's settings; until then a catalog default ("내 휴대폰").
struct DeviceName: Sendable {
    private static let key = "device_name"

    func current(fallback: String) -> String {
        let chosen = UserDefaults.standard.string(forKey: Self.key)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return chosen.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    func set(_ name: String) {
        UserDefaults.standard.set(name, forKey: Self.key)
    }
}
