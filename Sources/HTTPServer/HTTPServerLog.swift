/// A diagnostic from the server itself (not per request: use `HTTPMiddleware.completed` for
/// access logs). Set `HTTPServerConfiguration.log` to route them into the service's logger.
public struct HTTPServerLogRecord: Sendable, CustomStringConvertible {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var level: Level
    public var message: String

    public init(level: Level, message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "[\(level)] \(message)" }
}

/// Receives server diagnostics; called from the I/O queues, so it must not block.
public typealias HTTPServerLogger = @Sendable (HTTPServerLogRecord) -> Void
