/// One problem with user input: where (a JSON pointer into the request, e.g. `/inputs/2/1`) and
/// what is wrong, in words a user can act on.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public let pointer: String
    public let message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(pointer): \(message)" }
}

/// Why a dataset was refused: every problem found, not just the first.
public struct DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    public let issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
