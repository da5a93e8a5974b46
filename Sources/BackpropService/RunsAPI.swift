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
        router.post("/runs/{id}/cancel") { await cancel($0) }
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
        let mediaType = Self.mediaType(contentType)
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private func runResponse(_ run: Run, status: HTTPStatus, extraHeaders: HTTPHeaders = [:]) -> HTTPResponse {
        let current = registry.cachedRepresentation(of: run.id)
        let latest = current?.run ?? run
        let bytes = current?.bytes ?? registry.encodeAndCache(latest)
        var headers = extraHeaders
        headers["Content-Type"] = "application/json"
        headers["ETag"] = latest.etag()
        return HTTPResponse(status: status, headers: headers, bytes: bytes)
    }

    // MARK: GET /runs/{id}

    func show(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            let read = try RunReadQuery(request, maxWaitSeconds: maxWaitSeconds)
            let (since, after, window, format) = (read.since, read.after, read.window, read.format)
            let id = try runID(request)
            let clientTags = request.head.ifNoneMatch
            guard let run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            let position = after.map { run.events.position(of: $0) }
            let variant = read.variant
            let firstVersion = run.version
            _ = try await waitForNews(of: id, wait: read.wait) { run in
                if let clientTags { return !clientTags.matchesWeakly(run.etag(variant: variant)) }
                if let position { return run.events.count > position }
                if let since { return run.status.isFinished || run.trials.contains { ($0.errorCurve.last?.iteration ?? -1) > since } }
                return run.status.isFinished || run.version != firstVersion
            }
            guard let (latest, cached) = registry.cachedRepresentation(of: id) else { throw Problem.notFound("no run \(id)") }
            let etag = latest.etag(variant: variant)
            let headers: HTTPHeaders = ["ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"]
            if clientTags?.matchesWeakly(etag) == true { return .notModified(etag: etag, headers: headers) }
            if format == .csv {
                let firstPoints = RunRepresentation.firstPoints(of: latest, since: since, after: position)
                return RunCSV.curves(of: latest, trials: latest.trials.indices, firstPoints: firstPoints, window: window, headers: headers)
            }
            let bytes: [UInt8]
            if since != nil || position != nil || !window.isWhole {
                bytes = await Self.offIOQueue { RunRepresentation.full(latest, since: since, after: position, window: window) }
            } else if let cached {
                bytes = cached
            } else {
                bytes = await Self.offIOQueue { [registry] in registry.encodeAndCache(latest) }
            }
            var jsonHeaders = headers
            jsonHeaders["Content-Type"] = "application/json"
            return HTTPResponse(status: .ok, headers: jsonHeaders, bytes: bytes)
        } catch {
            return error.response(instance: request.path)
        }
    }

    /// The run once `isNews` says the answer tells the client something it does not have, or
    /// `wait` seconds have passed (at once without `wait`). An answer that would be 304 or empty
    /// waits the whole time, even on a finished run, so a client that loops never spins; a
    /// wait the server's shutdown cuts short is a 503 (`Problem.restarting`).
    func waitForNews(of id: RunID, wait: Int, until isNews: (Run) -> Bool) async throws(Problem) -> Run {
        guard var run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
        let deadline = ContinuousClock.now + .seconds(wait)
        if wait > 0, !isNews(run) {
            registry.metrics.recordLongPoll(+1)
            defer { registry.metrics.recordLongPoll(-1) }
            while !isNews(run), !registry.isStopping, ContinuousClock.now < deadline {
                await registry.waitForChange(of: id, from: run.version, timeout: deadline - ContinuousClock.now)
                guard let next = registry.run(id) else { throw Problem.notFound("run \(id) was deleted") }
                run = next
            }
        }
        if wait > 0, registry.isStopping { throw Problem.restarting(retryAfterSeconds: EventStream.restartRetryMilliseconds / 1000) }
        return run
    }

    /// Runs CPU work (encoding) on the global executor, so the I/O queue of a pinned handler is free meanwhile.
    static func offIOQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await Task.detached { work() }.value
    }

    // MARK: cancel, delete, events

    /// Answers once the run's trials have stopped, with the final state (202 with the state so
    /// far in the unlikely case they take longer than 10 s).
    func cancel(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            let run = try await registry.cancel(try runID(request))
            return runResponse(run, status: run.status.isFinished ? .ok : .accepted)
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
            var query = QueryParameters(request, allowed: ["since", "after"])
            let since = query.integer("since", in: -1...Int.max)
            let after = query.value("after", expected: "the next of an earlier answer or an event's id", EventCursor.init)
            try query.check()
            let id = try runID(request)
            // A reconnecting EventSource sends Last-Event-ID; it wins over ?after= (the URL it reconnects to).
            var cursor = after
            if let text = request.headers["Last-Event-ID"] {
                guard let parsed = EventCursor(text) else {
                    throw Problem.invalidFields([ValidationIssue("header:Last-Event-ID", "expected the id of an event of this run, got \"\(text)\"")])
                }
                cursor = parsed
            }
            guard let run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            let position = cursor.map { run.events.position(of: $0) } ?? 0
            return EventStream(registry: registry, id: id, position: position, since: since).response()
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
