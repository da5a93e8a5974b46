/// The rules for the bearer token the API requires, applied once at start-up: a token that no
/// client could send (a space inside, a non-ASCII character, a line break from `echo` into a
/// file) fails then, with a reason, rather than locking every client out at the first request.
public enum APIToken {
    /// Shorter tokens start with a warning: a few characters are guessed in minutes.
    public static let recommendedLength = 32
    public static let maxLength = 4096

    /// The token without the spaces, tabs and line breaks around it (a file written by `echo`,
    /// a Secret created from a file with a trailing newline).
    public static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }

    /// Why `token` cannot be used, or nil when it can. It must be an RFC 6750 `b64token`:
    /// letters, digits, `-._~+/`, then optional `=` padding.
    public static func problem(with token: String) -> String? {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty else { return "the token is empty" }
        guard bytes.count <= maxLength else { return "the token is \(bytes.count) bytes long; at most \(maxLength)" }
        let body = bytes.prefix { $0 != UInt8(ascii: "=") }
        if let bad = body.first(where: { !isTokenCharacter($0) }) {
            return
                "the token contains \(describe(bad)), which a client cannot send after Bearer (allowed: letters, digits, - . _ ~ + / and = at the end)"
        }
        guard !body.isEmpty, bytes[body.count...].allSatisfy({ $0 == UInt8(ascii: "=") }) else {
            return "the token may have = only at its end (allowed: letters, digits, - . _ ~ + / and = at the end)"
        }
        return nil
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
        default: false
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: " "): "a space"
        case UInt8(ascii: "\t"): "a tab"
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): "a line break"
        case 0..<0x20, 0x7F: "a control character"
        case 0x80...: "a non-ASCII character"
        default: "'\(Character(Unicode.Scalar(byte)))'"
        }
    }
}
