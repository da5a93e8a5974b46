import HTTPServer

/// While the stored runs load, the `/runs` routes answer 503 with `Retry-After` instead of an
/// incomplete list or a 404 for a run that is still on its way in; everything else (health,
/// readiness, metrics, the dashboard page) is served from the first moment.
struct StartupGate: HTTPMiddleware {
    let registry: RunRegistry

    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.path == "/runs" || head.path.hasPrefix("/runs/"), let loading = registry.loadingProgress else { return nil }
        return Problem.starting(loading).response(instance: head.path)
    }
}
