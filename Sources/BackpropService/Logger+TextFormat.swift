/// The text format's escaping: a client's bytes (a request path, a header, a file name) can
/// neither end a line, so no one can forge the next one, nor move the cursor or recolour the
/// terminal that shows it (ANSI escapes), nor reorder it (bidirectional overrides). Such
/// characters are written as `\n`, `\r`, `\t`, `\x1b` or `\u2028`; a value holding any of them,
/// a space, `"`, `=` or `\` is quoted, with `"` and `\` escaped inside the quotes.
extension Logger {
    static func textMessage(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: needsEscape) else { return message }
        var text = ""
        for scalar in message.unicodeScalars { append(scalar, to: &text, inQuotes: false) }
        return text
    }

    static func textValue(_ value: String) -> String {
        let quoted = value.isEmpty || value.unicodeScalars.contains { needsEscape($0) || $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" }
        guard quoted else { return value }
        var text = "\""
        for scalar in value.unicodeScalars { append(scalar, to: &text, inQuotes: true) }
        return text + "\""
    }

    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the
    /// bidirectional marks, embeddings, overrides and isolates.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to text: inout String, inQuotes: Bool) {
        switch scalar {
        case "\n": text += "\\n"
        case "\r": text += "\\r"
        case "\t": text += "\\t"
        case "\"" where inQuotes: text += "\\\""
        case "\\" where inQuotes: text += "\\\\"
        case _ where needsEscape(scalar):
            let hex = String(scalar.value, radix: 16)
            text +=
                scalar.value < 0x100
                ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: text.unicodeScalars.append(scalar)
        }
    }
}
