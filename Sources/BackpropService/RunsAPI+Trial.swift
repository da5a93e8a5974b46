import Backprop
import HTTPServer

extension RunsAPI {
    /// `GET /runs/{id}/trials/{index}`: one trial, as the run's `trials[index]` plus `run`,
    /// `trial` and the run's resume cursor `next`, with the run's validators and polling
    /// (ETag/If-None-Match, `since`, `after`, `wait`), curve windows (`points`, `from`, `to`) and CSV.
    func showTrial(_ request: HTTPRequest) async -> HTTPResponse {
        do throws(Problem) {
            let read = try RunReadQuery(request, maxWaitSeconds: maxWaitSeconds)
            let (since, after, window, format) = (read.since, read.after, read.window, read.format)
            let id = try runID(request)
            let indexText = request.pathParameters["index"] ?? ""
            guard let run = registry.run(id) else { throw Problem.notFound("no run \(id)") }
            guard indexText.utf8.allSatisfy({ (48...57).contains($0) }), indexText.utf8.count <= 9,
                let index = Int(indexText), run.trials.indices.contains(index)
            else {
                throw Problem.notFound("run \(id) has no trial \(indexText) (its trials are 0 to \(run.trials.count - 1))")
            }
            let position = after.map { run.events.position(of: $0) }
            let variant = read.variant
            let clientTags = request.head.ifNoneMatch
            let first = Self.trialETag(run, index, variant: variant)
            let latest = try await waitForNews(of: id, wait: read.wait) { run in
                let etag = Self.trialETag(run, index, variant: variant)
                if let clientTags { return !clientTags.matchesWeakly(etag) }
                if let position { return run.events.pointsLogged(from: position, trials: run.trials.count)[index] > 0 || etag != first }
                if let since { return run.trials[index].isDone || (run.trials[index].errorCurve.last?.iteration ?? -1) > since }
                return run.trials[index].isDone || etag != first
            }
            let etag = Self.trialETag(latest, index, variant: variant)
            let headers: HTTPHeaders = ["ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept"]
            if clientTags?.matchesWeakly(etag) == true { return .notModified(etag: etag, headers: headers) }
            let firstPoints = RunRepresentation.firstPoints(of: latest, since: since, after: position)
            if format == .csv {
                return RunCSV.curves(of: latest, trials: index..<(index + 1), firstPoints: firstPoints, window: window, headers: headers)
            }
            let bytes = await Self.offIOQueue {
                var writer = JSONWriter(reservingCapacity: 1024 + min(latest.trials[index].errorCurve.count, window.points ?? .max) * 48)
                writer.beginObject()
                writer.key("run"); writer.string(latest.id.description)
                writer.key("trial"); writer.int(index)
                writer.key("next"); writer.string(latest.nextCursor.description)
                RunRepresentation.writeFields(of: latest.trials[index], fromPoint: firstPoints[index], window: window, to: &writer)
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
    /// curve), not when another trial of the run progresses, so a poll of one trial is not woken
    /// by the others. Stored state only (and the log's epoch), so it survives a restart as the
    /// run's ETag does.
    static func trialETag(_ run: Run, _ index: Int, variant: String) -> String {
        let trial = run.trials[index]
        return
            "\"t\(index).\(trial.statusName).\(trial.iterationsDone).\(trial.errorCurve.count).\(run.events.epoch)\(variant.isEmpty ? "" : "." + variant)\""
    }
}
