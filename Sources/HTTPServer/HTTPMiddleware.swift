/// An async request handler: may suspend for as long as it needs (a long-poll costs no thread).
/// Its task is cancelled when the client closes the connection or the server's grace period
/// ends; the response it then returns is discarded.
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse

/// A hook around every request. Middleware runs in array order for `screen`, `handle` and
/// `prepare`, so the first element is the outermost; `completed` runs in array order too.
///
/// `screen`, `prepare` and `completed` run synchronously on the connection's I/O queue: keep
/// them to microseconds and never block in them (hand slow work such as writing a log file to
/// another thread or task). `handle` runs where the route's handler runs.
public protocol HTTPMiddleware: Sendable {
    /// Runs on the request head before the body is read: a response here answers at once
    /// (e.g. 401 to an `Expect: 100-continue` request, without reading the body), skipping
    /// routing, `handle` and the handler. The head already carries `routePattern`.
    func screen(_ head: HTTPRequestHead) -> HTTPResponse?

    /// Wraps the handler of a routed request (not 404/405/automatic OPTIONS, not screened ones).
    func handle(_ request: HTTPRequest, next: HTTPHandler) async -> HTTPResponse

    /// Adjusts every response that answers a parsed head (screened, routed, 404/405, OPTIONS),
    /// just before it is written: the place for CORS or request-id headers.
    func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead)

    /// Called once per response after its last byte was handed to the kernel, or when the
    /// connection failed first (`exchange.finished == false`): the place for access logs and metrics.
    /// Also called for requests rejected before a head could be parsed (`exchange.head == nil`).
    func completed(_ exchange: HTTPExchange)
}

extension HTTPMiddleware {
    public func screen(_ head: HTTPRequestHead) -> HTTPResponse? { nil }
    public func handle(_ request: HTTPRequest, next: HTTPHandler) async -> HTTPResponse { await next(request) }
    public func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead) {}
    public func completed(_ exchange: HTTPExchange) {}
}

/// One request/response exchange as the middleware's `completed` hook sees it.
public struct HTTPExchange: Sendable {
    /// nil when the request was rejected before its head could be parsed (400, 408, 414, 431, 505, 503…).
    public var head: HTTPRequestHead?
    public var status: HTTPStatus
    public var responseHeaders: HTTPHeaders
    /// Request body bytes received (after chunked decoding).
    public var requestBodyBytes: Int
    /// Response body bytes written (without chunk framing; 0 for HEAD).
    public var responseBodyBytes: Int
    /// From the end of the request head (or the start of the rejected request) to the last byte written.
    public var duration: Duration
    /// False when the connection closed before the whole response was written.
    public var finished: Bool
    public var remoteAddress: String

    /// The matched route pattern (`/runs/{id}`), or nil for 404/405 and rejected requests.
    public var routePattern: String? { head?.routePattern }
}
