import Foundation

/// async/await over a `ScanSession`: `events` is an `AsyncStream` that ends
/// after `.finished` or `.failed`. Cancelling the task that runs `run()`
/// (or iterates `events` inside it) cancels the Rust session, which tells
/// the PC.
public final class CertBridgeSession: Sendable {
    public let events: AsyncStream<SessionEvent>
    private let session: ScanSession

    private final class Relay: SessionListener, Sendable {
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
        let (events, continuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .unbounded)
        self.events = events
        session = try ScanSession(inviteText: invite, deviceName: deviceName, store: store, listener: Relay(continuation))
    }

    /// Prepares a transfer for a typed code (`728-166-322`); throws
    /// `CodeError` for one of the wrong length. The PC is looked for on the
    /// LAN by `finder` (on iOS, Bonjour: `BonjourCodeFinder` in the app) and
    /// at `relayUrl`'s channel. `store` must be able to send and receive:
    /// the PC says which once connected.
    public init(code: String, deviceName: String, store: CertificateStore, relayUrl: String? = nil, finder: CodeFinder? = nil) throws {
        let (events, continuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .unbounded)
        self.events = events
        session = try ScanSession.forCode(code: code, deviceName: deviceName, relayUrl: relayUrl, finder: finder,
                                          store: store, listener: Relay(continuation))
    }

    /// What the scanned code says; `nil` for a typed code.
    public var invite: Invite? { session.invite() }
    /// Phone → PC: delete this phone's copy of each certificate the PC confirmed. Before `start()`.
    public func setMoveSent(_ move: Bool) { session.setMoveSent(moveSent: move) }
    public func start() throws { try session.start() }
    public func setConsent(_ consent: Bool) { session.setConsent(consent: consent) }
    public func cancel() { session.cancel() }

    /// Runs the transfer to its end and returns the final state; `onState`
    /// sees every state on the way. Cancelling the calling task cancels the
    /// transfer: the core tells the PC, and the final state is
    /// `.failed(cancelled)`.
    public func run(onState: (TransferState) -> Void = { _ in }) async throws -> TransferState {
        try start()
        return await withTaskCancellationHandler {
            var state = TransferState.connecting
            for await event in events {
                state = state.reduce(event)
                onState(state)
            }
            return state
        } onCancel: {
            session.cancel()
        }
    }
}
