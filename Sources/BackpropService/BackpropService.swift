import Backprop
import Dispatch
public import HTTPServer

/// The training service: the run registry (workers, storage) behind the HTTP API. Start it with
/// `start()`, stop it with `shutdown()` (what SIGTERM does in `backpropd serve`).
public final class BackpropService: Sendable {
    public struct StartupError: Error, CustomStringConvertible {
        public var description: String
    }

    public let configuration: ServiceConfiguration
    public let registry: RunRegistry
    public let log: Logger
    private let server: HTTPServer
    /// Probes and metrics on `--admin-port`, when set.
    private let adminServer: HTTPServer?

    /// Checks the authentication settings and opens the data directory (failing clearly when it
    /// cannot be written); `start()` listens, then reloads the stored runs. `routes` adds routes of other parts (e.g. the
    /// dashboard at `/`); they get the same middleware (access log, CORS, auth on /runs).
    public init(configuration: ServiceConfiguration, log: Logger, routes: (inout Router) -> Void = { _ in }) throws(StartupError) {
        self.configuration = configuration
        self.log = log
        try Self.checkAuthentication(configuration, log: log)
        let store: RunStore
        do {
            store = try RunStore(dataDirectory: configuration.dataDirectory)
        } catch {
            throw StartupError(
                description:
                    "data directory \(configuration.dataDirectory) is not usable: \(error.description) (set --data-dir or BACKPROPD_DATA_DIR to a writable directory)"
            )
        }
        let metrics = ServiceMetrics()
        registry = RunRegistry(configuration: configuration.registry, store: store, metrics: metrics, log: log)

        var router = Router()
        RunsAPI(registry: registry, limits: configuration.limits, maxWaitSeconds: configuration.maxWaitSeconds).register(in: &router)
        let operations = OperationsAPI(
            registry: registry, apiDocument: OpenAPIDocument.bytes(limits: configuration.limits, maxWaitSeconds: configuration.maxWaitSeconds))
        operations.register(in: &router)
        Dashboard().register(in: &router)
        routes(&router)

        var middleware: [any HTTPMiddleware] = [AccessLog(log: log, metrics: metrics)]
        if let origin = configuration.corsOrigin { middleware.append(CrossOriginAccess(allowedOrigin: origin)) }
        if let token = configuration.apiToken { middleware.append(BearerAuthentication(token: token)) }
        middleware.append(StartupGate(registry: registry))

        var serverConfiguration = HTTPServerConfiguration(host: configuration.host, port: configuration.port)
        serverConfiguration.limits = configuration.http
        serverConfiguration.limits.maxBodyBytes = configuration.maxBodyBytes
        serverConfiguration.problemRenderer = Problem.renderer
        serverConfiguration.reservedPaths = OperationsAPI.probePaths
        server = HTTPServer(configuration: serverConfiguration, router: router, middleware: middleware)

        adminServer = configuration.adminPort.map { port in
            var adminRouter = Router()
            operations.registerProbes(in: &adminRouter)
            var adminConfiguration = serverConfiguration
            adminConfiguration.port = port
            adminConfiguration.ioQueues = 1
            return HTTPServer(configuration: adminConfiguration, router: adminRouter, middleware: [AccessLog(log: log, metrics: metrics)])
        }
    }

    /// Safe by default: a token that no client could send fails here, and so does a server
    /// reachable from other machines that nobody asked to leave open.
    static func checkAuthentication(_ configuration: ServiceConfiguration, log: Logger) throws(StartupError) {
        if let token = configuration.apiToken {
            if let problem = APIToken.problem(with: token) {
                throw StartupError(description: "the API token cannot be used: \(problem)")
            }
            if token.utf8.count < APIToken.recommendedLength {
                log.warning(
                    "the API token is short: use at least \(APIToken.recommendedLength) random characters (e.g. openssl rand -hex 32)",
                    [("length", token.utf8.count)])
            }
            return
        }
        guard !ListenAddress.isLoopback(configuration.host) else { return }
        guard configuration.allowUnauthenticated else {
            throw StartupError(
                description:
                    "refusing to serve \(configuration.host) without an API token: anyone who can reach it could submit, read and delete runs. Give a token with --api-token-file FILE (or BACKPROPD_API_TOKEN), or pass --allow-unauthenticated (BACKPROPD_ALLOW_UNAUTHENTICATED=1) when something in front authenticates"
            )
        }
        log.warning("serving without authentication on a non-loopback address (--allow-unauthenticated)", [("host", configuration.host)])
    }

    /// Binds and starts serving, then loads the stored runs in the background (see
    /// `RunRegistry.loadStoredRuns`); returns the bound port and logs `listening on http://HOST:PORT`.
    @discardableResult
    public func start() throws(StartupError) -> Int {
        let port: Int
        do {
            port = try server.start()
        } catch {
            throw StartupError(description: "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        if let adminServer {
            do {
                let adminPort = try adminServer.start()
                log.info("admin port (probes and metrics) listening", [("port", adminPort)])
            } catch {
                throw StartupError(description: "cannot listen on \(configuration.host):\(configuration.adminPort ?? 0) (--admin-port): \(error)")
            }
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        log.info(
            "listening on http://\(host):\(port)",
            [
                ("workers", registry.load.workers),
                ("data_dir", configuration.dataDirectory),
            ])
        registry.loadQueue.async { [registry] in registry.loadStoredRuns() }
        return port
    }

    /// The admin port once started (`--admin-port`; the free one picked when it was 0).
    public var adminPort: Int? { adminServer?.port }

    /// Graceful stop: stops accepting, wakes long-polls and event streams, lets in-flight
    /// responses finish (up to the grace period), stops training and writes unfinished runs
    /// back as queued. Nothing accepted is lost; a restart resumes them.
    public func shutdown() async {
        log.info("shutting down", [("grace_s", configuration.shutdownGraceSeconds)])
        // Joins the worker threads and flushes the disk: blocking work, so not on a Swift
        // concurrency thread (the HTTP handlers still draining need those).
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [registry] in
                registry.stop()
                continuation.resume()
            }
        }
        await server.shutdown(gracePeriod: .seconds(configuration.shutdownGraceSeconds))
        await adminServer?.shutdown(gracePeriod: .seconds(1))
        log.info("stopped")
        log.flush()
    }
}
