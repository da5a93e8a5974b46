import Posix
import TestSupport

@testable import HTTPServer

/// A TCP client that speaks raw bytes, for socket-level tests. Every step has a timeout, so a
/// server that fails to answer fails the test instead of hanging it.
final class RawClient: @unchecked Sendable {  // used by one thread at a time
    private let socket: ClientSocket
    private let readTimeout: Duration
    private var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `source` binds the client to that local address first (127.0.0.2 …: another client);
    /// `receiveBuffer` shrinks the socket's receive buffer (and so the TCP window): a slow reader.
    /// `readTimeout` is how long the server may take to answer: 5 s, scaled for sanitized runs
    /// (TestTime), where a busy machine made the server of a TSan run miss an unscaled 5 s.
    init(port: Int, host: String = "127.0.0.1", source: String? = nil, readTimeout: Int = TestTime.scaled(seconds: 5), receiveBuffer: Int32? = nil)
        throws
    {
        self.readTimeout = .seconds(readTimeout)
        do {
            socket = try ClientSocket(
                host: host, port: port, source: source, receiveBuffer: receiveBuffer,
                before: .now + .seconds(readTimeout))
        } catch {
            throw Failure(description: "connect to \(host):\(port) failed: \(error)")
        }
    }

    /// Closes the socket now (otherwise the deinitializer does).
    func close() { socket.close() }

    /// Makes closing send a reset (SO_LINGER 0) instead of a FIN.
    func resetOnClose() { socket.resetOnClose() }

    func setReceiveBuffer(_ bytes: Int32) { socket.setReceiveBuffer(bytes) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        do {
            try socket.send(bytes, before: .now + readTimeout)
        } catch {
            throw Failure(description: "send failed: \(error)")
        }
    }

    func shutdownWrite() { socket.shutdownWrite() }

    /// Reads more bytes into the buffer; false at EOF or on a reset.
    @discardableResult
    private func fill() throws -> Bool {
        do throws(ClientSocket.Failure) {
            let chunk = try socket.receive(before: .now + readTimeout)
            buffer += chunk
            return !chunk.isEmpty
        } catch  where error.wasReset {
            return false
        } catch {
            throw Failure(description: "read failed: \(error)")
        }
    }

    private func line() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeFirst(newline + 1)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fill() else { throw Failure(description: "connection closed mid-line") }
        }
    }

    private func bytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw Failure(description: "connection closed with \(buffer.count) of \(count) body bytes") }
        }
        let taken = Array(buffer[..<count])
        buffer.removeFirst(count)
        return taken
    }

    /// Reads one response; `forHead` when the request was HEAD (no body follows).
    func readResponse(forHead: Bool = false) throws -> RawResponse {
        let statusLine = try line()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(description: "bad status line: \(statusLine)")
        }
        var headers = HTTPHeaders()
        while true {
            let field = try line()
            if field.isEmpty { break }
            guard let colon = field.firstIndex(of: ":") else { throw Failure(description: "bad header line: \(field)") }
            headers.add(String(field[..<colon]), String(field[field.index(after: colon)...].drop { $0 == " " }))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        if forHead || status < 200 || status == 204 || status == 304 { return response }
        if let length = headers["Content-Length"].flatMap(Int.init) {
            response.body = try bytes(length)
        } else if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = try line()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    throw Failure(description: "bad chunk size line: \(sizeLine)")
                }
                if size == 0 {
                    while try !line().isEmpty {}
                    break
                }
                response.body += try bytes(size)
                _ = try line()
            }
        } else {
            response.body = try readToEnd()
        }
        return response
    }

    /// Everything until the server closes.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// True when the server closed the connection (EOF or reset) before `timeout` seconds.
    func isClosedByServer() -> Bool {
        do {
            while try fill() {}
            return true
        } catch {
            return false
        }
    }
}

struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}
