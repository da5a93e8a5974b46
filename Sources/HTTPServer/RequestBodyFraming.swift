/// How the body of a request is delimited (RFC 9112 §6.3).
enum RequestBodyFraming: Hashable, Sendable {
    case none
    case contentLength(Int)
    case chunked

    var hasBody: Bool {
        switch self {
        case .none, .contentLength(0): false
        default: true
        }
    }
}

/// A parsed and validated request head with what the connection needs to read its body.
struct ParsedRequestHead: Sendable {
    var head: HTTPRequestHead
    var framing: RequestBodyFraming
    /// The client sent `Expect: 100-continue` (HTTP/1.1, with a body) and waits before sending the body.
    var expectsContinue: Bool
    /// The path as sent, still percent-encoded: the router matches segments before decoding them.
    var rawPath: String
}
