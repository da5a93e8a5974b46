import Testing

/// A named raw request and the status it must get: rows of table-driven tests.
struct RequestCase: CustomTestStringConvertible, Sendable {
    let name: String
    let request: String
    let status: Int
    var testDescription: String { name }
}
