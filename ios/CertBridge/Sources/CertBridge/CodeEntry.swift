import Foundation

/// The "enter the code" screen's number pad, as a value: the digits typed
/// so far, grouped as the PC shows them, and the catalog's error once the
/// user asks to connect with a code that cannot be one. Whether a code is
/// well formed is the core's rule (`readCode`); the grouping while typing
/// is this screen's.
public struct CodeEntry: Equatable, Sendable {
    public static let maxDigits = 12
    private static let secretDigits = 6

    public private(set) var digits: String
    public private(set) var error: Message?

    public init(digits: String = "", error: Message? = nil) {
        self.digits = digits
        self.error = error
    }

    /// One more digit from the pad (anything else, or a 13th digit, is ignored).
    public func type(_ key: Character) -> CodeEntry {
        guard key.isASCII, key.isNumber, digits.count < Self.maxDigits else { return self }
        return CodeEntry(digits: digits + String(key))
    }

    /// Pasted or dictated text: its digits, as if typed one by one.
    public func paste(_ text: String) -> CodeEntry { text.reduce(self) { $0.type($1) } }

    public func delete() -> CodeEntry { CodeEntry(digits: String(digits.dropLast())) }

    /// Threes while typing (`728-16`); from the tenth digit on, the last six
    /// split in two after a longer channel (`1234-567-890`).
    public var grouped: String { Self.group(digits) }

    /// What VoiceOver says, digit by digit: "7 2 8, 1 6".
    public var spoken: String {
        grouped.split(separator: "-").map { $0.map(String.init).joined(separator: " ") }.joined(separator: ", ")
    }

    public enum Result: Equatable, Sendable {
        case code(TypedCode)
        case invalid(CodeEntry)
    }

    /// The code read by the core's rules, or this entry with the catalog's error.
    public func read() -> Result {
        do {
            return .code(try readCode(text: digits))
        } catch let CodeError.Malformed(_, failure) {
            return .invalid(CodeEntry(digits: digits, error: failure.explanation))
        } catch {
            return .invalid(CodeEntry(digits: digits, error: Message(id: "err-code-malformed", args: [])))
        }
    }

    public static func group(_ digits: String) -> String {
        let chars = Array(digits)
        func part(_ from: Int, _ to: Int) -> String { String(chars[from..<min(to, chars.count)]) }
        if chars.count <= 9 {
            return stride(from: 0, to: chars.count, by: 3).map { part($0, $0 + 3) }.joined(separator: "-")
        }
        let channel = chars.count - secretDigits
        return [part(0, channel), part(channel, channel + 3), part(channel + 3, chars.count)].joined(separator: "-")
    }
}
