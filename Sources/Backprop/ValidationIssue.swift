/// One problem with user input: where (a JSON pointer into the request, e.g. `/inputs/2/1`, or
/// `header:NAME` / `query:NAME`) and what is wrong, in words a user can act on. The engine's
/// dataset checks, the service's request validation and its problem documents all use it.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public var pointer: String
    public var message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    public init(_ pointer: String, _ message: String) {
        self.init(pointer: pointer, message: message)
    }

    public var description: String { "\(pointer): \(message)" }
}

/// Why a dataset was refused: every problem found, not just the first.
public struct DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    public let issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
