import Foundation

/// What a transfer screen shows, folded from the session's events. Pure
/// Swift, so the same reducer drives the SwiftUI screens and the Linux tests.
public enum TransferState: Equatable, Sendable {
    case connecting
    case connected(desktopName: String, path: TransferPath)
    case showNumber(number: String, desktopName: String, path: TransferPath)
    case askConsent(number: String?, desktopName: String, path: TransferPath, certificates: [String])
    case moving(sending: Bool, certificates: Int, bytes: Int64)
    case finished(sent: Bool, desktopName: String, path: TransferPath, items: [ItemResult])
    case failed(kind: FailureKind, message: String)

    public var isFinal: Bool {
        switch self {
        case .finished, .failed: return true
        default: return false
        }
    }

    /// The number grouped for reading ("123 456") and spoken digit by digit
    /// for VoiceOver ("1 2 3, 4 5 6").
    public static func grouped(_ number: String) -> String {
        stride(from: 0, to: number.count, by: 3).map { start -> String in
            let from = number.index(number.startIndex, offsetBy: start)
            let to = number.index(from, offsetBy: min(3, number.count - start))
            return String(number[from..<to])
        }.joined(separator: " ")
    }

    public static func spoken(_ number: String) -> String {
        grouped(number).split(separator: " ").map { $0.map(String.init).joined(separator: " ") }.joined(separator: ", ")
    }

    /// The next state after `event`.
    public func reduce(_ event: SessionEvent) -> TransferState {
        var name = ""
        var path = TransferPath.lan
        var number: String?
        switch self {
        case let .connected(n, p): name = n; path = p
        case let .showNumber(num, n, p): name = n; path = p; number = num
        case let .askConsent(num, n, p, _): name = n; path = p; number = num
        default: break
        }
        switch event {
        case .connecting: return .connecting
        case let .connected(p, peer): return .connected(desktopName: peer, path: p)
        case let .verificationNumber(num): return .showNumber(number: num, desktopName: name, path: path)
        case let .consentRequired(desktop, p, certificates):
            return .askConsent(number: number, desktopName: desktop, path: p, certificates: certificates)
        case .waitingForDesktop: return self
        case let .progress(sending, certificates, bytes):
            return .moving(sending: sending, certificates: Int(certificates), bytes: Int64(bytes))
        case let .finished(sent, peer, p, items): return .finished(sent: sent, desktopName: peer, path: p, items: items)
        case let .failed(kind, message): return .failed(kind: kind, message: message)
        }
    }
}
