import Foundation

/// Where the app is: one value, so every screen is a function of it.
public enum Phase: Equatable, Sendable {
    case home
    /// The camera is open; `sending` is what the user chose to send, if
    /// anything; `move` deletes it here once the PC confirmed it.
    case scanning(sending: [StoredCertificate], move: Bool = false)
    /// The number pad instead of the camera ("코드 직접 입력").
    case enteringCode(sending: [StoredCertificate], entry: CodeEntry, move: Bool = false)
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
/// A typed code (`enterCode()`, then `submitCode()`) runs the same session
/// after the core finds the PC (on the LAN by `codeFinder`, Bonjour in the
/// app; at `codeRelay`'s channel); its direction is the PC's to say, so the
/// store offers what the user chose to send, or else every stored
/// certificate, which the consent screen lists before anything goes.
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
    private let codeRelay: String?
    private let codeFinder: CodeFinder?
    /// What the last typed code was for, so that a new code can be typed after a wrong one.
    private var last: (sending: [StoredCertificate], move: Bool) = ([], false)

    public init(store: FolderCertificateStore, deviceName: @escaping () -> String, codeRelay: String? = nil, codeFinder: CodeFinder? = nil) {
        self.store = store
        self.deviceName = deviceName
        self.codeRelay = codeRelay
        self.codeFinder = codeFinder
    }

    /// Opens the camera; `sending` when the user started from certificates to send.
    public func scan(sending: [StoredCertificate] = [], move: Bool = false) {
        if case let .transfer(state) = phase, !state.isFinal { return }
        phase = .scanning(sending: sending, move: move)
    }

    /// The number pad instead of the camera: from the camera, from home, or
    /// after a finished transfer (a wrong code: the PC shows a new one).
    public func enterCode() {
        switch phase {
        case let .scanning(sending, move): phase = .enteringCode(sending: sending, entry: CodeEntry(), move: move)
        case .home: phase = .enteringCode(sending: [], entry: CodeEntry())
        case let .transfer(state) where state.isFinal:
            session = nil
            phase = .enteringCode(sending: last.sending, entry: CodeEntry(), move: last.move)
        default: break
        }
    }

    /// A key of the pad (a digit); `deleteDigit()` for the delete key.
    public func typeDigit(_ key: Character) { editCode { $0.type(key) } }
    public func deleteDigit() { editCode { $0.delete() } }

    /// Back to the camera from the pad.
    public func useCamera() {
        guard case let .enteringCode(sending, _, move) = phase else { return }
        phase = .scanning(sending: sending, move: move)
    }

    /// Connects with the code typed, or shows why it cannot be one.
    public func submitCode() {
        guard case let .enteringCode(sending, entry, move) = phase else { return }
        switch entry.read() {
        case let .invalid(shown): phase = .enteringCode(sending: sending, entry: shown, move: move)
        case let .code(code):
            last = (sending, move)
            let offered = sending.isEmpty ? ((try? listCertificates(store: store)) ?? []) : sending
            let (name, relay, finder) = (deviceName(), codeRelay, codeFinder)
            launch(offered.map(\.files), move: move) { store in
                try CertBridgeSession(code: code.grouped, deviceName: name, store: store, relayUrl: relay, finder: finder)
            }
        }
    }

    private func editCode(_ edit: (CodeEntry) -> CodeEntry) {
        guard case let .enteringCode(sending, entry, move) = phase else { return }
        phase = .enteringCode(sending: sending, entry: edit(entry), move: move)
    }

    /// A code the camera read.
    public func scanned(_ text: String) {
        guard case let .scanning(sending, move) = phase else { return }
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
        case (.desktopReceives, false): start(text, outgoing: sending.map(\.files), move: move)
        case (.desktopReceives, true): phase = .choosing(inviteText: text, candidates: (try? listCertificates(store: store)) ?? [])
        }
    }

    /// On `.modeMismatch`: follow the code and receive instead.
    public func receiveInstead() {
        guard case let .modeMismatch(text) = phase else { return }
        start(text, outgoing: [])
    }

    /// On `.choosing`: send these; `move` deletes them here once the PC confirmed them.
    public func send(_ chosen: [StoredCertificate], move: Bool = false) {
        guard case let .choosing(text, _) = phase, !chosen.isEmpty else { return }
        start(text, outgoing: chosen.map(\.files), move: move)
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

    private func start(_ text: String, outgoing: [CertificateFiles], move: Bool = false) {
        let name = deviceName()
        launch(outgoing, move: move) { store in try CertBridgeSession(invite: text, deviceName: name, store: store) }
    }

    private func launch(_ outgoing: [CertificateFiles], move: Bool, open: (FolderCertificateStore) throws -> CertBridgeSession) {
        store.outgoing = outgoing
        let session: CertBridgeSession
        do {
            session = try open(store)
            session.setMoveSent(move)
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
        case let InviteError.Invalid(_, f), let InviteError.Expired(_, f), let CodeError.Malformed(_, f): failure = f
        default: failure = TransferFailure(kind: .other, explanation: failureExplanation(kind: .other))
        }
        phase = .transfer(.failed(failure: failure, detail: "\(error)"))
    }
}
