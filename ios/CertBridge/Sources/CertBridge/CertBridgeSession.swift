import Foundation

/// async/await over a `ScanSession`: `events` is an `AsyncStream` that ends
/// after `.finished` or `.failed`.
public final class CertBridgeSession: @unchecked Sendable {
    public let events: AsyncStream<SessionEvent>
    private let session: ScanSession

    private final class Relay: SessionListener, @unchecked Sendable {
        let continuation: AsyncStream<SessionEvent>.Continuation
        init(_ continuation: AsyncStream<SessionEvent>.Continuation) { self.continuation = continuation }
        func onEvent(event: SessionEvent) {
            continuation.yield(event)
            switch event {
            case .finished, .failed: continuation.finish()
            default: break
            }
        }
    }

    /// Prepares a transfer for a scanned code; throws `InviteError` for a
    /// damaged or expired one.
    public init(invite: String, deviceName: String, store: CertificateStore) throws {
        var continuation: AsyncStream<SessionEvent>.Continuation!
        events = AsyncStream(bufferingPolicy: .unbounded) { continuation = $0 }
        session = try ScanSession(inviteText: invite, deviceName: deviceName, store: store, listener: Relay(continuation))
    }

    public var invite: Invite { session.invite() }
    public func start() throws { try session.start() }
    public func setConsent(_ consent: Bool) { session.setConsent(consent: consent) }
    public func cancel() { session.cancel() }

    /// Runs the transfer to its end and returns the final state.
    public func run(onState: (TransferState) -> Void = { _ in }) async throws -> TransferState {
        try start()
        var state = TransferState.connecting
        for await event in events {
            state = state.reduce(event)
            onState(state)
        }
        return state
    }
}
