import Foundation

/// Where the app is: one value, so every screen is a function of it.
public enum Phase: Equatable, Sendable {
    case home
    /// The camera is open; `sending` is what the user chose to send, if anything.
    case scanning(sending: [StoredCertificate])
    /// The user chose to send, but the code is for receiving from the PC.
    case modeMismatch(inviteText: String)
    /// A phone → PC code was scanned: the user picks what to send.
    case choosing(inviteText: String, candidates: [StoredCertificate])
    case transfer(TransferState)
}

/// The app's transfer flow, out of the UI: scan first, then follow the
/// code's direction, the consent and the number, cancel at any step, the
/// result. Foundation only: the SwiftUI app observes it through `onChange`,
/// the Linux tests drive it through real transfers. The store (with its
/// sealer) and the device name are injected.
///
/// Every method is safe to call at any time: one that does not fit the
/// current phase (a late camera frame, a double tap) does nothing.
@MainActor
public final class AppModel {
    public private(set) var phase: Phase = .home {
        didSet { onChange?(phase) }
    }
    /// Called on the main actor after every change of `phase`.
    public var onChange: (@MainActor (Phase) -> Void)?
    public let store: FolderCertificateStore
    private let deviceName: () -> String
    private var session: CertBridgeSession?
    private var task: Task<Void, Never>?

    public init(store: FolderCertificateStore, deviceName: @escaping () -> String) {
        self.store = store
        self.deviceName = deviceName
    }

    /// Opens the camera; `sending` when the user started from certificates to send.
    public func scan(sending: [StoredCertificate] = []) {
        if case let .transfer(state) = phase, !state.isFinal { return }
        phase = .scanning(sending: sending)
    }

    /// A code the camera read.
    public func scanned(_ text: String) {
        guard case let .scanning(sending) = phase else { return }
        let invite: Invite
        do {
            invite = try parseInvite(text: text)
        } catch {
            fail(error)
            return
        }
        switch (invite.mode, sending.isEmpty) {
        case (.desktopSends, false): phase = .modeMismatch(inviteText: text)
        case (.desktopSends, true): start(text, outgoing: [])
        case (.desktopReceives, false): start(text, outgoing: sending.map(\.files))
        case (.desktopReceives, true): phase = .choosing(inviteText: text, candidates: (try? listCertificates(store: store)) ?? [])
        }
    }

    /// On `.modeMismatch`: follow the code and receive instead.
    public func receiveInstead() {
        guard case let .modeMismatch(text) = phase else { return }
        start(text, outgoing: [])
    }

    /// On `.choosing`: send these.
    public func send(_ chosen: [StoredCertificate]) {
        guard case let .choosing(text, _) = phase, !chosen.isEmpty else { return }
        start(text, outgoing: chosen.map(\.files))
    }

    /// The answer to `.askConsent`.
    public func consent(_ yes: Bool) {
        guard case .transfer(.askConsent) = phase else { return }
        session?.setConsent(yes)
    }

    /// Stops what is going on: a running transfer is cancelled in the core
    /// (which tells the PC and ends with `.failed(cancelled)`); before one
    /// starts, this goes back home.
    public func cancel() {
        if case let .transfer(state) = phase {
            if !state.isFinal { session?.cancel() }
        } else {
            phase = .home
        }
    }

    /// Leaves a finished transfer's screen.
    public func close() {
        if case let .transfer(state) = phase, !state.isFinal { return }
        session = nil
        phase = .home
    }

    /// Waits until the running transfer, if any, has ended.
    public func settled() async {
        await task?.value
    }

    private func start(_ text: String, outgoing: [CertificateFiles]) {
        store.outgoing = outgoing
        let session: CertBridgeSession
        do {
            session = try CertBridgeSession(invite: text, deviceName: deviceName(), store: store)
            try session.start()
        } catch {
            fail(error)
            return
        }
        self.session = session
        phase = .transfer(.connecting)
        task = Task { [weak self] in
            await withTaskCancellationHandler {
                var state = TransferState.connecting
                for await event in session.events {
                    state = state.reduce(event)
                    self?.phase = .transfer(state)
                }
            } onCancel: {
                session.cancel()
            }
        }
    }

    private func fail(_ error: Error) {
        let failure: TransferFailure
        switch error {
        case let InviteError.Invalid(_, f), let InviteError.Expired(_, f): failure = f
        default: failure = TransferFailure(kind: .other, explanation: failureExplanation(kind: .other))
        }
        phase = .transfer(.failed(failure: failure, detail: "\(error)"))
    }
}
