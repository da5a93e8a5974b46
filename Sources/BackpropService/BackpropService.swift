import Backprop
import Dispatch
import HTTPServer

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

    /// Opens the data directory (failing clearly when it cannot be written), reloads stored runs
    /// and queues the unfinished ones again. `routes` adds routes of other parts (e.g. the
    /// dashboard at `/`); they get the same middleware (access log, CORS, auth on /runs).
    public init(configuration: ServiceConfiguration, log: Logger, routes: (inout Router) -> Void = { _ in }) throws(StartupError) {
        self.configuration = configuration
        self.log = log
        let store: RunStore
        do {
            store = try RunStore(dataDirectory: configuration.dataDirectory)
        } catch {
            throw StartupError(description: "data directory \(configuration.dataDirectory) is not usable: \(error.description) (set --data-dir or BACKPROPD_DATA_DIR to a writable directory)")
        }
        let metrics = ServiceMetrics()
        registry = RunRegistry(configuration: configuration.registry, store: store, metrics: metrics, log: log)

        var router = Router()
        RunsAPI(registry: registry, limits: configuration.limits, maxWaitSeconds: configuration.maxWaitSeconds).register(in: &router)
        OperationsAPI(registry: registry, apiDocument: OpenAPIDocument.bytes(limits: configuration.limits, maxWaitSeconds: configuration.maxWaitSeconds))
            .register(in: &router)
        Dashboard().register(in: &router)
        routes(&router)

        var middleware: [any HTTPMiddleware] = [AccessLog(log: log, metrics: metrics)]
        if let origin = configuration.corsOrigin { middleware.append(CrossOriginAccess(allowedOrigin: origin)) }
        if let token = configuration.apiToken { middleware.append(BearerAuthentication(token: token)) }

        var serverConfiguration = HTTPServerConfiguration(host: configuration.host, port: configuration.port)
        serverConfiguration.limits = configuration.http
        serverConfiguration.limits.maxBodyBytes = configuration.maxBodyBytes
        serverConfiguration.problemRenderer = Problem.renderer
        server = HTTPServer(configuration: serverConfiguration, router: router, middleware: middleware)
    }

    /// Binds and starts serving; returns the bound port and logs `listening on http://HOST:PORT`.
    @discardableResult
    public func start() throws(StartupError) -> Int {
        let port: Int
        do {
            port = try server.start()
        } catch {
            throw StartupError(description: "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        log.info("listening on http://\(host):\(port)", [("workers", registry.load.workers),
                                                          ("data_dir", configuration.dataDirectory)])
        return port
    }

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
        log.info("stopped")
        log.flush()
    }
}
