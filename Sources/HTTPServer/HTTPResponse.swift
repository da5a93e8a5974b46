/// A response as a handler returns it. The server owns the framing fields: it sets `Date`,
/// `Server` (unless given), `Content-Length` or `Transfer-Encoding`, and `Connection`; values
/// given for the last three are ignored, except that `Connection: close` closes after this response.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody
    /// Set by `problem(_:detail:headers:)`: the server renders the response with its
    /// configuration's `problemRenderer` before sending it (see `HTTPProblem`).
    public internal(set) var problem: HTTPProblem?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: HTTPResponseBody = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `bytes`, sent with `Content-Length`.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], bytes: [UInt8]) {
        self.init(status: status, headers: headers, body: .bytes(bytes))
    }

    /// An RFC 9457 problem document (`application/problem+json`) with `detail` as the explanation,
    /// as the server's `problemRenderer` shapes it (by default `HTTPProblem.defaultRendering`).
    public static func problem(_ status: HTTPStatus, detail: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        problem(HTTPProblem(status: status, detail: detail, headers: headers))
    }

    static func problem(_ problem: HTTPProblem) -> HTTPResponse {
        var response = problem.defaultRendering(path: problem.path)
        response.problem = problem
        return response
    }
}

/// How the body is produced.
public enum HTTPResponseBody: Sendable {
    /// A complete body, sent with `Content-Length` in the same write as the head.
    case bytes([UInt8])
    /// A body produced over time (Server-Sent Events, large exports): the head is sent at once,
    /// then every `write` goes out as a chunk (HTTP/1.0 clients get a close-delimited body).
    /// Returning ends the body; throwing aborts the connection so the client sees a truncated
    /// response. Not called for HEAD requests or statuses without a body. The closure runs
    /// where the route's handler runs and its task is cancelled if the client goes away.
    case stream(@Sendable (HTTPBodyWriter) async throws -> Void)
}

/// Minimal JSON string escaping for the server's own problem documents.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
