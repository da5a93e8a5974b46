/// Where and how the server listens.
public struct HTTPServerConfiguration: Sendable {
    /// An address or name to bind. `"::"` (the default) accepts IPv6 and IPv4 on one socket,
    /// falling back to `0.0.0.0` without IPv6; `"localhost"` binds every address it resolves to.
    public var host: String = "::"
    /// 0 binds an ephemeral port; `HTTPServer.start()` returns the one bound.
    public var port: Int = 8080
    public var limits = HTTPLimits()
    /// Serial Dispatch queues that run the connections' read and write sources; connections are
    /// spread over them round-robin. Default: one per core.
    public var ioQueues: Int = ProcessLimits.processorCount
    /// The `Server` header sent on every response.
    public var serverName: String = "backpropd"
    /// `listen(2)` backlog.
    public var backlog: Int32 = 1024
    /// Paths served (GET and HEAD) even when every connection is taken, on the reserved places
    /// of `HTTPLimits.reservedConnections`: liveness and readiness probes, metrics.
    public var reservedPaths: Set<String> = []
    /// Server diagnostics (accept errors, limits raised, shutdown); nil discards them.
    public var log: HTTPServerLogger?
    /// The body of every problem the server answers by itself (see `HTTPProblem`): 404, 405,
    /// parser rejections, timeouts. Default: `HTTPProblem.defaultRendering`.
    public var problemRenderer: HTTPProblemRenderer = { problem, path in problem.defaultRendering(path: path) }

    public init(host: String = "::", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
