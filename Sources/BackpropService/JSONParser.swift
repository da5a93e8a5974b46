/// A strict RFC 8259 reader for request bodies. Unlike Foundation's decoder it keeps going where
/// validation can say more than "not valid JSON": numbers beyond a double's range become ±∞ (the
/// validator names the field), and a member given twice is recorded by its pointer rather than
/// silently decided. Anything that is not JSON stops it with the line and column.
struct JSONParser: ~Copyable {
    /// Deeper nesting is refused, so a hostile body cannot exhaust the stack.
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Where the value being parsed sits, for the pointers of duplicate members (built only when one is found).
    private var path: [PathComponent] = []
    private(set) var duplicateMembers: [String] = []

    private enum PathComponent {
        case member(String)
        case element(Int)
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// One JSON text: a value with optional whitespace around it (a leading UTF-8 byte order
    /// mark is ignored, as RFC 8259 allows).
    mutating func parseText() throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected \(found()) after the JSON value; send one value") }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        default: throw error("expected a value (an object, array, string, number, true, false or null), found \(found())")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            path.removeLast()
            return .object(members)
        }
        while true {
            guard index < bytes.count else { throw error("the text ends inside an object; expected a member name") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a member name in double quotes, found \(found())")
            }
            let name = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected ':' after the member name \"\(name)\", found \(found())")
            }
            index += 1
            skipWhitespace()
            path[path.count - 1] = .member(name)
            let value = try parseValue()
            if members.updateValue(value, forKey: name) != nil { recordDuplicate() }
            skipWhitespace()
            guard index < bytes.count else { throw error("the text ends inside an object; expected ',' or '}'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                path.removeLast()
                return .object(members)
            default:
                throw error("expected ',' or '}' after an object member, found \(found())")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            path.removeLast()
            return .array(elements)
        }
        while true {
            path[path.count - 1] = .element(elements.count)
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("the text ends inside an array; expected ',' or ']'") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                path.removeLast()
                return .array(elements)
            default:
                throw error("expected ',' or ']' after an array element, found \(found())")
            }
        }
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        guard path.count < Self.maxDepth else { throw error("arrays and objects nest deeper than \(Self.maxDepth) levels") }
        path.append(.element(0))
    }

    private mutating func recordDuplicate() {
        var pointer = ""
        for component in path {
            switch component {
            case .member(let name): pointer += "/" + escapePointer(name)
            case .element(let index): pointer += "/\(index)"
            }
        }
        if !duplicateMembers.contains(pointer) { duplicateMembers.append(pointer) }
    }

    // MARK: strings

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var decoded: [UInt8]?  // only once an escape is seen
        var segmentStart = index
        while true {
            guard index < bytes.count else {
                index = start
                throw error("a string starting here is not closed with '\"'")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let text: String?
                if var decoded {
                    decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                    text = String(validating: decoded, as: UTF8.self)
                } else {
                    text = String(validating: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]), as: UTF8.self)
                }
                guard let text else {
                    index = start
                    throw error("the string starting here is not valid UTF-8")
                }
                index += 1
                return text
            case UInt8(ascii: "\\"):
                var buffer = decoded ?? []
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                try appendEscape(to: &buffer)
                decoded = buffer
                segmentStart = index
            case 0..<0x20:
                throw error("a control character (\(Self.hexByte(byte))) inside a string must be escaped")
            default:
                index += 1
            }
        }
    }

    /// Decodes the escape at `index` (the backslash) into UTF-8 and moves past it.
    private mutating func appendEscape(to buffer: inout [UInt8]) throws(JSONSyntaxError) {
        guard index + 1 < bytes.count else { throw error("the text ends inside an escape sequence") }
        let escaped = bytes[index + 1]
        let simple: UInt8? =
            switch escaped {
            case UInt8(ascii: "\""): 0x22
            case UInt8(ascii: "\\"): 0x5C
            case UInt8(ascii: "/"): 0x2F
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            buffer.append(simple)
            index += 2
            return
        }
        guard escaped == UInt8(ascii: "u") else {
            throw error("unknown escape '\\\(Self.character(escaped))'; JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
        }
        var scalar = try hexQuad(at: index + 2)
        index += 6
        if (0xD800..<0xDC00).contains(scalar) {
            let low: UInt32? =
                index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u")
                ? try hexQuad(at: index + 2) : nil
            guard let low, (0xDC00..<0xE000).contains(low) else {
                index -= 6
                throw error("\\u escape of a high surrogate without its low surrogate")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            index += 6
        } else if (0xDC00..<0xE000).contains(scalar) {
            index -= 6
            throw error("\\u escape of a low surrogate without a high surrogate before it")
        }
        buffer.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    private func hexQuad(at start: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard start + offset < bytes.count, let digit = Self.hexValue(bytes[start + offset]) else {
                throw error(at: min(start + offset, bytes.count), "\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: numbers and words

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, rounded to the nearest double;
    /// beyond the double range it is ±∞ (the validator reports the field), below it 0.
    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit after '-', found \(found())") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) { throw error("a number cannot have a leading zero") }
        } else {
            skipDigits()
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit after '.', found \(found())") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("expected a digit in the exponent, found \(found())") }
            skipDigits()
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        // Integers of up to 15 digits are exact in a double: no need for the general conversion.
        if isInteger, text.count <= 16 {
            var value = 0
            for byte in text where byte != UInt8(ascii: "-") { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            if value < 1_000_000_000_000_000 { return text[0] == UInt8(ascii: "-") ? -Double(value) : Double(value) }
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else {
            throw error(at: start, "the number cannot be read")
        }
        return value
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for (offset, byte) in expected.enumerated() where index + offset >= bytes.count || bytes[index + offset] != byte {
            throw error("expected a value (an object, array, string, number, true, false or null), found \(found())")
        }
        index += expected.count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    // MARK: errors

    /// What is at `index`, for a message: `'x'`, `byte 0xff` or `the end of the text`.
    private func found() -> String {
        guard index < bytes.count else { return "the end of the text" }
        let byte = bytes[index]
        return (0x21..<0x7F).contains(byte) ? "'\(Self.character(byte))'" : (byte == 0x20 ? "a space" : "byte \(Self.hexByte(byte))")
    }

    private static func character(_ byte: UInt8) -> String { String(UnicodeScalar(byte)) }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    private func error(_ reason: String) -> JSONSyntaxError { error(at: index, reason) }

    private func error(at offset: Int, _ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, in: bytes, reason: reason)
    }
}

/// Where and why a text is not JSON. Lines and columns count from 1; columns count characters
/// (Unicode scalars), as editors do.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// The byte offset from the start of the text.
    public var offset: Int
    public var reason: String

    init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>, reason: String) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "line \(line), column \(column): \(reason)" }
}
