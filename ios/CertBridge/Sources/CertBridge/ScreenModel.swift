import Foundation

/// What a button does; the UI maps each to an `AppModel` call.
public enum Action: Sendable, Equatable {
    case scan, scanAgain, close, cancel, send, dontSend, receiveInstead, readAloud, chooseSend, enterCode, connectCode, useCamera
}

public struct ScreenButton: Equatable, Sendable {
    public let action: Action
    public let label: String
    public let primary: Bool
}

/// One screen, as text: what the UI lays out and what VoiceOver announces
/// when it appears. `keepAwake` asks the UI to keep the display on and the
/// app running (the user is reading a number or waiting for the PC);
/// `busy` asks for a progress indicator.
public struct Screen: Equatable, Sendable {
    public let title: String
    public let body: [String]
    public let buttons: [ScreenButton]
    public let announcement: String
    public var number: String?
    public var keepAwake = false
    public var busy = false
}

/// One row of the certificate list.
public struct CertificateRow: Equatable, Sendable {
    public let id: String
    public let title: String
    public let lines: [String]
    public let announcement: String
    public let stale: Bool
}

/// The screens as pure functions of the app's state and language. Every
/// sentence comes from the message catalog through the bindings.
public enum ScreenModel {
    public static func of(_ phase: Phase, _ language: Language) -> Screen {
        let t = Texts(language: language)
        switch phase {
        case .home:
            return Screen(title: t("phone-home-title"), body: [t("phone-purpose-body")],
                          buttons: [ScreenButton(action: .scan, label: t("phone-home-scan"), primary: true),
                                    ScreenButton(action: .enterCode, label: t("phone-code-enter"), primary: false)],
                          announcement: t("phone-home-title"))
        case .scanning:
            let title = t("phone-scan-title"), hint = t("phone-scan-hint")
            return Screen(title: title, body: [hint],
                          buttons: [ScreenButton(action: .enterCode, label: t("phone-code-enter"), primary: false),
                                    ScreenButton(action: .cancel, label: t("phone-cancel"), primary: false)],
                          announcement: "\(title). \(hint)")
        case let .enteringCode(_, entry, _):
            return codeEntry(entry, t)
        case .modeMismatch:
            let title = t("phone-mismatch-title"), body = t("phone-mismatch-body")
            return Screen(title: title, body: [body],
                          buttons: [ScreenButton(action: .receiveInstead, label: t("phone-mismatch-receive"), primary: true),
                                    ScreenButton(action: .cancel, label: t("phone-cancel"), primary: false)],
                          announcement: "\(title). \(body)")
        case let .choosing(_, candidates):
            if candidates.isEmpty {
                let none = t("err-nothing-to-send")
                return Screen(title: none, body: [t("phone-home-empty")],
                              buttons: [ScreenButton(action: .close, label: t("phone-close"), primary: true)], announcement: none)
            }
            let title = t("phone-choose-title")
            return Screen(title: title, body: candidates.map(\.info.holder),
                          buttons: [ScreenButton(action: .chooseSend, label: t.msg("phone-choose-send", ["count": candidates.count]), primary: true),
                                    ScreenButton(action: .cancel, label: t("phone-cancel"), primary: false)],
                          announcement: title)
        case let .transfer(state):
            return transfer(state, t)
        }
    }

    /// The number pad: the digits grouped as the PC shows them in `number`,
    /// the catalog's error (a code of the wrong length) first in the body;
    /// VoiceOver hears the digits one by one.
    public static func codeEntry(_ entry: CodeEntry, _ language: Language) -> Screen {
        codeEntry(entry, Texts(language: language))
    }

    private static func codeEntry(_ entry: CodeEntry, _ t: Texts) -> Screen {
        let title = t("phone-code-title"), hint = t("phone-code-hint")
        let error = entry.error.map { render(message: $0, language: t.language) }
        let typed = entry.digits.isEmpty ? t("phone-code-empty") : t.msg("phone-code-spoken", ["spoken": entry.spoken])
        return Screen(title: title, body: [error, hint].compactMap { $0 },
                      buttons: [ScreenButton(action: .connectCode, label: t("phone-code-connect"), primary: true),
                                ScreenButton(action: .useCamera, label: t("phone-code-use-camera"), primary: false),
                                ScreenButton(action: .cancel, label: t("phone-cancel"), primary: false)],
                      announcement: [title, error, typed].compactMap { $0 }.joined(separator: ". "), number: entry.grouped)
    }

    public static func transfer(_ state: TransferState, _ language: Language) -> Screen {
        transfer(state, Texts(language: language))
    }

    private static func transfer(_ state: TransferState, _ t: Texts) -> Screen {
        let cancel = ScreenButton(action: .cancel, label: t("phone-cancel"), primary: false)
        switch state {
        case .connecting:
            let title = t("phone-connecting-title")
            return Screen(title: title, body: [t("phone-keep-open")], buttons: [cancel], announcement: title, keepAwake: true, busy: true)
        case let .connected(peer, path):
            let title = t.msg("phone-connected-to", ["peer": peer])
            return Screen(title: title, body: [t.path(path)], buttons: [cancel], announcement: title, keepAwake: true, busy: true)
        case let .askConsent(peer, path, certificates):
            let title = t("phone-consent-title"), to = t.msg("phone-consent-to", ["peer": peer]), via = t.path(path)
            let body = [to, via, t("phone-consent-warning"), t.msg("phone-consent-items", ["count": certificates.count])]
                + certificates.map { "• \($0)" }
            return Screen(title: title, body: body,
                          buttons: [ScreenButton(action: .send, label: t("phone-consent-send"), primary: true),
                                    ScreenButton(action: .dontSend, label: t("phone-consent-decline"), primary: false)],
                          announcement: "\(title) \(to). \(via)", keepAwake: true)
        case let .showNumber(number, peer, path):
            let title = t("phone-number-title")
            let body = [t.msg("phone-connected-to", ["peer": peer]), t.path(path), t("number-never-share"), t("phone-keep-open")]
            return Screen(title: title, body: body,
                          buttons: [ScreenButton(action: .readAloud, label: t("phone-read-aloud"), primary: false), cancel],
                          announcement: "\(title). \(spokenNumber(number, t.language))", number: grouped(number), keepAwake: true)
        case let .moving(sending, count, _, _):
            let title = t.msg(sending ? "phone-moving-sending" : "phone-moving-receiving", ["count": count])
            return Screen(title: title, body: [t("phone-keep-open")], buttons: [cancel], announcement: title, keepAwake: true, busy: true)
        case let .finished(sent, peer, _, items):
            let title = render(message: finishedTitle(sent: sent, items: items), language: t.language)
            let lines = items.map { render(message: itemLine(item: $0, sent: sent, peerName: peer), language: t.language) }
            return Screen(title: title, body: lines, buttons: [ScreenButton(action: .close, label: t("phone-close"), primary: true)],
                          announcement: ([title] + lines).joined(separator: ". "))
        case let .failed(failure, _):
            let title = render(message: failureTitle(kind: failure.kind), language: t.language)
            let body = render(message: failure.explanation, language: t.language)
            if failure.kind == .wrongCode {
                return Screen(title: title, body: [body],
                              buttons: [ScreenButton(action: .enterCode, label: t("phone-code-enter"), primary: true),
                                        ScreenButton(action: .close, label: t("phone-close"), primary: false)],
                              announcement: "\(title). \(body)")
            }
            let close = ScreenButton(action: .close, label: t("phone-close"), primary: !rescan.contains(failure.kind))
            let buttons = rescan.contains(failure.kind)
                ? [ScreenButton(action: .scanAgain, label: t("phone-scan-again"), primary: true), close] : [close]
            return Screen(title: title, body: [body], buttons: buttons, announcement: "\(title). \(body)")
        }
    }

    /// The home screen's list: readable certificates, then stale copies.
    public static func rows(_ certificates: [StoredCertificate], stale: [StaleCertificate], _ language: Language) -> [CertificateRow] {
        let t = Texts(language: language)
        let readable = certificates.map { c -> CertificateRow in
            let use = usage(c.info, language)
            let status = render(message: certificateStatusLine(info: c.info), language: language)
            let announce = t.msg("phone-cert-announce", ["name": c.info.holder, "usage": use, "ca": c.info.ca, "status": status])
            return CertificateRow(id: FolderCertificateStore.id(of: c.info), title: c.info.holder,
                                  lines: [t.msg("phone-cert-usage-ca", ["usage": use, "ca": c.info.ca]), status],
                                  announcement: announce, stale: false)
        }
        let broken = stale.map { s -> CertificateRow in
            let line = t("phone-cert-stale")
            return CertificateRow(id: s.id, title: s.holder.isEmpty ? s.id : s.holder, lines: [s.ca, line],
                                  announcement: "\(s.holder), \(s.ca), \(line)", stale: true)
        }
        return readable + broken
    }

    public static func usage(_ info: CertificateInfo, _ language: Language) -> String {
        language == .korean ? info.usageLabelKo : info.usageLabelEn
    }

    /// "123 456".
    public static func grouped(_ number: String) -> String {
        chunks(number).joined(separator: " ")
    }

    /// Digit by digit, for VoiceOver and read-aloud: "1 2 3, 4 5 6".
    public static func spokenDigits(_ number: String) -> String {
        chunks(number).map { $0.map(String.init).joined(separator: " ") }.joined(separator: ", ")
    }

    public static func spokenNumber(_ number: String, _ language: Language) -> String {
        Texts(language: language).msg("phone-number-spoken", ["digits": spokenDigits(number)])
    }

    private static func chunks(_ s: String) -> [String] {
        stride(from: 0, to: s.count, by: 3).map { start in
            let from = s.index(s.startIndex, offsetBy: start)
            return String(s[from..<s.index(from, offsetBy: min(3, s.count - start))])
        }
    }

    /// Failures a fresh scan may mend (a new code, another try).
    private static let rescan: Set<FailureKind> = [.expired, .invalidInvite, .refused, .unreachable, .handshake, .disconnected, .timeout]

    /// Catalog look-ups in one language.
    private struct Texts {
        let language: Language

        func callAsFunction(_ id: String) -> String { render(message: Message(id: id, args: []), language: language) }

        func msg(_ id: String, _ args: KeyValuePairs<String, any Sendable>) -> String {
            let list = args.map { name, value -> MessageArg in
                if let n = value as? Int { return MessageArg(name: name, value: .number(number: Int64(n))) }
                return MessageArg(name: name, value: .text(text: "\(value)"))
            }
            return render(message: Message(id: id, args: list), language: language)
        }

        func path(_ path: TransferPath) -> String { self(path == .relay ? "phone-path-relay" : "phone-path-lan") }
    }
}
