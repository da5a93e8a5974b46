/// A field value of a log line. `--log-format json` writes numbers and booleans as JSON numbers
/// and booleans (`"status":200`), so log pipelines can compare and sum them without parsing.
public protocol LogValue: Sendable {
    /// The value in a text line (`status=200`).
    var logText: String { get }
    func writeJSON(to writer: inout JSONWriter)
}

extension String: LogValue {
    public var logText: String { self }
    public func writeJSON(to writer: inout JSONWriter) { writer.string(self) }
}

extension Int: LogValue {
    public var logText: String { String(self) }
    public func writeJSON(to writer: inout JSONWriter) { writer.int(self) }
}

extension Double: LogValue {
    public var logText: String { description }
    /// A non-finite value (never expected) is written as its text rather than `null`.
    public func writeJSON(to writer: inout JSONWriter) { if isFinite { writer.double(self) } else { writer.string(description) } }
}

extension Bool: LogValue {
    public var logText: String { String(self) }
    public func writeJSON(to writer: inout JSONWriter) { writer.bool(self) }
}
