import Foundation
import Glibc
import TestSupport

/// One Server-Sent Event as a client dispatches it (at its blank line).
struct StreamedEvent: @unchecked Sendable {
    var id: String?
    var name: String
    var data: [String: Any]
    var retry: Int?
}

/// Reads `GET /runs/{id}/events` over a plain socket, so a test can cut the stream wherever it
/// likes — after any number of bytes, mid-event — as a network would. Blocking reads with a
/// timeout: use it on a Dispatch thread (`offPool`), never on a Swift concurrency thread.
final class EventStreamClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let fd: Int32
    private var raw: [UInt8] = []
    /// De-chunked body bytes not yet parsed into events.
    private var body: [UInt8] = []
    private var chunkLeft = 0
    private var finished = false
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    /// Body bytes received so far.
    private(set) var bytesRead = 0

    init(port: Int, path: String, headers extra: [String: String] = [:], timeoutSeconds: Int = TestTime.scaled(seconds: 60)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect failed: errno \(errno)")
        }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in extra { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            Glibc.close(fd)
            throw Failure(description: "send failed")
        }
        try readHead()
    }

    deinit { Glibc.close(fd) }

    private func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw Failure(description: "read failed: errno \(errno)") }
        if count == 0 { return false }
        raw += buffer[..<count]
        return true
    }

    private func readHead() throws {
        while true {
            if let end = raw.firstRange(of: Array("\r\n\r\n".utf8)) {
                let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                status = Int(lines[0].split(separator: " ")[1]) ?? 0
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                raw.removeSubrange(..<end.upperBound)
                return
            }
            guard try fill() else { throw Failure(description: "connection closed before the head") }
        }
    }

    /// Moves whole chunk data from `raw` into `body`; false once the last chunk was seen.
    private func dechunk() {
        while !finished {
            if chunkLeft > 0 {
                let take = min(chunkLeft, raw.count)
                guard take > 0 else { return }
                body += raw[..<take]
                bytesRead += take
                raw.removeSubrange(..<take)
                chunkLeft -= take
                continue
            }
            // "\r\n" after a chunk's data, then "<hex size>\r\n".
            var start = 0
            if raw.starts(with: [13, 10]) { start = 2 }
            guard let lineEnd = raw[start...].firstRange(of: [13, 10]) else { return }
            let size = Int(String(decoding: raw[start..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            raw.removeSubrange(..<lineEnd.upperBound)
            if size == 0 { finished = true; return }
            chunkLeft = size
        }
    }

    /// The next complete event; nil once the stream has ended. With `byteLimit`, stops (nil)
    /// instead once that many body bytes have arrived without completing an event — a cut.
    func next(byteLimit: Int = .max) throws -> StreamedEvent? {
        while true {
            dechunk()
            while let end = body.firstRange(of: [10, 10]) {
                let block = String(decoding: body[..<end.lowerBound], as: UTF8.self)
                body.removeSubrange(..<end.upperBound)
                if let event = Self.parse(block) { return event }
            }
            if finished || bytesRead >= byteLimit { return nil }
            guard try fill() else { return nil }
        }
    }

    /// Reads until the stream ends.
    func rest() throws -> [StreamedEvent] {
        var events: [StreamedEvent] = []
        while let event = try next() { events.append(event) }
        return events
    }

    static func parse(_ block: String) -> StreamedEvent? {
        var event = StreamedEvent(id: nil, name: "message", data: [:], retry: nil)
        var data = ""
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") { continue }
            let (field, value) = line.firstIndex(of: ":").map { (line[..<$0], line[line.index(after: $0)...].drop { $0 == " " }) } ?? (line[...], ""[...])
            switch field {
            case "id": event.id = String(value)
            case "event": event.name = String(value)
            case "data": data += value
            case "retry": event.retry = Int(value)
            default: break
            }
        }
        guard !data.isEmpty else { return nil }
        event.data = (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:]
        return event
    }
}
