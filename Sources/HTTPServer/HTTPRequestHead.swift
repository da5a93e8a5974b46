/// Everything about a request known before its body is read: what `HTTPMiddleware.screen`
/// sees. The router fills `routePattern` and `pathParameters` before any middleware runs.
public struct HTTPRequestHead: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent (origin-form `/runs/a?x=1`, or absolute-form).
    public var target: String
    /// The percent-decoded path, without the query.
    public var path: String
    public var queryItems: [HTTPQueryItem]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The peer as `127.0.0.1:54321` or `[::1]:54321` (IPv4-mapped IPv6 peers are shown as IPv4).
    public var remoteAddress: String
    /// The matched route, e.g. `/runs/{id}`; nil when no route matched (the request is then a 404/405).
    /// Use it, not `path`, as a metrics label: it has bounded cardinality.
    public var routePattern: String?
    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]

    public init(method: HTTPMethod, target: String, path: String? = nil, queryItems: [HTTPQueryItem] = [],
                version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:], remoteAddress: String = "",
                routePattern: String? = nil, pathParameters: [String: String] = [:]) {
        self.method = method
        self.target = target
        self.path = path ?? String(target.prefix { $0 != "?" })
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.routePattern = routePattern
        self.pathParameters = pathParameters
    }

    /// The first query value named `name`, decoded.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the client asked to keep the connection open after this request
    /// (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var wantsKeepAlive: Bool {
        let connection = headers.tokens(for: "Connection")
        if version == .http1_0 { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}
