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

    init(serverName: String) {
        serverField = Array("Server: \(serverName)\r\n".utf8)
    }

    static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    mutating func encode(status: HTTPStatus, headers: HTTPHeaders, framing: ResponseFraming,
                         close: Bool, keepAliveHeader: Bool, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status.code, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: status.reasonPhrase.utf8)
        buffer.append(contentsOf: "\r\nDate: ".utf8)
        buffer.append(contentsOf: date.current())
        buffer.append(contentsOf: "\r\n".utf8)
        var hasServer = false
        for (name, value) in headers {
            if Self.isFramingField(name) || !Self.isValidField(name: name, value: value) { continue }
            if name.equalsIgnoringASCIICase("Server") { hasServer = true }
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: ": ".utf8)
            buffer.append(contentsOf: value.utf8)
            buffer.append(contentsOf: "\r\n".utf8)
        }
        if !hasServer { buffer.append(contentsOf: serverField) }
        switch framing {
        case .contentLength(let length):
            buffer.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(length, to: &buffer)
            buffer.append(contentsOf: "\r\n".utf8)
        case .chunked:
            buffer.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .closeDelimited, .noBody:
            break
        }
        if close {
            buffer.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHeader {
            buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        buffer.append(contentsOf: "\r\n".utf8)
    }

    /// Fields the server writes itself.
    static func isFramingField(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("Content-Length") || name.equalsIgnoringASCIICase("Transfer-Encoding")
            || name.equalsIgnoringASCIICase("Connection") || name.equalsIgnoringASCIICase("Date")
    }

    static func isValidField(name: String, value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(RequestParser.isTokenByte)
            && value.utf8.allSatisfy { $0 != 0x0D && $0 != 0x0A && $0 != 0 }
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
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
