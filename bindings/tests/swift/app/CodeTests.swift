// Typed codes in the iOS package: the number pad's model, and AppModel
// pairing by a code with a real `certbridge` on 127.0.0.1, found by the
// app's CodeFinder (Bonjour's stand-in) on the LAN.
// Run with main.swift by tests/tests/phone_apps.rs.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PC's LAN address, as Bonjour would find it: only for the code's channel.
final class FixedFinder: CodeFinder, @unchecked Sendable {
    let address: String, channel: String
    private let lock = NSLock()
    private var askedFor: [String] = []
    init(_ address: String, channel: String) { (self.address, self.channel) = (address, channel) }
    func find(channel: String, timeoutMs: UInt64) -> [String] {
        lock.lock(); askedFor.append(channel); lock.unlock()
        return channel == self.channel ? [address] : []
    }
    var asked: [String] { lock.lock(); defer { lock.unlock() }; return askedFor }
}

/// A TCP port of 127.0.0.1 nobody listens on now.
func loopbackPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { ptr in
        ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
        }
    }
    return ok ? UInt16(bigEndian: addr.sin_port) : 0
}

func codeOf(_ invite: [String: Any]) throws -> String {
    guard let code = invite["code"] as? String else { throw TestFailure(description: "no code in \(invite)") }
    return code
}

@MainActor
func thePad() async throws {
    var entry = CodeEntry()
    for key in "72816" { entry = entry.type(key) }
    try check(entry.grouped == "728-16" && entry.spoken == "7 2 8, 1 6", "\(entry.grouped) / \(entry.spoken)")
    entry = entry.paste("6-322 x")
    try check(entry.grouped == "728-166-322", entry.grouped)
    try check(entry.type("0").grouped == "7281-663-220", entry.type("0").grouped)
    try check(entry.paste("000000000").grouped == "728166-322-000", "12 digits at most")
    guard case let .invalid(short) = entry.delete().read() else { throw TestFailure(description: "8 digits were read") }
    try check(short.error?.id == "err-code-malformed", "\(String(describing: short.error))")
    let ko = ScreenModel.codeEntry(short, .korean), en = ScreenModel.codeEntry(short, .english)
    try check(ko.body.first == "코드는 123-456-789처럼 숫자 9~12자리입니다.", "\(ko.body)")
    try check(en.body.first == "A code is 9 to 12 digits, like 123-456-789.", "\(en.body)")
    try check(ko.number == "728-166-32" && ko.announcement.contains("7 2 8, 1 6 6, 3 2"), ko.announcement)
    try check(en.buttons.map(\.action) == [.connectCode, .useCamera, .cancel], "\(en.buttons)")
    for language in languages { try checkScreen(ScreenModel.codeEntry(CodeEntry(), language), language, "empty pad") }
    try check(short.type("2").error == nil, "typing clears the error")
    guard case let .code(code) = entry.read() else { throw TestFailure(description: "not read") }
    try check(code.grouped == "728-166-322" && code.channel == "728", code.grouped)
    // From the camera to the pad and back; a short code stays on the pad.
    let h = try Harness()
    h.model.scan()
    h.model.enterCode()
    for key in "12345" { h.model.typeDigit(key) }
    h.model.submitCode()
    guard case let .enteringCode(_, shown, _) = h.model.phase else { throw TestFailure(description: "\(h.model.phase)") }
    try check(shown.error?.id == "err-code-malformed", "no error shown")
    h.model.useCamera()
    guard case .scanning = h.model.phase else { throw TestFailure(description: "not back to the camera") }
}

@MainActor
func typedCodeOnTheLanAndAWrongOne() async throws {
    let port = loopbackPort()
    let pc = try Desktop(["send", vector.path, "--allow-expired"], listen: "127.0.0.1:\(port)")
    defer { pc.kill() }
    let code = try codeOf(try pc.expect("invite"))
    let channel = String(code.prefix { $0 != "-" })
    let finder = FixedFinder("127.0.0.1:\(port)", channel: channel)
    let h = try Harness(codeFinder: finder)
    // A wrong code: refused, the PC burns it and shows a new one.
    let wrong = String(code.dropLast()) + (code.last == "0" ? "1" : "0")
    h.model.enterCode()
    for key in wrong where key != "-" { h.model.typeDigit(key) }
    h.model.submitCode()
    let failure = try await h.failure()
    try check(failure.kind == .wrongCode, "\(failure.kind)")
    let screen = ScreenModel.transfer(.failed(failure: failure, detail: ""), .korean)
    try check(screen.title == "코드가 맞지 않았습니다" && screen.buttons.first?.action == .enterCode, "\(screen)")
    try check(h.saved().isEmpty, "something was saved")
    let renewed = try codeOf(try pc.expect("invite"))
    try check(renewed != code, "the same code again")
    h.model.enterCode()
    for key in renewed where key != "-" { h.model.typeDigit(key) }
    guard case let .enteringCode(_, entry, _) = h.model.phase, entry.grouped == renewed else { throw TestFailure(description: "pad \(h.model.phase)") }
    h.model.submitCode()
    let number = try await h.number()
    _ = try pc.expect("enter_code")
    pc.type(number)
    try check(try await h.finished().map(\.status) == [.installed], "not installed")
    try check(pc.finish() == 0, "desktop exit")
    try check(h.saved().map(\.info.serialHex) == ["459C75"], "not saved")
    try check(Set(finder.asked) == [channel], "finder asked for \(finder.asked)")
}
