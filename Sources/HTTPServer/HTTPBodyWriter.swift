/// Writes the chunks of a streamed response (`HTTPResponseBody.stream`).
///
/// `write` returns once the bytes are queued and the connection's unsent bytes are below
/// `HTTPLimits.streamBufferBytes`; a client that reads slowly therefore slows the writer instead
/// of growing memory. It throws `HTTPBodyWriterError` once the client is gone, the write timeout
/// expired or the server is shutting down past its grace period: stop producing then.
/// Each `write` goes out whole as one chunk; writes from concurrent tasks are not ordered.
public struct HTTPBodyWriter: Sendable {
    let sink: any ResponseBodySink

    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await sink.writeBodyChunk(bytes)
    }

    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }
}

/// Why a streamed body can take no more bytes.
public struct HTTPBodyWriterError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "response stream closed: \(reason)" }
}

/// Where a body writer's chunks go (the connection; a test double in unit tests).
protocol ResponseBodySink: Sendable {
    func writeBodyChunk(_ bytes: [UInt8]) async throws
}
