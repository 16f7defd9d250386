import CertBridge
import SwiftUI
import UIKit

/// Home → scan → (choose, consent) → number → progress → result; the flow
/// is `AppModel`'s (in the package, tested on Linux), this file only wires
/// it to SwiftUI and to what only iOS has: the Keychain, the speech
/// synthesizer, the idle timer and background time.
@main
struct CertBridgeApp: App {
    @StateObject private var app = AppState()

    var body: some Scene {
        WindowGroup {
            RootView().environmentObject(app)
        }
    }
}

/// Publishes the model's phase to SwiftUI and owns what lives as long as
/// the app: the model, the speaker, the background task.
@MainActor
final class AppState: ObservableObject {
    @Published private(set) var phase: Phase = .home
    @Published private(set) var certificates: [StoredCertificate] = []
    @Published private(set) var stale: [StaleCertificate] = []
    let model: AppModel
    let language: Language
    let speaker = Speaker()
    private let names: DeviceName
    private var background: UIBackgroundTaskIdentifier = .invalid

    init() {
        language = languageForTag(tag: Locale.preferredLanguages.first ?? "en")
        let root = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("certificates", isDirectory: true)
        // Application Support is the app's own; failing to create it means
        // the device is out of space. A temporary store keeps the app usable
        // (nothing saved there survives a restart).
        let fallback = FileManager.default.temporaryDirectory.appendingPathComponent("certificates", isDirectory: true)
        let opened = (try? FolderCertificateStore(root: root, sealer: KeychainSealer()))
            ?? (try? FolderCertificateStore(root: fallback, sealer: KeychainSealer()))
        guard let store = opened else { preconditionFailure("the app's own storage cannot be created") }
        let names = DeviceName()
        self.names = names
        let fallbackName = render(message: Message(id: "phone-default-device-name", args: []), language: language)
        // Typed codes: Bonjour finds the PC on the LAN; set CertBridgeCodeRelay
        // in Info.plist to a relay of your own (wss://…) to find PCs on other
        // networks too (CertBridge runs no public relay).
        let relay = Bundle.main.object(forInfoDictionaryKey: "CertBridgeCodeRelay") as? String
        model = AppModel(store: store, deviceName: { names.current(fallback: fallbackName) },
                         codeRelay: relay?.isEmpty == false ? relay : nil, codeFinder: BonjourCodeFinder())
        model.onChange = { [weak self] phase in self?.changed(phase) }
        refresh()
    }

    func refresh() {
        certificates = (try? listCertificates(store: model.store)) ?? []
        stale = model.store.stale()
    }

    func act(_ action: Action) {
        switch action {
        case .scan, .scanAgain: model.close(); model.scan()
        case .close: model.close()
        case .cancel: model.cancel()
        case .send: model.consent(true)
        case .dontSend: model.consent(false)
        case .receiveInstead: model.receiveInstead()
        case .chooseSend: if case let .choosing(_, all) = phase { model.send(all) }
        case .enterCode: model.enterCode()
        case .connectCode: model.submitCode()
        case .useCamera: model.useCamera()
        case .readAloud:
            if case let .transfer(.showNumber(number, _, _)) = phase {
                speaker.speak(ScreenModel.spokenNumber(number, language), language: language)
            }
        }
    }

    /// Checks a certificate's password off the main thread (2048 rounds of SHA-1).
    func verify(_ certificate: StoredCertificate, password: String) async -> Bool? {
        let files = certificate.files
        return await Task.detached { try? checkPassword(files: files, password: password) }.value
    }

    private func changed(_ phase: Phase) {
        self.phase = phase
        let running: Bool
        if case let .transfer(state) = phase { running = !state.isFinal } else { running = false }
        // The user types the number on the PC meanwhile: keep the display on
        // and ask iOS for time to finish should the app go to the background.
        UIApplication.shared.isIdleTimerDisabled = running
        if running, background == .invalid {
            background = UIApplication.shared.beginBackgroundTask(withName: "certbridge-transfer") { [weak self] in
                self?.model.cancel()
                self?.endBackground()
            }
        } else if !running {
            endBackground()
        }
        if phase == .home { refresh() }
    }

    private func endBackground() {
        if background != .invalid {
            UIApplication.shared.endBackgroundTask(background)
            background = .invalid
        }
    }
}
