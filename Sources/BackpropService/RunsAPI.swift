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
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
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
            var query = QueryParameters(request, allowed: ["since", "after", "wait"])
            let since = query.integer("since", in: -1...Int.max)
            let after = query.value("after", expected: "the next of an earlier answer or an event's id", EventCursor.init)
            let wait = query.integer("wait", in: 0...maxWaitSeconds) ?? 0
            try query.check()
            let id = try runID(request)
            let clientTags = Self.entityTags(request.headers["If-None-Match"])
            guard var run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            let position = after.map { run.events.position(of: $0) }
            let variant = (since.map { "s\($0)" } ?? "") + (after.map { "a\($0)" } ?? "")
            let firstVersion = run.version
            /// Whether the answer tells the client something it does not have: a different ETag
            /// than it sent, else events after its cursor, else (it sent neither) any change or
            /// the end. An answer that would be 304 or empty waits the whole time, even on a
            /// finished run, so a client that loops never spins.
            func isNews(_ run: Run) -> Bool {
                if let clientTags { return !Self.matches(run.etag(variant: variant), clientTags) }
                if let position { return run.events.count > position }
                if let since { return run.status.isFinished || run.trials.contains { ($0.errorCurve.last?.iteration ?? -1) > since } }
                return run.status.isFinished || run.version != firstVersion
            }
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
            guard let (latest, cached) = registry.cachedRepresentation(of: id) else { throw Problem.notFound("no run \(id)") }
            let etag = latest.etag(variant: variant)
            if let clientTags, Self.matches(etag, clientTags) {
                return HTTPResponse(status: .notModified, headers: ["ETag": etag, "Cache-Control": "no-cache"])
            }
            let bytes: [UInt8]
            if since != nil || position != nil {
                bytes = await Self.offIOQueue { RunRepresentation.full(latest, since: since, after: position) }
            } else if let cached {
                bytes = cached
            } else {
                bytes = await Self.offIOQueue { [registry] in registry.encodeAndCache(latest) }
            }
            return HTTPResponse(status: .ok, headers: ["ETag": etag, "Cache-Control": "no-cache", "Content-Type": "application/json"], bytes: bytes)
        } catch {
            return error.response(instance: request.path)
        }
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

    // MARK: GET /runs

    func list(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            var query = QueryParameters(request, allowed: ["limit", "cursor", "status"])
            let limit = query.integer("limit", in: 1...1000) ?? 50
            let statuses = RunLifecycle.Status.allCases.map(\.rawValue).joined(separator: ", ")
            let status = query.value("status", expected: "one of \(statuses)", RunLifecycle.Status.init(rawValue:))
            let cursor = query.value("cursor", expected: "the next_cursor of a previous page", RunListCursor.init)
            try query.check()
            let (runs, next) = registry.list(status: status, limit: limit, after: cursor)
            var writer = JSONWriter(reservingCapacity: 512 * runs.count + 64)
            writer.beginObject()
            writer.key("runs")
            writer.beginArray()
            for run in runs { RunRepresentation.summary(run, to: &writer) }
            writer.endArray()
            writer.key("next_cursor")
            if let next { writer.string(next.description) } else { writer.null() }
            writer.endObject()
            // The tag is a hash of the page itself: the same page after a restart has the same tag.
            let etag = "\"\(DashboardAsset.fingerprint(writer.bytes))\""
            if let tags = Self.entityTags(request.headers["If-None-Match"]), Self.matches(etag, tags) {
                return HTTPResponse(status: .notModified, headers: ["ETag": etag, "Cache-Control": "no-cache"])
            }
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache", "ETag": etag], bytes: writer.bytes)
        } catch {
            return error.response(instance: request.path)
        }
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

    private func runID(_ request: HTTPRequest) throws(Problem) -> RunID {
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
