// The iOS package's AppModel, screen models and store, run on Linux: the
// screens in Korean and English for every failure kind and item status, and
// the model driving real transfers against `certbridge send|receive` on
// 127.0.0.1. Run by tests/tests/phone_apps.rs (Swift 6 mode, warnings are
// errors); `Desktop.swift` is the desktop program's driver.

import Foundation

/// A sealer for tests: a key of its own, and `open` refuses what another
/// key sealed (what a restore without the Keychain item gives).
struct KeyedSealer: FileSealer {
    let key: UInt8 = UInt8.random(in: 1...255)
    struct WrongKey: Error {}
    func seal(_ plain: Data) throws -> Data { Data([key]) + Data(plain.map { $0 ^ key }) }
    func open(_ sealed: Data) throws -> Data {
        guard sealed.first == key else { throw WrongKey() }
        return Data(sealed.dropFirst().map { $0 ^ key })
    }
}

func tempRoot(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
}

let languages: [Language] = [.korean, .english]

func hasHangul(_ s: String) -> Bool { s.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) } }

func checkWords(_ text: String, _ language: Language, _ whereIs: String) throws {
    try check(!text.isEmpty, "\(whereIs) is empty")
    for leak in ["phone-", "err-", "reject-", "{", "}", "Optional(", "nil"] {
        try check(!text.contains(leak), "\(whereIs) in \(language) shows \(leak): \(text)")
    }
    let rest = text.replacingOccurrences(of: "홍길동", with: "")
    try check(language == .korean ? hasHangul(text) : !hasHangul(rest), "\(whereIs) is not in \(language): \(text)")
}

func checkScreen(_ screen: Screen, _ language: Language, _ whereIs: String) throws {
    try checkWords(screen.title, language, "\(whereIs) title")
    for line in screen.body { try checkWords(line, language, "\(whereIs) body") }
    try check(!screen.buttons.isEmpty, "\(whereIs) has no button")
    for button in screen.buttons { try checkWords(button.label, language, "\(whereIs) button") }
    try check(screen.announcement.contains(screen.title), "\(whereIs) does not announce its title")
}

func item(_ status: ItemStatus, _ code: RejectReason?, replaced: Bool) -> ItemResult {
    ItemResult(label: "홍길동", location: nil, replaced: replaced ? "old" : nil, status: status, code: code, reason: "disk full")
}

let allKinds: [FailureKind] = [.expired, .invalidInvite, .store, .nothingToSend, .unreachable, .refused, .wrongCode, .handshake, .codeMismatch,
                               .peerAborted, .declined, .cancelled, .disconnected, .tampered, .protocol, .timeout, .receiptMismatch, .other]

func everyFailureKind() async throws {
    for language in languages {
        var bodies = Set<String>()
        for kind in allKinds {
            let failure = TransferFailure(kind: kind, explanation: failureExplanation(kind: kind))
            let screen = ScreenModel.transfer(.failed(failure: failure, detail: "the core's words"), language)
            try checkScreen(screen, language, "failure \(kind)")
            try check(!screen.body.joined().contains("the core's words"), "the core's sentence is shown")
            bodies.insert(screen.body[0])
        }
        try check(bodies.count == allKinds.count, "some kinds share their words: \(bodies.count)")
    }
}

func everyItemStatus() async throws {
    for language in languages {
        for sent in [true, false] {
            var lines = Set<String>()
            for status in [ItemStatus.installed, .duplicate, .rejected] {
                for code in [nil, RejectReason.conflict, .invalid, .unsupported] {
                    for replaced in [false, true] {
                        let screen = ScreenModel.transfer(.finished(sent: sent, peer: "Test PC", path: .lan, items: [item(status, code, replaced: replaced)]), language)
                        try checkScreen(screen, language, "item \(status) \(String(describing: code)) sent=\(sent)")
                        try check(screen.body[0].contains("홍길동"), "no holder name")
                        lines.insert(screen.body[0])
                    }
                }
            }
            try check(lines.count >= 6, "sent=\(sent): only \(lines.count) distinct lines")
        }
    }
    let dup = ScreenModel.transfer(.finished(sent: false, peer: "PC", path: .lan, items: [item(.duplicate, nil, replaced: false)]), .korean)
    try check(dup.title == "공동인증서 1개가 이미 이 휴대폰에 있습니다", dup.title)
}

func everyTransferState() async throws {
    let states: [TransferState] = [
        .connecting, .connected(peer: "Test PC", path: .relay), .askConsent(peer: "Test PC", path: .lan, certificates: ["홍길동"]),
        .showNumber(number: "123456", peer: "Test PC", path: .lan), .moving(sending: true, certificates: 1, peer: "Test PC", path: .lan),
    ]
    for language in languages {
        for state in states {
            let screen = ScreenModel.transfer(state, language)
            try checkScreen(screen, language, "\(state)")
            try check(screen.keepAwake, "\(state) lets the display lock")
        }
    }
    let number = ScreenModel.transfer(states[3], .korean)
    try check(number.number == "123 456", "grouped")
    try check(number.announcement.hasSuffix("인증번호 1 2 3, 4 5 6"), number.announcement)
    let consent = ScreenModel.transfer(states[2], .english)
    try check(consent.buttons.map(\.action) == [.send, .dontSend], "consent buttons")
}

func otherScreens() async throws {
    for language in languages {
        for phase in [Phase.home, .scanning(sending: [], move: false), .modeMismatch(inviteText: "x"), .choosing(inviteText: "x", candidates: [])] {
            try checkScreen(ScreenModel.of(phase, language), language, "\(phase)")
        }
    }
    try check(ScreenModel.of(.home, .korean).body[0].contains("USB"), "what the phone is for")
}

func storeFormat() async throws {
    let root = tempRoot("swift-store")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = try FolderCertificateStore(root: root, sealer: KeyedSealer())
    let saved = try store.save(certificate: try vectorFiles())
    try check(saved.status == .installed && saved.location == "yessign-459C75", "\(saved)")
    let dir = root.appendingPathComponent("yessign-459C75")
    let meta = String(decoding: try Data(contentsOf: dir.appendingPathComponent("certificate.meta")), as: UTF8.self)
    try check(meta.contains("format=1\n") && meta.contains("layout=npki\n") && meta.contains("file=signPri.key\n"), meta)
    let sealedKey = try Data(contentsOf: dir.appendingPathComponent("signPri.key.sealed"))
    try check(sealedKey != (try vectorFiles()).signKey, "the key is on disk as it is")
    try check(try store.save(certificate: try vectorFiles()).status == .duplicate, "not a duplicate")
    let junk = try store.save(certificate: CertificateFiles(signCert: Data([1, 2]), signKey: Data([3]), kmCert: nil, kmKey: nil))
    try check(junk.status == .rejected && junk.code == .invalid, "junk accepted")
    let listed = try listCertificates(store: store)
    try check(listed.count == 1 && (try checkPassword(files: listed[0].files, password: password)), "listed")
}

func staleStore() async throws {
    let root = tempRoot("swift-stale")
    defer { try? FileManager.default.removeItem(at: root) }
    _ = try FolderCertificateStore(root: root, sealer: KeyedSealer()).save(certificate: try vectorFiles())
    let restored = try FolderCertificateStore(root: root, sealer: KeyedSealer())
    try check(try restored.list().isEmpty, "opened with another key")
    let stale = restored.stale()
    try check(stale.count == 1 && stale[0].ca == "yessign" && !stale[0].holder.isEmpty, "\(stale)")
    let again = try restored.save(certificate: try vectorFiles())
    try check(again.status == .installed && again.replaced != nil, "\(again)")
    try check(restored.stale().isEmpty && (try restored.list()).count == 1, "not replaced")
}

/// A model with its own store; `waitFor` polls its phase (the model runs on
/// the main actor, like these tests).
@MainActor
final class Harness {
    let root = tempRoot("swift-app")
    let model: AppModel

    init(sealer: FileSealer = KeyedSealer(), root: URL? = nil, sending: Bool = false, codeRelay: String? = nil, codeFinder: CodeFinder? = nil) throws {
        let store = try FolderCertificateStore(root: root ?? self.root, sealer: sealer)
        if sending { _ = try store.save(certificate: try vectorFiles()) }
        model = AppModel(store: store, deviceName: { "Swift phone" }, codeRelay: codeRelay, codeFinder: codeFinder)
    }

    func waitFor<T>(_ what: String, _ match: (Phase) -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let found = match(model.phase) { return found }
            if case let .transfer(.failed(failure, detail)) = model.phase, what != "failed" {
                throw TestFailure(description: "failed while waiting for \(what): \(failure.kind) \(detail)")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestFailure(description: "no \(what); phase \(model.phase)")
    }

    func number() async throws -> String {
        try await waitFor("number") { if case let .transfer(.showNumber(n, _, _)) = $0 { n } else { nil } }
    }

    func failure() async throws -> TransferFailure {
        try await waitFor("failed") { if case let .transfer(.failed(f, _)) = $0 { f } else { nil } }
    }

    func finished() async throws -> [ItemResult] {
        try await waitFor("finished") { if case let .transfer(.finished(_, _, _, items)) = $0 { items } else { nil } }
    }

    func consent() async throws -> (String, [String]) {
        try await waitFor("consent") { if case let .transfer(.askConsent(peer, _, c)) = $0 { (peer, c) } else { nil } }
    }

    func saved() -> [StoredCertificate] { (try? listCertificates(store: model.store)) ?? [] }

    deinit { try? FileManager.default.removeItem(at: root) }
}

@MainActor
func export() async throws {
    let h = try Harness()
    let pc = try Desktop(["send", vector.path, "--allow-expired"])
    defer { pc.kill() }
    h.model.scan()
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    let number = try await h.number()
    _ = try pc.expect("enter_code")
    pc.type(number)
    try check(try await h.finished().map(\.status) == [.installed], "not installed")
    try check(pc.finish() == 0, "desktop exit")
    try check(h.saved().map(\.info.serialHex) == ["459C75"], "not saved")
    h.model.close()
    try check(h.model.phase == .home, "not home")
}

@MainActor
func importWithConsent() async throws {
    let h = try Harness(sending: true)
    let installRoot = tempRoot("swift-npki")
    defer { try? FileManager.default.removeItem(at: installRoot) }
    let pc = try Desktop(["receive", "--install-root", installRoot.path])
    defer { pc.kill() }
    h.model.scan()
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    let candidates = try await h.waitFor("choosing") { if case let .choosing(_, c) = $0 { c } else { nil } }
    h.model.send(candidates)
    let (peer, certificates) = try await h.consent()
    try check(peer == "Test PC" && certificates.count == 1, "consent \(peer) \(certificates)")
    h.model.consent(true)
    let number = try await h.number()
    _ = try pc.expect("enter_code")
    pc.type(number)
    try check(try await h.finished().map(\.status) == [.installed], "not installed")
    try check(pc.finish() == 0, "desktop exit")
    let user = installRoot.appendingPathComponent("yessign/USER")
    try check((try FileManager.default.contentsOfDirectory(atPath: user.path)).count == 1, "not installed on the PC")
}

@MainActor
func decline() async throws {
    let h = try Harness(sending: true)
    let installRoot = tempRoot("swift-npki")
    defer { try? FileManager.default.removeItem(at: installRoot) }
    let pc = try Desktop(["receive", "--install-root", installRoot.path])
    defer { pc.kill() }
    h.model.scan(sending: h.saved())
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    _ = try await h.consent()
    h.model.consent(false)
    try check(try await h.failure().kind == .declined, "not declined")
    try check((try pc.expect("error")["kind"] as? String) == "peer_aborted", "the PC was not told")
    try check(!FileManager.default.fileExists(atPath: installRoot.appendingPathComponent("yessign").path), "something was installed")
}

@MainActor
func modeMismatch() async throws {
    let h = try Harness(sending: true)
    let pc = try Desktop(["send", vector.path, "--allow-expired"])
    defer { pc.kill() }
    h.model.scan(sending: h.saved())
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    _ = try await h.waitFor("mismatch") { if case .modeMismatch = $0 { true } else { nil } }
    h.model.receiveInstead()
    let number = try await h.number()
    _ = try pc.expect("enter_code")
    pc.type(number)
    try check(try await h.finished().map(\.status) == [.duplicate], "not a duplicate")
}

@MainActor
func cancelWhileConnecting() async throws {
    let h = try Harness()
    let pc = try Desktop(["send", vector.path, "--allow-expired"])
    defer { pc.kill() }
    let text = try pc.expect("invite")["text"] as! String
    pc.signal(SIGSTOP)
    defer { pc.signal(SIGCONT) }
    h.model.scan()
    h.model.scanned(text)
    _ = try await h.waitFor("connecting") { if case .transfer(.connecting) = $0 { true } else { nil } }
    h.model.cancel()
    try check(try await h.failure().kind == .cancelled, "not cancelled")
}

@MainActor
func cancelAtEachStep() async throws {
    // Phone → PC: at the consent, and at the number after it; PC → phone: at the number.
    for step in ["consent", "number after consent", "number"] {
        let h = try Harness(sending: true)
        let installRoot = tempRoot("swift-npki")
        defer { try? FileManager.default.removeItem(at: installRoot) }
        let pc = try Desktop(step == "number" ? ["send", vector.path, "--allow-expired"] : ["receive", "--install-root", installRoot.path])
        defer { pc.kill() }
        h.model.scan(sending: step == "number" ? [] : h.saved())
        h.model.scanned(try pc.expect("invite")["text"] as! String)
        if step != "number" { _ = try await h.consent() }
        if step != "consent" {
            if step != "number" { h.model.consent(true) }
            _ = try await h.number()
        }
        h.model.cancel()
        try check(try await h.failure().kind == .cancelled, "\(step): not cancelled")
        try check((try pc.expect("error")["kind"] as? String) == "peer_aborted", "\(step): the PC was not told")
    }
}

@MainActor
func threeWrongNumbers() async throws {
    let h = try Harness()
    let pc = try Desktop(["send", vector.path, "--allow-expired"])
    defer { pc.kill() }
    h.model.scan()
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    let number = try await h.number()
    let wrong = String(format: "%06d", (Int(number)! + 1) % 1_000_000)
    for _ in 0..<3 {
        _ = try pc.expect("enter_code")
        pc.type(wrong)
    }
    let failure = try await h.failure()
    try check(failure.kind == .codeMismatch && failure.explanation.id == "err-peer-code-mismatch", "\(failure)")
    try check(h.saved().isEmpty, "saved anyway")
}

@MainActor
func expiredCode() async throws {
    let h = try Harness()
    let pc = try Desktop(["send", vector.path, "--allow-expired", "--timeout", "10"])
    defer { pc.kill() }
    let text = try pc.expect("invite")["text"] as! String
    pc.kill()
    try await Task.sleep(nanoseconds: 11_000_000_000)
    h.model.scan()
    h.model.scanned(text)
    let failure = try await h.failure()
    try check(failure.kind == .expired && failure.explanation.id == "err-invite-expired", "\(failure)")
}

@MainActor
func restoredStoreReceivesAgain() async throws {
    let root = tempRoot("swift-restored")
    defer { try? FileManager.default.removeItem(at: root) }
    _ = try FolderCertificateStore(root: root, sealer: KeyedSealer()).save(certificate: try vectorFiles())
    let h = try Harness(root: root)
    try check(h.saved().isEmpty && h.model.store.stale().count == 1, "not stale")
    let pc = try Desktop(["send", vector.path, "--allow-expired"])
    defer { pc.kill() }
    h.model.scan()
    h.model.scanned(try pc.expect("invite")["text"] as! String)
    let number = try await h.number()
    _ = try pc.expect("enter_code")
    pc.type(number)
    let items = try await h.finished()
    try check(items.map(\.status) == [.installed] && items[0].replaced != nil, "\(items)")
    try check(h.saved().count == 1 && h.model.store.stale().isEmpty, "not replaced")
}

let appTests: [(String, @MainActor () async throws -> Void)] = [
    ("every failure kind, ko and en", everyFailureKind),
    ("every item status, ko and en", everyItemStatus),
    ("every transfer state", everyTransferState),
    ("home, scan, mismatch, choose", otherScreens),
    ("store format", storeFormat),
    ("stale store", staleStore),
    ("export", export),
    ("import with consent", importWithConsent),
    ("decline", decline),
    ("mode mismatch", modeMismatch),
    ("cancel while connecting", cancelWhileConnecting),
    ("cancel at each step", cancelAtEachStep),
    ("three wrong numbers", threeWrongNumbers),
    ("expired code", expiredCode),
    ("restored store receives again", restoredStoreReceivesAgain),
    ("the code pad", thePad),
    ("typed code on the LAN, and a wrong one", typedCodeOnTheLanAndAWrongOne),
]
var failedCount = 0
for (name, test) in appTests {
    do {
        try await test()
        print("PASS swift-app: \(name)")
    } catch {
        failedCount += 1
        print("FAIL swift-app: \(name): \(error)")
    }
}
print("swift-app: \(appTests.count - failedCount) passed, \(failedCount) failed")
exit(failedCount == 0 ? 0 : 1)
