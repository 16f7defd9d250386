import Foundation

/// Where one transfer is, folded from the session's events. Pure Swift, so
/// the same reducer drives the SwiftUI screens and the Linux tests.
///
/// In phone → PC transfers the core asks for consent (`askConsent`) before
/// it shows the number.
public enum TransferState: Equatable, Sendable {
    case connecting
    case connected(peer: String, path: TransferPath)
    case askConsent(peer: String, path: TransferPath, certificates: [String])
    case showNumber(number: String, peer: String, path: TransferPath)
    case moving(sending: Bool, certificates: Int, peer: String, path: TransferPath)
    case finished(sent: Bool, peer: String, path: TransferPath, items: [ItemResult])
    /// `detail` is the core's own sentence, for logs; users read `failure`.
    case failed(failure: TransferFailure, detail: String)

    public var isFinal: Bool {
        switch self {
        case .finished, .failed: return true
        default: return false
        }
    }

    /// The next state after `event`.
    public func reduce(_ event: SessionEvent) -> TransferState {
        var peer = ""
        var path = TransferPath.lan
        switch self {
        case let .connected(p, via), let .askConsent(p, via, _), let .showNumber(_, p, via), let .moving(_, _, p, via):
            peer = p
            path = via
        default: break
        }
        switch event {
        case .connecting: return .connecting
        case let .connected(via, name): return .connected(peer: name, path: via)
        case let .consentRequired(desktop, via, certificates):
            return .askConsent(peer: desktop, path: via, certificates: certificates)
        case let .verificationNumber(number): return .showNumber(number: number, peer: peer, path: path)
        // The number stays on screen until the PC confirms it.
        case .waitingForDesktop: return self
        case let .progress(sending, certificates, _):
            return .moving(sending: sending, certificates: Int(certificates), peer: peer, path: path)
        case let .finished(sent, name, via, items): return .finished(sent: sent, peer: name, path: via, items: items)
        case let .failed(failure, detail): return .failed(failure: failure, detail: detail)
        }
    }
}
