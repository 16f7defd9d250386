import AVFoundation
import CertBridge
import SwiftUI
import VisionKit

/// What the app shows: a function of the model's phase, laid out from the
/// screen models. Every screen scrolls, so nothing is cut off at the
/// largest text sizes.
struct RootView: View {
    @EnvironmentObject var app: AppState

    var body: some View {
        switch app.phase {
        case .home:
            HomeView()
        case let .scanning(sending, move):
            VStack {
                ScreenView(screen: ScreenModel.of(.scanning(sending: sending, move: move), app.language))
                ScannerView { app.model.scanned($0) }
                    .accessibilityLabel(Text(app.text("phone-camera-label")))
            }
        case let .choosing(text, candidates):
            ChooseView(inviteText: text, candidates: candidates)
        case let .enteringCode(_, entry, _):
            CodeEntryView(entry: entry)
        default:
            ScreenView(screen: ScreenModel.of(app.phase, app.language))
        }
    }
}

extension AppState {
    func text(_ id: String) -> String { render(message: Message(id: id, args: []), language: language) }
}

struct ScreenView: View {
    @EnvironmentObject var app: AppState
    let screen: Screen

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Text(screen.title).font(.title2).accessibilityAddTraits(.isHeader)
                if screen.busy { ProgressView() }
                if let number = screen.number {
                    Text(number).font(.system(.largeTitle, design: .monospaced))
                        .accessibilityLabel(Text(screen.announcement))
                }
                ForEach(screen.body, id: \.self) { Text($0) }
                ScreenButtons(buttons: screen.buttons)
            }
            .padding()
        }
        .onAppear { UIAccessibility.post(notification: .screenChanged, argument: screen.announcement) }
        .onChange(of: screen.announcement) { announcement in
            UIAccessibility.post(notification: .screenChanged, argument: announcement)
        }
    }
}

struct HomeView: View {
    @EnvironmentObject var app: AppState
    @State private var details: StoredCertificate?

    var body: some View {
        let screen = ScreenModel.of(.home, app.language)
        NavigationStack {
            List {
                let rows = ScreenModel.rows(app.certificates, stale: app.stale, app.language)
                if rows.isEmpty { Text(app.text("phone-home-empty")) }
                ForEach(rows, id: \.id) { row in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(row.title).font(.headline)
                        ForEach(row.lines, id: \.self) { Text($0).font(.subheadline) }
                        if row.stale {
                            Button(app.text("phone-delete-button"), role: .destructive) {
                                try? app.model.store.delete(id: row.id)
                                app.refresh()
                            }
                        } else if let certificate = app.certificates.first(where: { FolderCertificateStore.id(of: $0.info) == row.id }) {
                            HStack {
                                Button(app.text("phone-send-button")) { app.model.scan(sending: [certificate]) }
                                Button(app.text("phone-details-title")) { details = certificate }
                            }.buttonStyle(.bordered)
                        }
                    }
                    .accessibilityElement(children: .contain)
                    .accessibilityLabel(Text(row.announcement))
                }
                Section(app.text("phone-purpose-title")) {
                    ForEach(screen.body, id: \.self) { Text($0) }
                }
            }
            .navigationTitle(screen.title)
            .toolbar {
                ForEach(screen.buttons, id: \.label) { button in
                    Button(button.label) { app.act(button.action) }
                }
            }
            .sheet(item: Binding(get: { details.map(Details.init) }, set: { details = $0?.certificate })) { item in
                DetailsView(certificate: item.certificate) { details = nil }
            }
        }
    }
}

private struct Details: Identifiable {
    let certificate: StoredCertificate
    var id: String { FolderCertificateStore.id(of: certificate.info) }
}

struct DetailsView: View {
    @EnvironmentObject var app: AppState
    let certificate: StoredCertificate
    let done: () -> Void
    @State private var password = ""
    @State private var verdict: String?
    @State private var confirmDelete = false

    var body: some View {
        let info = certificate.info
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(info.holder).font(.title2).accessibilityAddTraits(.isHeader)
                Text("\(app.text("field-usage")): \(ScreenModel.usage(info, app.language))")
                Text("\(app.text("field-issuer")): \(info.issuerCn) (\(info.ca))")
                Text("\(app.text("field-valid")): \(info.notBefore.prefix(10)) ~ \(info.notAfter.prefix(10))")
                Text(render(message: certificateStatusLine(info: info), language: app.language))
                SecureField(app.text("password-prompt"), text: $password)
                Button(app.text("phone-password-button")) {
                    let typed = password
                    Task { @MainActor in
                        let right = await app.verify(certificate, password: typed)
                        verdict = right.map { $0 ? app.text("password-right") : app.text("phone-password-wrong") } ?? app.text("reject-invalid")
                    }
                }
                if let verdict { Text(verdict).accessibilityAddTraits(.updatesFrequently) }
                if confirmDelete {
                    Text(render(message: Message(id: "phone-delete-question", args: [MessageArg(name: "name", value: .text(text: info.holder))]), language: app.language))
                    Button(app.text("phone-delete-confirm"), role: .destructive) {
                        try? app.model.store.delete(id: FolderCertificateStore.id(of: info))
                        app.refresh()
                        done()
                    }
                } else {
                    Button(app.text("phone-delete-button"), role: .destructive) { confirmDelete = true }
                }
                Button(app.text("phone-close")) { done() }
            }
            .padding()
        }
    }
}

struct ChooseView: View {
    @EnvironmentObject var app: AppState
    let inviteText: String
    let candidates: [StoredCertificate]
    @State private var chosen: Set<String> = []

    var body: some View {
        let screen = ScreenModel.of(.choosing(inviteText: inviteText, candidates: candidates), app.language)
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(screen.title).font(.title2).accessibilityAddTraits(.isHeader)
                ForEach(candidates, id: \.info.serialHex) { c in
                    let id = FolderCertificateStore.id(of: c.info)
                    Toggle("\(c.info.holder) · \(ScreenModel.usage(c.info, app.language)) · \(c.info.ca)", isOn: Binding(
                        get: { chosen.contains(id) }, set: { on in if on { chosen.insert(id) } else { chosen.remove(id) } }))
                }
                if candidates.isEmpty { ForEach(screen.body, id: \.self) { Text($0) } }
                ForEach(screen.buttons, id: \.label) { button in
                    Button(button.label) {
                        if button.action == .chooseSend {
                            app.model.send(candidates.filter { chosen.contains(FolderCertificateStore.id(of: $0.info)) })
                        } else {
                            app.act(button.action)
                        }
                    }
                    .disabled(button.action == .chooseSend && chosen.isEmpty)
                }
            }
            .padding()
        }
        .onAppear { chosen = Set(candidates.map { FolderCertificateStore.id(of: $0.info) }) }
    }
}

/// VisionKit's scanner where available, else AVFoundation; reports the
/// first CertBridge code once and stops the camera.
struct ScannerView: UIViewControllerRepresentable {
    let onCode: @MainActor (String) -> Void

    func makeUIViewController(context: Context) -> UIViewController {
        guard DataScannerViewController.isSupported, DataScannerViewController.isAvailable else {
            return AVScannerController(onCode: onCode)
        }
        let scanner = DataScannerViewController(recognizedDataTypes: [.barcode(symbologies: [.qr])], isHighlightingEnabled: true)
        scanner.delegate = context.coordinator
        try? scanner.startScanning()
        return scanner
    }

    func updateUIViewController(_ controller: UIViewController, context: Context) {}

    static func dismantleUIViewController(_ controller: UIViewController, coordinator: Coordinator) {
        (controller as? DataScannerViewController)?.stopScanning()
    }

    func makeCoordinator() -> Coordinator { Coordinator(onCode: onCode) }

    @MainActor
    final class Coordinator: NSObject, DataScannerViewControllerDelegate {
        let onCode: @MainActor (String) -> Void
        private var delivered = false
        init(onCode: @escaping @MainActor (String) -> Void) { self.onCode = onCode }

        func dataScanner(_ scanner: DataScannerViewController, didAdd items: [RecognizedItem], allItems: [RecognizedItem]) {
            for case let .barcode(code) in items {
                if let text = code.payloadStringValue, text.hasPrefix("CERTBRIDGE:/"), !delivered {
                    delivered = true
                    scanner.stopScanning()
                    onCode(text)
                }
            }
        }
    }
}

/// AVFoundation fallback for devices without VisionKit's scanner.
final class AVScannerController: UIViewController, @preconcurrency AVCaptureMetadataOutputObjectsDelegate {
    private let session = AVCaptureSession()
    private let onCode: @MainActor (String) -> Void
    private var delivered = false

    init(onCode: @escaping @MainActor (String) -> Void) {
        self.onCode = onCode
        super.init(nibName: nil, bundle: nil)
    }

    required init?(coder: NSCoder) { nil }

    override func viewDidLoad() {
        super.viewDidLoad()
        guard let camera = AVCaptureDevice.default(for: .video), let input = try? AVCaptureDeviceInput(device: camera) else { return }
        session.addInput(input)
        let output = AVCaptureMetadataOutput()
        session.addOutput(output)
        output.setMetadataObjectsDelegate(self, queue: .main)
        output.metadataObjectTypes = [.qr]
        let preview = AVCaptureVideoPreviewLayer(session: session)
        preview.frame = view.bounds
        preview.videoGravity = .resizeAspectFill
        view.layer.addSublayer(preview)
        // startRunning blocks; AVCaptureSession is thread-safe but not marked Sendable.
        nonisolated(unsafe) let session = self.session
        DispatchQueue.global().async { session.startRunning() }
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        session.stopRunning()
    }

    func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput objects: [AVMetadataObject], from connection: AVCaptureConnection) {
        guard !delivered, let code = (objects.first as? AVMetadataMachineReadableCodeObject)?.stringValue,
              code.hasPrefix("CERTBRIDGE:/") else { return }
        delivered = true
        session.stopRunning()
        onCode(code)
    }
}

/// "코드 직접 입력": the alternative to the camera. A number pad of its own
/// (no system keyboard, so no suggestions or clipboard history keep the
/// code); the digits grouped 3-3-3 as the PC shows them; the catalog's error
/// when the code cannot be one. Everything shown comes from
/// `ScreenModel.codeEntry`; the keys call the model.
struct CodeEntryView: View {
    @EnvironmentObject var app: AppState
    let entry: CodeEntry

    var body: some View {
        let screen = ScreenModel.codeEntry(entry, app.language)
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(screen.title).font(.title2).accessibilityAddTraits(.isHeader)
                Text(screen.number?.isEmpty == false ? screen.number! : " ")
                    .font(.system(.largeTitle, design: .monospaced))
                    .accessibilityLabel(Text(screen.announcement))
                    .accessibilityAddTraits(.updatesFrequently)
                ForEach(screen.body, id: \.self) { Text($0) }
                ForEach([["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]], id: \.self) { row in
                    HStack {
                        ForEach(row, id: \.self) { key in
                            Button(key) { app.model.typeDigit(Character(key)) }
                                .buttonStyle(.bordered).font(.title).frame(maxWidth: .infinity)
                        }
                    }
                }
                HStack {
                    Button { app.model.deleteDigit() } label: { Image(systemName: "delete.left") }
                        .accessibilityLabel(Text(app.text("phone-code-delete")))
                        .buttonStyle(.bordered).font(.title).frame(maxWidth: .infinity)
                    Button("0") { app.model.typeDigit("0") }
                        .buttonStyle(.bordered).font(.title).frame(maxWidth: .infinity)
                }
                ScreenButtons(buttons: screen.buttons)
            }
            .padding()
        }
    }
}

/// A screen model's buttons: the primary one prominent, each calling `app.act`.
struct ScreenButtons: View {
    @EnvironmentObject var app: AppState
    let buttons: [ScreenButton]

    var body: some View {
        ForEach(buttons, id: \.label) { button in
            if button.primary {
                Button(button.label) { app.act(button.action) }.buttonStyle(.borderedProminent)
            } else {
                Button(button.label) { app.act(button.action) }.buttonStyle(.bordered)
            }
        }
    }
}
