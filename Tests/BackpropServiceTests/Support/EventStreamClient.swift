import Foundation
import Posix
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

    private let socket: ClientSocket
    private let timeout: Duration
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
        timeout = .seconds(timeoutSeconds)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        for (name, value) in extra { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        socket = try ClientSocket(host: "127.0.0.1", port: port, before: .now + timeout)
        try socket.send(Array(request.utf8), before: .now + timeout)
        try readHead()
    }

    private func fill() throws -> Bool {
        let bytes = try socket.receive(upTo: 16384, before: .now + timeout)
        raw += bytes
        return !bytes.isEmpty
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
            let (field, value) =
                line.firstIndex(of: ":").map { (line[..<$0], line[line.index(after: $0)...].drop { $0 == " " }) } ?? (line[...], ""[...])
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
