import AVFoundation
import CertBridge
import SwiftUI
import VisionKit

struct HomeView: View {
    @EnvironmentObject var model: AppModel
    @State private var scanning = false
    @State private var sending: CertificateFiles?

    var body: some View {
        List {
            if model.certificates.isEmpty {
                Text("home.empty")
            }
            ForEach(model.certificates, id: \.info.serialHex) { entry in
                VStack(alignment: .leading, spacing: 4) {
                    Text(entry.info.subjectCn).font(.headline)
                    Text("\(entry.info.usageLabelKo) · \(entry.info.ca)").font(.subheadline)
                    Text(entry.info.status == .expired
                         ? String(localized: "cert.expired")
                         : String(localized: "cert.daysLeft \(entry.info.daysLeft)"))
                    Button("home.sendToPC") { sending = entry.files; scanning = true }
                        .accessibilityLabel(Text("home.sendToPC") + Text(": \(entry.info.subjectCn)"))
                }
                .accessibilityElement(children: .combine)
            }
        }
        .navigationTitle("home.title")
        .toolbar {
            Button("home.importFromPC") { sending = nil; scanning = true }
        }
        .sheet(isPresented: $scanning) {
            ScannerView { code in
                scanning = false
                model.start(code: code, sending: sending)
            }
        }
        .fullScreenCover(isPresented: Binding(get: { model.state != nil }, set: { if !$0 { model.reset() } })) {
            if let state = model.state { TransferView(state: state) }
        }
    }
}

struct TransferView: View {
    @EnvironmentObject var model: AppModel
    let state: TransferState

    var body: some View {
        VStack(spacing: 20) {
            switch state {
            case .connecting, .connected:
                ProgressView("transfer.connecting")
            case let .showNumber(number, _, path):
                NumberView(number: number, path: path)
            case let .askConsent(number, desktop, path, certificates):
                if let number { NumberView(number: number, path: path) }
                Text("consent.title \(desktop)").font(.title2)
                Text(path == .relay ? "path.relay" : "path.lan")
                ForEach(certificates, id: \.self) { Text("• \($0)") }
                HStack {
                    Button("consent.send") { model.consent(true) }.buttonStyle(.borderedProminent)
                    Button("consent.decline") { model.consent(false) }
                }
            case let .moving(_, count, _):
                ProgressView(String(localized: "transfer.moving \(count)"))
            case let .finished(sent, desktop, _, _):
                Text(sent ? String(localized: "done.sent \(desktop)") : String(localized: "done.received")).font(.title2)
                Button("common.close") { model.reset() }
            case let .failed(_, message):
                Text("transfer.failed").font(.title2)
                Text(message)
                Button("common.close") { model.reset() }
            }
            if !state.isFinal {
                Button("common.cancel", role: .cancel) { model.cancel() }
            }
        }
        .padding()
        .dynamicTypeSize(...DynamicTypeSize.accessibility3)
    }
}

struct NumberView: View {
    let number: String
    let path: TransferPath
    private let speech = AVSpeechSynthesizer()

    var body: some View {
        Text("number.title").font(.title2)
        Text(TransferState.grouped(number))
            .font(.system(.largeTitle, design: .monospaced))
            .accessibilityLabel(Text("number.spoken \(TransferState.spoken(number))"))
        Button("number.readAloud") { speech.speak(AVSpeechUtterance(string: TransferState.spoken(number))) }
        Text(path == .relay ? "path.relay" : "path.lan").font(.footnote)
    }
}

/// VisionKit's scanner where available, reporting the first CertBridge code.
struct ScannerView: UIViewControllerRepresentable {
    let onCode: (String) -> Void

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
    func makeCoordinator() -> Coordinator { Coordinator(onCode: onCode) }

    final class Coordinator: NSObject, DataScannerViewControllerDelegate {
        let onCode: (String) -> Void
        private var delivered = false
        init(onCode: @escaping (String) -> Void) { self.onCode = onCode }

        func dataScanner(_ scanner: DataScannerViewController, didAdd items: [RecognizedItem], allItems: [RecognizedItem]) {
            for case let .barcode(code) in items {
                if let text = code.payloadStringValue, text.hasPrefix("CERTBRIDGE:/"), !delivered {
                    delivered = true
                    onCode(text)
                }
            }
        }
    }
}

/// AVFoundation fallback for devices without VisionKit's scanner.
final class AVScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    private let session = AVCaptureSession()
    private let onCode: (String) -> Void
    private var delivered = false

    init(onCode: @escaping (String) -> Void) {
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
        view.accessibilityLabel = String(localized: "scan.cameraLabel")
        DispatchQueue.global().async { self.session.startRunning() }
    }

    func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput objects: [AVMetadataObject], from connection: AVCaptureConnection) {
        guard !delivered, let code = (objects.first as? AVMetadataMachineReadableCodeObject)?.stringValue,
              code.hasPrefix("CERTBRIDGE:/") else { return }
        delivered = true
        session.stopRunning()
        onCode(code)
    }
}
