import Backprop
import HTTPServer

/// A request's query read against the parameters its endpoint takes. Every problem — a name the
/// endpoint does not take, a name given twice, a value out of range — is collected, and `check()`
/// throws them all as one 422, each named `query:NAME`.
struct QueryParameters {
    private let items: [HTTPQueryItem]
    private(set) var issues: [ValidationIssue] = []

    /// `allowed`: the endpoint's parameter names (empty for endpoints that take none);
    /// `repeatable`: those of them that may be given more than once (`label=…&label=…`).
    init(_ request: HTTPRequest, allowed: [String], repeatable: Set<String> = []) {
        items = request.head.queryItems
        var seen: Set<String> = []
        for item in items {
            if !allowed.contains(item.name) {
                let accepted = allowed.isEmpty ? "this endpoint takes no query parameters" : "this endpoint takes \(allowed.joined(separator: ", "))"
                issues.append(ValidationIssue("query:\(item.name)", "unknown parameter; \(accepted)"))
            } else if !seen.insert(item.name).inserted, !repeatable.contains(item.name) {
                issues.append(ValidationIssue("query:\(item.name)", "given more than once; give it once"))
            }
        }
    }

    /// The value of `name` if it was given (the first, when repeated: that is reported anyway).
    func string(_ name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value of a repeatable parameter, in the order given.
    func strings(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// Records an issue with a parameter's value (a rule the helpers below do not cover).
    mutating func report(_ name: String, _ message: String) {
        issues.append(ValidationIssue("query:\(name)", message))
    }

    /// An integer in `range`, written as the schema writes integers: decimal digits with an
    /// optional minus (`Int()` alone would also take "+5"). With an open upper end (`Int.max`),
    /// digits beyond Int read as Int.max.
    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(name) else { return nil }
        let unsigned = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        let isDecimal = !unsigned.isEmpty && unsigned.allSatisfy { (48...57).contains($0) }
        if range.upperBound == .max, isDecimal, !text.hasPrefix("-"), Int(text) == nil { return .max }
        guard isDecimal, let value = Int(text), range.contains(value) else {
            let upper = range.upperBound == .max ? " or more" : " to \(range.upperBound)"
            issues.append(ValidationIssue("query:\(name)", "expected an integer from \(range.lowerBound)\(upper), got \(quoted(text))"))
            return nil
        }
        return value
    }

    /// A value `parse` accepts; otherwise an issue saying what was `expected`.
    mutating func value<Value>(_ name: String, expected: String, _ parse: (String) -> Value?) -> Value? {
        guard let text = string(name) else { return nil }
        guard let value = parse(text) else {
            issues.append(ValidationIssue("query:\(name)", "expected \(expected), got \(quoted(text))"))
            return nil
        }
        return value
    }

    /// Throws every issue found so far as one problem.
    func check() throws(Problem) {
        if !issues.isEmpty { throw Problem.invalidFields(issues) }
    }
}
