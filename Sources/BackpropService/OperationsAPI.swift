import Backprop
import HTTPServer

/// Routes for operators and tools: health, readiness, metrics, the datasets and the API document.
struct OperationsAPI: Sendable {
    let registry: RunRegistry
    /// GET /openapi.json, with the configured limits filled in.
    let apiDocument: [UInt8]

    /// What probes and scrapers ask for: served even when every connection is taken (on the
    /// reserved places, see `HTTPLimits.reservedConnections`) and on `--admin-port`.
    static let probePaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func register(in router: inout Router) {
        registerProbes(in: &router)
        router.get("/datasets") { request in withoutQuery(request) { datasets() } }
        router.get("/openapi.json", execution: .ioQueue) { [apiDocument] request in
            withoutQuery(request) { HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], bytes: apiDocument) }
        }
    }

    func registerProbes(in router: inout Router) {
        router.get("/healthz", execution: .ioQueue) { request in
            withoutQuery(request) {
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], bytes: Array(#"{"status":"ok"}"#.utf8))
            }
        }
        router.get("/readyz") { request in withoutQuery(request) { readiness() } }
        router.get("/metrics") { request in withoutQuery(request) { metrics() } }
    }

    /// These endpoints take no query parameters: any is a 422 naming it, as on the /runs routes.
    private func withoutQuery(_ request: HTTPRequest, _ respond: () -> HTTPResponse) -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            return respond()
        } catch {
            return error.response(instance: request.path)
        }
    }

    /// 503 while stopping or while the data directory refuses writes, so a load balancer sends
    /// new submissions elsewhere.
    func readiness() -> HTTPResponse {
        var reasons: [String] = []
        if registry.isStopping { reasons.append("shutting down") }
        if let loading = registry.loadingProgress { reasons.append("loading stored runs: \(loading.read) of \(loading.total) files read") }
        if let failure = registry.lastStorageFailure { reasons.append("storage: \(failure)") }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("status"); writer.string(reasons.isEmpty ? "ready" : "not ready")
        writer.key("reasons"); writer.beginArray(); for reason in reasons { writer.string(reason) }; writer.endArray()
        writer.endObject()
        return HTTPResponse(
            status: reasons.isEmpty ? .ok : .serviceUnavailable,
            headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], bytes: writer.bytes)
    }

    func metrics() -> HTTPResponse {
        var text = PrometheusText()
        let counts = registry.countsByStatus()
        text.family("backpropd_runs", .gauge, help: "Runs held, by status.")
        for status in RunLifecycle.Status.allCases {
            text.sample("backpropd_runs", [("status", status.rawValue)], Double(counts[status] ?? 0))
        }
        let load = registry.load
        text.family("backpropd_queue_trials", .gauge, help: "Trials waiting for a worker.")
        text.sample("backpropd_queue_trials", [], Double(load.pendingTrials))
        text.family("backpropd_queue_limit_trials", .gauge, help: "Most trials the queue accepts (--queue-limit).")
        text.sample("backpropd_queue_limit_trials", [], Double(registry.configuration.queueLimit))
        text.family("backpropd_data_bytes", .gauge, help: "The kept runs' files at their size bounds (kept), and --max-data-bytes (limit).")
        text.sample("backpropd_data_bytes", [("state", "kept")], Double(registry.dataBytes))
        text.sample("backpropd_data_bytes", [("state", "limit")], Double(registry.configuration.maxDataBytes))
        text.family("backpropd_workers_busy", .gauge, help: "Workers training right now.")
        text.sample("backpropd_workers_busy", [], Double(load.busyWorkers))
        text.family("backpropd_workers", .gauge, help: "Worker threads (--workers).")
        text.sample("backpropd_workers", [], Double(load.workers))
        let loading = registry.loadingProgress
        text.family("backpropd_loading", .gauge, help: "1 while start-up loads the stored runs (/readyz answers 503), then 0.")
        text.sample("backpropd_loading", [], loading == nil ? 0 : 1)
        text.family("backpropd_loading_files", .gauge, help: "Run files start-up has read, and all it will read.")
        text.sample("backpropd_loading_files", [("state", "read")], Double(loading?.read ?? 0))
        text.sample("backpropd_loading_files", [("state", "total")], Double(loading?.total ?? 0))
        registry.metrics.render(into: &text)
        EngineMetrics.render(into: &text, workers: load.workers)
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
            bytes: Array(text.text.utf8))
    }

    func datasets() -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("datasets")
        writer.beginArray()
        for name in Dataset.builtInNames {
            guard let dataset = Dataset.builtIn(named: name) else { continue }
            writer.beginObject()
            writer.key("name"); writer.string(name)
            writer.key("samples"); writer.int(dataset.inputs.rows)
            writer.key("inputs"); RunRepresentation.write(dataset.inputs, to: &writer)
            writer.key("targets"); RunRepresentation.write(dataset.targets, to: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], bytes: writer.bytes)
    }
}
