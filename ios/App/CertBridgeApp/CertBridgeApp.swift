import CertBridge
import SwiftUI

/// Home → scan → number → (consent) → progress → done, for both directions.
@main
struct CertBridgeApp: App {
    @StateObject private var model = AppModel()

    var body: some Scene {
        WindowGroup {
            NavigationStack {
                HomeView()
            }
            .environmentObject(model)
        }
    }
}

@MainActor
final class AppModel: ObservableObject {
    @Published var certificates: [StoredCertificate] = []
    @Published var state: TransferState?
    let store: FolderCertificateStore
    private var session: CertBridgeSession?
    var deviceName = UIDevice.current.name

    init() {
        let root = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("certificates")
        store = try! FolderCertificateStore(root: root, sealer: KeychainSealer())
        refresh()
    }

    func refresh() {
        certificates = (try? listCertificates(store: store)) ?? []
    }

    func start(code: String, sending: CertificateFiles?) {
        store.outgoing = sending.map { [$0] } ?? []
        do {
            let session = try CertBridgeSession(invite: code, deviceName: deviceName, store: store)
            self.session = session
            state = .connecting
            Task {
                let final = try? await session.run { [weak self] next in
                    Task { @MainActor in self?.state = next }
                }
                if let final { state = final }
                refresh()
            }
        } catch let InviteError.Expired(reason) {
            state = .failed(kind: .expired, message: reason)
        } catch {
            state = .failed(kind: .invalidInvite, message: "\(error)")
        }
    }

    func consent(_ yes: Bool) { session?.setConsent(yes) }
    func cancel() { session?.cancel() }
    func reset() { state = nil; session = nil }
}
