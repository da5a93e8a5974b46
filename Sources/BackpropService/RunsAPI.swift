import Backprop
import HTTPServer

/// The `/runs` routes. Handlers only read and change the in-memory registry; training runs on
/// the worker threads and disk writes on the store's queue.
struct RunsAPI: Sendable {
    let registry: RunRegistry
    let limits: ServiceLimits
    let maxWaitSeconds: Int

    func register(in router: inout Router) {
        router.post("/runs") { await submit($0) }
        router.get("/runs") { list($0) }
        // Pinned to the connection's I/O queue: the common answers (cached bytes, 304) take
        // microseconds; encoding and waiting leave the queue (see `show`).
        router.get("/runs/{id}", execution: .ioQueue) { await show($0) }
        router.patch("/runs/{id}") { patch($0) }
        router.get("/runs/{id}/trials/{index}", execution: .ioQueue) { await showTrial($0) }
        router.get("/runs/{id}/events") { events($0) }
        router.post("/runs/{id}/cancel") { cancel($0) }
        router.delete("/runs/{id}") { delete($0) }
    }

    // MARK: POST /runs

    func submit(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            guard let contentType = request.headers["Content-Type"], Self.isJSON(contentType) else {
                throw Problem.unsupportedMediaType(request.headers["Content-Type"])
            }
            let key = try idempotencyKey(request)
            let runRequest = try RunRequest(parsing: request.body, limits: limits)
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            let submitted: Run
            switch try await registry.submit(runRequest, idempotencyKey: key) {
            case .created(let run):
                submitted = run
            case .existing(let run):
                submitted = run
                headers["Idempotent-Replayed"] = "true"
            }
            headers["Location"] = "/runs/\(submitted.id)"
            // As it is now: training started while the run was being stored.
            let current = registry.run(submitted.id) ?? submitted
            return HTTPResponse(status: .accepted, headers: headers, bytes: RunRepresentation.accepted(current))
        } catch {
            return error.response(instance: request.path)
        }
    }

    private func idempotencyKey(_ request: HTTPRequest) throws(Problem) -> String? {
        guard let key = request.headers["Idempotency-Key"] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Problem.invalidFields([ValidationIssue("header:Idempotency-Key", "1 to 255 printable ASCII characters")])
        }
        return key
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private func runResponse(_ run: Run, status: HTTPStatus, extraHeaders: HTTPHeaders = [:]) -> HTTPResponse {
        let current = registry.cachedRepresentation(of: run.id)
        let latest = current?.run ?? run
        let bytes = current?.bytes ?? registry.encodeAndCache(latest)
        var headers = extraHeaders
        headers["Content-Type"] = "application/json"
        headers["ETag"] = registry.etag(version: latest.version)
        return HTTPResponse(status: status, headers: headers, bytes: bytes)
    }

    // MARK: GET /runs/{id}

    func show(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            var query = QueryParameters(request, allowed: ["since", "wait", "points", "from", "to", "format"])
            let since = query.integer("since", in: -1...Int.max)
            let wait = query.integer("wait", in: 0...maxWaitSeconds) ?? 0
            let window = CurveWindow(reading: &query)
            let format = ResponseFormat(reading: &query, accept: request.headers["Accept"])
            try query.check()
            let id = try runID(request)
            let variant = Self.variant(since: since, window: window, format: format)
            let clientTags = Self.entityTags(request.headers["If-None-Match"])
            guard let first = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            _ = try await waitForNews(of: id, wait: wait) { run in
                if let clientTags { return !Self.matches(registry.etag(version: run.version, variant: variant), clientTags) }
                if let since { return run.trials.contains { ($0.errorCurve.last?.iteration ?? -1) > since } }
                return run.version != first.version
            }
            guard let (latest, cached) = registry.cachedRepresentation(of: id) else { throw Problem.notFound("no run \(id)") }
            let etag = registry.etag(version: latest.version, variant: variant)
            if let clientTags, Self.matches(etag, clientTags) {
                return HTTPResponse(status: .notModified, headers: ["ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"])
            }
            if format == .csv {
                return RunCSV.curves(of: latest, trials: latest.trials.indices, since: since, window: window,
                                     headers: ["ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"])
            }
            let bytes: [UInt8]
            if since != nil || !window.isWhole {
                bytes = await Self.offIOQueue { RunRepresentation.full(latest, since: since, window: window) }
            } else if let cached {
                bytes = cached
            } else {
                bytes = await Self.offIOQueue { [registry] in registry.encodeAndCache(latest) }
            }
            return HTTPResponse(status: .ok, headers: ["ETag": etag, "Cache-Control": "no-cache", "Content-Type": "application/json", "Vary": "Accept"], bytes: bytes)
        } catch {
            return error.response(instance: request.path)
        }
    }

    /// The part of an ETag that tells representations of one run version apart.
    static func variant(since: Int?, window: CurveWindow, format: ResponseFormat) -> String {
        (since.map { "s\($0)" } ?? "") + window.variant + (format == .csv ? "csv" : "")
    }

    /// The run once `isNews` says the client would see something new in it, or `wait` seconds
    /// have passed (at once without `wait`), the run finished or the server is stopping.
    func waitForNews(of id: RunID, wait: Int, until isNews: (Run) -> Bool) async throws(Problem) -> Run {
        guard var run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
        let deadline = ContinuousClock.now + .seconds(wait)
        while wait > 0, !isNews(run), !run.status.isFinished, !registry.isStopping, ContinuousClock.now < deadline {
            await registry.waitForChange(of: id, from: run.version, timeout: deadline - ContinuousClock.now)
            guard let next = registry.run(id) else { throw Problem.notFound("run \(id) was deleted") }
            run = next
        }
        return run
    }

    /// Runs CPU work (encoding) on the global executor, so the I/O queue of a pinned handler is free meanwhile.
    static func offIOQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await Task.detached { work() }.value
    }

    /// The opaque tags of an If-None-Match header (weak prefixes dropped, as GET compares weakly); nil if absent.
    static func entityTags(_ header: String?) -> [String]? {
        guard let header else { return nil }
        return header.split(separator: ",").map { tag in
            let trimmed = tag.trimmingSpaces()
            return trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
        }
    }

    static func matches(_ etag: String, _ tags: [String]) -> Bool {
        tags.contains { $0 == "*" || $0 == etag }
    }

    // MARK: cancel, delete, events

    func cancel(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            let run = try registry.cancel(try runID(request))
            return runResponse(run, status: .ok)
        } catch {
            return error.response(instance: request.path)
        }
    }

    func delete(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            try registry.delete(try runID(request))
            return HTTPResponse(status: .noContent)
        } catch {
            return error.response(instance: request.path)
        }
    }

    func events(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            var query = QueryParameters(request, allowed: ["since"])
            let since = query.integer("since", in: -1...Int.max) ?? -1
            try query.check()
            let id = try runID(request)
            guard registry.run(id) != nil else { throw Problem.notFound("no run \(id)") }
            return EventStream(registry: registry, id: id, since: since).response()
        } catch {
            return error.response(instance: request.path)
        }
    }

    // MARK: parameters

    func runID(_ request: HTTPRequest) throws(Problem) -> RunID {
        let text = request.pathParameters["id"] ?? ""
        guard let id = RunID(text) else { throw Problem.notFound("no run \(text) (run ids are 32 lowercase hex digits)") }
        return id
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
