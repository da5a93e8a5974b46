import HTTPServer

extension RunsAPI {
    /// `GET /runs/{id}/trials/{index}`: one trial as the run's `trials[index]`, with the run's
    /// validators and polling: ETag/If-None-Match, `since`, `wait`, `points`/`from`/`to`, and CSV.
    func showTrial(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            var query = QueryParameters(request, allowed: ["since", "wait", "points", "from", "to", "format"])
            let since = query.integer("since", in: -1...Int.max)
            let wait = query.integer("wait", in: 0...maxWaitSeconds) ?? 0
            let window = CurveWindow(reading: &query)
            let format = ResponseFormat(reading: &query, accept: request.headers["Accept"])
            try query.check()
            let id = try runID(request)
            let indexText = request.pathParameters["index"] ?? ""
            guard let run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            guard indexText.utf8.allSatisfy({ (48...57).contains($0) }), let index = Int(indexText), run.trials.indices.contains(index) else {
                throw Problem.notFound("run \(id) has no trial \(indexText) (its trials are 0 to \(run.trials.count - 1))")
            }
            let variant = Self.variant(since: since, window: window, format: format)
            let clientTags = Self.entityTags(request.headers["If-None-Match"])
            let first = trialETag(run, index, variant: variant)
            let latest = try await waitForNews(of: id, wait: wait) { run in
                if let clientTags { return !Self.matches(trialETag(run, index, variant: variant), clientTags) }
                if let since { return (run.trials[index].errorCurve.last?.iteration ?? -1) > since }
                return trialETag(run, index, variant: variant) != first
            }
            let etag = trialETag(latest, index, variant: variant)
            let headers: HTTPHeaders = ["ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"]
            if let clientTags, Self.matches(etag, clientTags) {
                return HTTPResponse(status: .notModified, headers: headers)
            }
            if format == .csv {
                return RunCSV.curves(of: latest, trials: index..<(index + 1), since: since, window: window, headers: headers)
            }
            let bytes = await Self.offIOQueue {
                var writer = JSONWriter(reservingCapacity: 1024 + min(latest.trials[index].errorCurve.count, window.points ?? .max) * 48)
                writer.beginObject()
                writer.key("run"); writer.string(latest.id.description)
                writer.key("trial"); writer.int(index)
                RunRepresentation.writeFields(of: latest.trials[index], since: since, window: window, to: &writer)
                writer.endObject()
                return writer.bytes
            }
            var jsonHeaders = headers
            jsonHeaders["Content-Type"] = "application/json"
            return HTTPResponse(status: .ok, headers: jsonHeaders, bytes: bytes)
        } catch {
            return error.response(instance: request.path)
        }
    }

    /// The trial's own validator: it changes when the trial does (its status, iterations or
    /// curve), not when another trial of the run progresses, so a poll of one trial is not
    /// woken by the others.
    func trialETag(_ run: Run, _ index: Int, variant: String) -> String {
        let trial = run.trials[index]
        return "\"\(registry.bootTag)-t\(index)-\(trial.statusName)-\(trial.iterationsDone)-\(trial.errorCurve.count)\(variant.isEmpty ? "" : "-" + variant)\""
    }
}
