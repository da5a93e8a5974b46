/// A complete request: its head and the whole body (bounded by `HTTPLimits.maxBodyBytes`).
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    public var method: HTTPMethod { head.method }
    public var path: String { head.path }
    public var headers: HTTPHeaders { head.headers }
    /// The matched route pattern, e.g. `/runs/{id}`.
    public var routePattern: String? { head.routePattern }

    /// Values of the route's `{name}` segments, e.g. `["id": "r_3kq"]` for `/runs/r_3kq`.
    public var pathParameters: [String: String] {
        get { head.pathParameters }
        set { head.pathParameters = newValue }
    }

    public func queryValue(_ name: String) -> String? { head.queryValue(name) }
}
