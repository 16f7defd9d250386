// The generated Swift bindings and the iOS package's Foundation-only code
// (FolderCertificateStore, TransferState, CertBridgeSession), run on Linux
// against the `certbridge` desktop program on 127.0.0.1: a real export and
// import. Run by tests/tests/bindings.rs; `Desktop.swift` beside it holds
// the desktop program's driver.

import Foundation

func parseInviteAndErrors() async throws {
    let desktop = try Desktop(["send", vector.path, "--allow-expired"])
    defer { desktop.kill() }
    let invite = try parseInvite(text: try desktop.expect("invite")["text"] as! String)
    try check(invite.mode == .desktopSends, "mode \(invite.mode)")
    // The name travels in the handshake, not in the code.
    try check(invite.desktopName == nil, "name")
    try check(invite.hasLan && !invite.hasRelay, "paths")
    do {
        _ = try parseInvite(text: "CERTBRIDGE:/0123")
        throw TestFailure(description: "a damaged code was accepted")
    } catch InviteError.Invalid(let reason, let failure) {
        try check(!reason.isEmpty && failure.kind == .invalidInvite, "no reason")
    }
}

func inspectAndPassword() async throws {
    let info = try inspectCertificate(files: try vectorFiles())
    try check(info.serialHex == "459C75", "serial \(info.serialHex)")
    try check(info.status == .expired, "status")
    try check(try checkPassword(files: try vectorFiles(), password: password), "the right password was refused")
    try check(!(try checkPassword(files: try vectorFiles(), password: "틀린 암호")), "a wrong password was accepted")
    try check(ScreenModel.spokenDigits("123456") == "1 2 3, 4 5 6", ScreenModel.spokenDigits("123456"))
}

func exportPcToPhone() async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("swift-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = try FolderCertificateStore(root: root)
    let desktop = try Desktop(["send", vector.path, "--allow-expired"])
    defer { desktop.kill() }
    let session = try CertBridgeSession(invite: try desktop.expect("invite")["text"] as! String, deviceName: "Swift phone", store: store)
    try session.start()
    var final = TransferState.connecting
    for await event in session.events {
        final = final.reduce(event)
        if case let .verificationNumber(number) = event {
            _ = try desktop.expect("enter_code")
            desktop.type(number)
        }
    }
    guard case let .finished(sent, name, path, items) = final else { throw TestFailure(description: "ended \(final)") }
    try check(!sent && name == "Test PC" && path == .lan && items.map(\.status) == [.installed], "finished \(final)")
    try check(desktop.finish() == 0, "desktop exit")
    let saved = try store.list()
    try check(saved.count == 1, "saved \(saved.count)")
    try check(saved[0].signCert == (try vectorFiles()).signCert && saved[0].signKey == (try vectorFiles()).signKey, "files differ")
    let listed = try listCertificates(store: store)
    try check(listed.map(\.info.serialHex) == ["459C75"], "list")
    try check(listed[0].files.signCert == (try Data(contentsOf: vector.appendingPathComponent("signCert.der"))), "listed files")
}

func importPhoneToPc() async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("swift-import-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let installRoot = root.appendingPathComponent("NPKI")
    let store = try FolderCertificateStore(root: root.appendingPathComponent("certs"))
    store.outgoing = [try vectorFiles()]
    let desktop = try Desktop(["receive", "--install-root", installRoot.path])
    defer { desktop.kill() }
    let session = try CertBridgeSession(invite: try desktop.expect("invite")["text"] as! String, deviceName: "Swift phone", store: store)
    try check(session.invite?.mode == .desktopReceives, "mode")
    try session.start()
    var final = TransferState.connecting
    for await event in session.events {
        final = final.reduce(event)
        switch event {
        case let .verificationNumber(number):
            _ = try desktop.expect("enter_code")
            desktop.type(number)
        case let .consentRequired(desktopName, path, certificates):
            try check(desktopName == "Test PC" && path == .lan && certificates.count == 1, "consent")
            session.setConsent(true)
        default: break
        }
    }
    guard case .finished(true, _, _, _) = final else { throw TestFailure(description: "ended \(final)") }
    try check(desktop.finish() == 0, "desktop exit")
    let user = installRoot.appendingPathComponent("yessign/USER")
    let folders = try FileManager.default.contentsOfDirectory(atPath: user.path)
    try check(folders.count == 1, "installed \(folders)")
    for name in ["signCert.der", "signPri.key"] {
        let got = try Data(contentsOf: user.appendingPathComponent(folders[0]).appendingPathComponent(name))
        try check(got == (try Data(contentsOf: vector.appendingPathComponent(name))), "\(name) differs")
    }
}

let tests: [(String, () async throws -> Void)] = [
    ("parse_invite and typed errors", parseInviteAndErrors),
    ("inspect_certificate and check_password", inspectAndPassword),
    ("export PC to phone", exportPcToPhone),
    ("import phone to PC", importPhoneToPc),
]
var failed = 0
for (name, test) in tests {
    do {
        try await test()
        print("PASS swift: \(name)")
    } catch {
        failed += 1
        print("FAIL swift: \(name): \(error)")
    }
}
print("swift: \(tests.count - failed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
