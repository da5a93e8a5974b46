/// How a response body is delimited on the wire.
enum ResponseFraming: Hashable {
    /// `Content-Length: n` (also for HEAD, where the body is then omitted).
    case contentLength(Int)
    case chunked
    /// HTTP/1.0 streaming: the body ends when the connection closes.
    case closeDelimited
    /// 1xx, 204, 304: no body and no length.
    case noBody
}

/// Serialises response heads. The server owns the framing fields; handler headers that would
/// break framing or inject lines (names that are not tokens, values with CR, LF or NUL) are dropped.
struct ResponseHeadEncoder {
    private let serverField: [UInt8]
    private var date = HTTPDate()
    /// Status lines already built, by code (with the reason phrase they were built for).
    private var statusLines: [Int: (reason: String, bytes: [UInt8])] = [:]

    init(serverName: String) {
        serverField = Array("Server: \(serverName)\r\n".utf8)
    }

    static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let dateName: [UInt8] = Array("Date: ".utf8)
    private static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    private static let chunkedField: [UInt8] = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let closeField: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let keepAliveField: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let colonSpace: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: " ")]

    mutating func encode(
        status: HTTPStatus, headers: HTTPHeaders, framing: ResponseFraming,
        close: Bool, keepAliveHeader: Bool, into buffer: inout [UInt8]
    ) {
        appendStatusLine(status, to: &buffer)
        buffer.append(contentsOf: Self.dateName)
        buffer.append(contentsOf: date.current())
        buffer.append(contentsOf: Self.crlf)
        var hasServer = false
        for (name, value) in headers {
            switch Self.classify(name: name, value: value) {
            case .skip:
                continue
            case .server:
                hasServer = true
            case .other:
                break
            }
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: Self.colonSpace)
            buffer.append(contentsOf: value.utf8)
            buffer.append(contentsOf: Self.crlf)
        }
        if !hasServer { buffer.append(contentsOf: serverField) }
        switch framing {
        case .contentLength(let length):
            buffer.append(contentsOf: Self.contentLengthName)
            Self.appendDecimal(length, to: &buffer)
            buffer.append(contentsOf: Self.crlf)
        case .chunked:
            buffer.append(contentsOf: Self.chunkedField)
        case .closeDelimited, .noBody:
            break
        }
        if close {
            buffer.append(contentsOf: Self.closeField)
        } else if keepAliveHeader {
            buffer.append(contentsOf: Self.keepAliveField)
        }
        buffer.append(contentsOf: Self.crlf)
    }

    private mutating func appendStatusLine(_ status: HTTPStatus, to buffer: inout [UInt8]) {
        if let cached = statusLines[status.code], cached.reason == status.reasonPhrase {
            buffer.append(contentsOf: cached.bytes)
            return
        }
        var line = Array("HTTP/1.1 ".utf8)
        Self.appendDecimal(status.code, to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: status.reasonPhrase.utf8.filter { $0 != 0x0D && $0 != 0x0A })
        line.append(contentsOf: Self.crlf)
        if statusLines.count < 64 { statusLines[status.code] = (status.reasonPhrase, line) }
        buffer.append(contentsOf: line)
    }

    enum FieldKind { case skip, server, other }

    /// Drops fields the server writes itself (Content-Length, Transfer-Encoding, Connection, Date)
    /// and invalid ones; notes a handler-provided Server.
    static func classify(name: String, value: String) -> FieldKind {
        var name = name
        let nameKind: FieldKind? = name.withUTF8 { bytes in
            guard !bytes.isEmpty else { return nil }
            for byte in bytes where !RequestParser.isTokenByte(byte) { return nil }
            let raw = UnsafeRawBufferPointer(bytes)
            switch bytes[0] | 0x20 {
            case UInt8(ascii: "c"):
                if RequestParser.name(raw, is: "content-length") || RequestParser.name(raw, is: "connection") { return .skip }
            case UInt8(ascii: "t"):
                if RequestParser.name(raw, is: "transfer-encoding") { return .skip }
            case UInt8(ascii: "d"):
                if RequestParser.name(raw, is: "date") { return .skip }
            case UInt8(ascii: "s"):
                if RequestParser.name(raw, is: "server") { return .server }
            default:
                break
            }
            return .other
        }
        guard let nameKind else { return .skip }
        if nameKind == .skip { return .skip }
        var value = value
        let valueIsSafe = value.withUTF8 { bytes in
            for byte in bytes where byte == 0x0D || byte == 0x0A || byte == 0 { return false }
            return true
        }
        return valueIsSafe ? nameKind : .skip
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { storage in
            while rest > 0 {
                storage[19 - count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            buffer.append(contentsOf: storage[(20 - count)...])
        }
    }

    /// `size-in-hex CRLF` before a chunk.
    static func chunkPrefix(_ size: Int) -> [UInt8] {
        Array(String(size, radix: 16).utf8) + [0x0D, 0x0A]
    }

    static let chunkSuffix: [UInt8] = [0x0D, 0x0A]
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
}
