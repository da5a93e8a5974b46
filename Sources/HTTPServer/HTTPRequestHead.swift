/// Everything about a request known before its body is read: what `HTTPMiddleware.screen`
/// sees. The router fills `routePattern` and `pathParameters` before any middleware runs.
///
/// A value type; its fields live in one copy-on-write box, so passing a head around costs
/// one reference count rather than one per field.
public struct HTTPRequestHead: Sendable {
    private final class Storage: @unchecked Sendable {  // never mutated while shared: see `writable`
        var method: HTTPMethod
        var target: String
        var path: String
        var queryItems: [HTTPQueryItem]
        var version: HTTPVersion
        var headers: HTTPHeaders
        var remoteAddress: String
        var routePattern: String?
        var pathParameters: [String: String]

        init(
            method: HTTPMethod, target: String, path: String, queryItems: [HTTPQueryItem], version: HTTPVersion,
            headers: HTTPHeaders, remoteAddress: String, routePattern: String?, pathParameters: [String: String]
        ) {
            self.method = method
            self.target = target
            self.path = path
            self.queryItems = queryItems
            self.version = version
            self.headers = headers
            self.remoteAddress = remoteAddress
            self.routePattern = routePattern
            self.pathParameters = pathParameters
        }

        func copy() -> Storage {
            Storage(
                method: method, target: target, path: path, queryItems: queryItems, version: version, headers: headers,
                remoteAddress: remoteAddress, routePattern: routePattern, pathParameters: pathParameters)
        }
    }

    private var storage: Storage

    private var writable: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    public init(
        method: HTTPMethod, target: String, path: String? = nil, queryItems: [HTTPQueryItem] = [],
        version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:], remoteAddress: String = "",
        routePattern: String? = nil, pathParameters: [String: String] = [:]
    ) {
        storage = Storage(
            method: method, target: target, path: path ?? String(target.prefix { $0 != "?" }),
            queryItems: queryItems, version: version, headers: headers, remoteAddress: remoteAddress,
            routePattern: routePattern, pathParameters: pathParameters)
    }

    public var method: HTTPMethod {
        get { storage.method }
        set { writable.method = newValue }
    }

    /// The request target exactly as sent (origin-form `/runs/a?x=1`, or absolute-form).
    public var target: String {
        get { storage.target }
        set { writable.target = newValue }
    }

    /// The percent-decoded path, without the query.
    public var path: String {
        get { storage.path }
        set { writable.path = newValue }
    }

    public var queryItems: [HTTPQueryItem] {
        get { storage.queryItems }
        set { writable.queryItems = newValue }
    }

    public var version: HTTPVersion {
        get { storage.version }
        set { writable.version = newValue }
    }

    public var headers: HTTPHeaders {
        get { storage.headers }
        set { writable.headers = newValue }
    }

    /// The peer as `127.0.0.1:54321` or `[::1]:54321` (IPv4-mapped IPv6 peers are shown as IPv4).
    public var remoteAddress: String {
        get { storage.remoteAddress }
        set { writable.remoteAddress = newValue }
    }

    /// The matched route, e.g. `/runs/{id}`; nil when no route matched (the request is then a 404/405).
    /// Use it, not `path`, as a metrics label: it has bounded cardinality.
    public var routePattern: String? {
        get { storage.routePattern }
        set { writable.routePattern = newValue }
    }

    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String] {
        get { storage.pathParameters }
        set { writable.pathParameters = newValue }
    }

    /// The first query value named `name`, decoded.
    public func queryValue(_ name: String) -> String? {
        storage.queryItems.first { $0.name == name }?.value
    }

    /// Whether the client asked to keep the connection open after this request
    /// (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var wantsKeepAlive: Bool {
        if storage.version == .http1_0 { return storage.headers.hasToken("keep-alive", in: "Connection") }
        return !storage.headers.hasToken("close", in: "Connection")
    }
}
