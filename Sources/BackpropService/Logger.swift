import Dispatch
import Posix

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// One line per event on stdout, as text (`TIME LEVEL message key=value…`, control characters
/// escaped: see `Logger+TextFormat.swift`) or JSON objects (`{"time":…,"level":…,"msg":…,
/// fields…}`, numbers as numbers).
/// Lines are buffered and written by a background queue, so a slow log reader never stalls an
/// HTTP I/O queue or a worker; past `maxBufferedBytes` lines are dropped and counted.
public final class Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error

        public var name: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            }
        }

        public init?(name: String) {
            guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = level
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public enum Format: String, Sendable, CaseIterable { case text, json }

    public let level: Level
    public let format: Format
    private let descriptor: Int32
    private let maxBufferedBytes = 4 << 20
    private let buffer = Locked<(bytes: [UInt8], flushScheduled: Bool, dropped: Int)>(([], false, 0))
    private let queue = DispatchQueue(label: "backpropd.log")

    public init(level: Level = .info, format: Format = .text, descriptor: Int32 = STDOUT_FILENO) {
        self.level = level
        self.format = format
        self.descriptor = descriptor
    }

    public func debug(_ message: String, _ fields: [(String, any LogValue)] = []) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, any LogValue)] = []) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: [(String, any LogValue)] = []) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [(String, any LogValue)] = []) { log(.error, message, fields) }

    public func log(_ level: Level, _ message: String, _ fields: [(String, any LogValue)]) {
        guard level >= self.level else { return }
        let line = Array(render(level, message, fields).utf8)
        let schedule = buffer.withLock { state -> Bool in
            guard state.bytes.count + line.count <= maxBufferedBytes else {
                state.dropped += 1
                return false
            }
            state.bytes += line
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule { queue.async { self.flush() } }
    }

    /// Writes everything buffered now (at shutdown, so the last lines are not lost).
    public func flush() {
        let (bytes, dropped) = buffer.withLock { state in
            defer { state = ([], false, 0) }
            return (state.bytes, state.dropped)
        }
        var pending = bytes
        if dropped > 0 { pending += Array(render(.warning, "log lines dropped (stdout too slow)", [("count", dropped)]).utf8) }
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    func render(_ level: Level, _ message: String, _ fields: [(String, any LogValue)]) -> String {
        let time = Timestamp.now().description
        switch format {
        case .text:
            var line = "\(time) \(level.name.uppercased()) \(Self.textMessage(message))"
            for (key, field) in fields {
                line += " \(Self.textMessage(key))=" + Self.textValue(field.logText)
            }
            return line + "\n"
        case .json:
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("time"); writer.string(time)
            writer.key("level"); writer.string(level.name)
            writer.key("msg"); writer.string(message)
            for (key, value) in fields {
                writer.key(key)
                value.writeJSON(to: &writer)
            }
            writer.endObject()
            return String(decoding: writer.bytes, as: UTF8.self) + "\n"
        }
    }
}
