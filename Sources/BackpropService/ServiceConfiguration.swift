public import HTTPServer

/// Everything `backpropd serve` can be told (each field has a flag and an environment variable;
/// see `ServeOptions` in the executable and api.md).
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (the log line and `BackpropService.start()` tell which).
    public var port = 8080
    public var dataDirectory = "./data"
    /// A second port for /healthz, /readyz and /metrics only, with connections of its own, so
    /// probes are answered whatever holds the main port's (nil: none; 0 picks a free port).
    public var adminPort: Int?
    public var registry = RunRegistry.Configuration()
    public var limits = ServiceLimits()
    /// Largest accepted request body.
    public var maxBodyBytes = 1 << 20
    /// The HTTP server's timeouts and connection bounds (its `maxBodyBytes` is the one above).
    public var http = HTTPLimits()
    /// Longest `?wait=` a client may ask for, in seconds.
    public var maxWaitSeconds = 60
    /// When set, every /runs route needs `Authorization: Bearer <token>` (see `APIToken` for
    /// what a token may be).
    public var apiToken: String?
    /// Serving a non-loopback address without `apiToken` is refused unless this says it is meant
    /// (a proxy in front authenticates, or the network is private).
    public var allowUnauthenticated = false
    /// Origin allowed to call the API from a browser (`*` for any); nil sends no CORS headers.
    public var corsOrigin: String?
    /// How long a graceful shutdown waits for in-flight responses.
    public var shutdownGraceSeconds = 5
    public var logLevel = Logger.Level.info
    public var logFormat = Logger.Format.text

    public init() {}
}
