public import Backprop

/// An RFC 9457 problem document (`application/problem+json`). Every error the API returns is one.
public struct Problem: Error, Sendable, Equatable {
    public var status: Int
    public var title: String
    public var detail: String
    /// Every invalid field, each named with a JSON pointer (empty unless the status is 400/422).
    public var errors: [ValidationIssue]
    /// Extra response headers the status needs: `Retry-After` for 429, `WWW-Authenticate` for 401.
    public var headers: [(String, String)]

    public init(status: Int, title: String, detail: String, errors: [ValidationIssue] = [], headers: [(String, String)] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.title == rhs.title && lhs.detail == rhs.detail && lhs.errors == rhs.errors
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }

    /// The `type` URI: a stable, documented name for the kind of problem (see api.md).
    public var type: String {
        "https://backpropd.dev/problems/" + title.lowercased().split(separator: " ").joined(separator: "-")
    }

    public func json(instance: String? = nil) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type"); writer.string(type)
        writer.key("title"); writer.string(title)
        writer.key("status"); writer.int(status)
        writer.key("detail"); writer.string(detail)
        if let instance { writer.key("instance"); writer.string(instance) }
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for issue in errors {
                writer.beginObject()
                writer.key("pointer"); writer.string(issue.pointer)
                writer.key("detail"); writer.string(issue.message)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }
}

extension Problem {
    public static func invalidFields(_ issues: [ValidationIssue]) -> Problem {
        let names = issues.map(\.pointer).joined(separator: ", ")
        return Problem(
            status: 422, title: "Invalid request",
            detail: "\(issues.count) invalid field\(issues.count == 1 ? "" : "s"): \(names)", errors: issues)
    }

    public static func malformedJSON(_ message: String) -> Problem {
        Problem(status: 400, title: "Malformed JSON", detail: message, errors: [ValidationIssue("", message)])
    }

    public static func notFound(_ what: String) -> Problem {
        Problem(status: 404, title: "Not found", detail: what)
    }

    public static func unsupportedMediaType(_ got: String?) -> Problem {
        Problem(
            status: 415, title: "Unsupported media type",
            detail: "send the body as application/json" + (got.map { " (got \($0))" } ?? " (no Content-Type given)"),
            errors: [ValidationIssue("header:Content-Type", "must be application/json")])
    }

    public static func queueFull(pendingTrials: Int, limit: Int, retryAfterSeconds: Int) -> Problem {
        Problem(
            status: 429, title: "Queue full",
            detail: "the queue holds \(pendingTrials) of at most \(limit) trials; retry in \(retryAfterSeconds) s or raise --queue-limit",
            headers: [("Retry-After", String(retryAfterSeconds))])
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(
            status: 401, title: "Unauthorized", detail: detail,
            headers: [("WWW-Authenticate", "Bearer realm=\"backpropd\"")])
    }

    /// The stored runs are still loading (start-up): the answer would be incomplete.
    public static func starting(_ loading: (read: Int, total: Int)) -> Problem {
        Problem(
            status: 503, title: "Starting",
            detail: "the server is loading its stored runs (\(loading.read) of \(loading.total) files read); retry in a moment",
            headers: [("Retry-After", "1")])
    }

    /// A long-poll the server's shutdown interrupted: the run is not lost, ask the successor.
    public static func restarting(retryAfterSeconds: Int) -> Problem {
        Problem(
            status: 503, title: "Server restarting",
            detail: "the server is shutting down; its runs continue on its successor — ask again in \(retryAfterSeconds) s",
            headers: [("Retry-After", String(retryAfterSeconds))])
    }

    public static func insufficientStorage(_ detail: String) -> Problem {
        Problem(status: 507, title: "Insufficient storage", detail: detail)
    }
}
