/// A problem the server answers by itself, before or instead of a handler: a rejected request
/// (400, 413, 431, …), no route (404), a method the path does not take (405), a timeout (408),
/// the connection limit (503). The application decides what its body looks like by setting
/// `HTTPServerConfiguration.problemRenderer`, so every error of the API has one shape; the
/// server only says what happened.
public struct HTTPProblem: Sendable {
    public var status: HTTPStatus
    /// What happened, in words for the client.
    public var detail: String
    /// Headers the status needs (`Allow` on a 405, `Retry-After` on a 503); a renderer keeps them.
    public var headers: HTTPHeaders
    /// The request's path when the server read that far (nil: the request's own, if any).
    var path: String?

    public init(status: HTTPStatus, detail: String, headers: HTTPHeaders = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    init(status: HTTPStatus, detail: String, path: String?) {
        self.init(status: status, detail: detail)
        self.path = path
    }

    /// `{"type":"about:blank","title":REASON,"status":CODE,"detail":DETAIL}` (plus `instance`, the
    /// request path, when the request got that far), as `application/problem+json`.
    public func defaultRendering(path: String?) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/problem+json"
        var json =
            #"{"type":"about:blank","title":"# + JSONText.quoted(status.reasonPhrase)
            + #","status":\#(status.code),"detail":"# + JSONText.quoted(detail)
        if let path { json += #","instance":"# + JSONText.quoted(path) }
        return HTTPResponse(status: status, headers: headers, bytes: Array((json + "}").utf8))
    }
}

/// Shapes the server's own problems: the problem and the request's path (nil when the request
/// was rejected before its head was read). Runs on an I/O queue: it must not block.
public typealias HTTPProblemRenderer = @Sendable (HTTPProblem, _ path: String?) -> HTTPResponse
