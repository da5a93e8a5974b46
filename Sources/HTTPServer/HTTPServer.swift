import Posix

/// An HTTP/1.1 server on non-blocking sockets driven by Dispatch read and write sources.
///
/// Connections are spread over `configuration.ioQueues` serial Dispatch queues; parsing,
/// routing, screening and writing happen there, handlers run as tasks (see
/// `HTTPHandlerExecution`) and their results come back to the queue. A pending handler costs
/// no thread. Every limit is in `configuration.limits`.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let state = Locked(State.idle)

    private enum State {
        case idle
        case running(listeners: [Listener], ioQueues: [IOQueue])
        case stopped
    }

    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: Router,
        middleware: [any HTTPMiddleware] = []
    ) {
        self.configuration = configuration
        context = ServerContext(
            router: router, middleware: middleware, limits: configuration.limits, log: configuration.log,
            reservedPaths: configuration.reservedPaths, problemRenderer: configuration.problemRenderer)
    }

    /// Binds, starts accepting and returns the bound port (the ephemeral one when `port` is 0).
    /// Also ignores SIGPIPE process-wide and raises the open-file soft limit to the hard limit.
    /// Throws `SocketError` when binding fails; a server starts once.
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { state in
            guard case .idle = state else { throw SocketError("start (the server was already started)", errno: 0) }
            ProcessLimits.ignoreBrokenPipeSignal()
            if let raised = ProcessLimits.raiseOpenFileLimit(), raised.new != raised.old {
                context.log(.info, "open-file limit raised from \(raised.old) to \(raised.new)")
            }
            let sockets = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
            let tick = Self.tickInterval(configuration.limits)
            let ioQueues = (0..<max(1, configuration.ioQueues)).map {
                IOQueue(index: $0, serverName: configuration.serverName, tickInterval: tick)
            }
            for ioQueue in ioQueues { ioQueue.start() }
            let listeners = sockets.map { Listener(socket: $0, ioQueues: ioQueues, context: context) }
            for listener in listeners { listener.start() }
            state = .running(listeners: listeners, ioQueues: ioQueues)
            context.log(.info, "listening on \(sockets.map(\.address).joined(separator: ", "))")
            return sockets[0].port
        }
    }

    /// The bound port while running.
    public var port: Int? {
        state.withLock { state in
            if case .running(let listeners, _) = state { return listeners.first?.socket.port }
            return nil
        }
    }

    /// Every bound address, e.g. `["[::]:8080"]`, while running.
    public var addresses: [String] {
        state.withLock { state in
            if case .running(let listeners, _) = state { return listeners.map(\.socket.address) }
            return []
        }
    }

    /// Open connections (those on reserved places over the limits excluded).
    public var connectionCount: Int { context.connectionCounts.open }

    /// Stops accepting, closes idle connections, lets in-flight requests finish (their responses
    /// carry `Connection: close`) until `gracePeriod` passes, then closes the rest, cancelling
    /// their handlers and failing their body writers. Returns when every connection is closed.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let running: (listeners: [Listener], ioQueues: [IOQueue])? = state.withLock { state in
            guard case .running(let listeners, let ioQueues) = state else { return nil }
            state = .stopped
            return (listeners, ioQueues)
        }
        guard let running else { return }
        for listener in running.listeners { await listener.stop() }
        for ioQueue in running.ioQueues { ioQueue.async { ioQueue.requestShutdown() } }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        while remainingConnections > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if remainingConnections > 0 {
            context.log(.info, "grace period over: closing \(remainingConnections) connections")
            for ioQueue in running.ioQueues { ioQueue.async { ioQueue.closeAll() } }
            while remainingConnections > 0 {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        for ioQueue in running.ioQueues { ioQueue.stop() }
        context.log(.info, "stopped")
    }

    private var remainingConnections: Int {
        let counts = context.connectionCounts
        return counts.open + counts.reserved
    }

    /// How often each I/O queue's timer looks for passed deadlines: a quarter of the shortest timeout, 10 ms…1 s.
    static func tickInterval(_ limits: HTTPLimits) -> Duration {
        let shortest = [
            limits.headerReadTimeout, limits.bodyReadTimeout, limits.idleTimeout, limits.writeTimeout,
            limits.lingerTimeout,
        ].min()!
        return min(max(shortest / 4, .milliseconds(10)), .seconds(1))
    }
}
