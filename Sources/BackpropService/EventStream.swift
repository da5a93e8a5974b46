import HTTPServer

/// `GET /runs/{id}/events`: Server-Sent Events. One `point` event per recorded curve point per
/// trial (only after `since`), `trial` when a trial's status changes, `status` when the run's
/// does, and a final `end` (or `deleted`) event, after which the stream closes. Waiting costs no
/// thread: the stream suspends on the run's change notification; a comment every 15 s keeps
/// proxies from timing it out and detects clients that left.
struct EventStream: Sendable {
    let registry: RunRegistry
    let id: RunID
    let since: Int

    static let keepAliveSeconds = 15

    func response() -> HTTPResponse {
        HTTPResponse(status: .ok, headers: [
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        ], body: .stream { writer in try await stream(to: writer) })
    }

    private func stream(to writer: HTTPBodyWriter) async throws {
        var sentUpTo: [Int] = []
        var trialStatuses: [String] = []
        var runStatus = ""
        while true {
            guard let run = registry.run(id) else {
                try await writer.write("event: deleted\ndata: {\"id\":\"\(id)\"}\n\n")
                return
            }
            if sentUpTo.isEmpty {
                sentUpTo = Array(repeating: since, count: run.trials.count)
                trialStatuses = Array(repeating: "", count: run.trials.count)
            }
            var events: [UInt8] = []
            if run.status.rawValue != runStatus {
                runStatus = run.status.rawValue
                append("status", to: &events) { writer in
                    writer.key("status"); writer.string(runStatus)
                    writer.key("iterations_done"); writer.int(run.iterationsDone)
                    writer.key("iterations_total"); writer.int(run.iterationsTotal)
                }
            }
            for (index, trial) in run.trials.enumerated() {
                let curve = trial.errorCurve
                for point in curve[RunRepresentation.firstIndex(after: sentUpTo[index], in: curve)...] {
                    append("point", to: &events) { writer in
                        writer.key("trial"); writer.int(index)
                        writer.key("alpha"); writer.double(trial.spec.alpha)
                        writer.key("hidden_size"); writer.int(trial.spec.hiddenSize)
                        writer.key("iteration"); writer.int(point.iteration)
                        writer.key("error"); writer.double(point.error)
                    }
                    sentUpTo[index] = point.iteration
                }
                if trial.statusName != trialStatuses[index] {
                    trialStatuses[index] = trial.statusName
                    append("trial", to: &events) { writer in
                        writer.key("trial"); writer.int(index)
                        writer.key("status"); writer.string(trial.statusName)
                        writer.key("iterations_done"); writer.int(trial.iterationsDone)
                        writer.key("final_error"); writer.optionalDouble(trial.result?.finalError)
                    }
                }
            }
            if run.status.isFinished {
                append("end", to: &events) { writer in
                    writer.key("status"); writer.string(run.status.rawValue)
                    writer.key("best_alpha"); writer.optionalDouble(run.best?.result.alpha)
                }
                try await writer.write(events)
                return
            }
            if events.isEmpty {
                if registry.isStopping { return }
            } else {
                try await writer.write(events)
            }
            await registry.waitForChange(of: id, from: run.version, timeout: .seconds(Self.keepAliveSeconds))
            if registry.run(id)?.version == run.version {
                if registry.isStopping { return }
                try await writer.write(": keep-alive\n\n")
            }
        }
    }

    private func append(_ event: String, to bytes: inout [UInt8], _ fields: (inout JSONWriter) -> Void) {
        var writer = JSONWriter()
        writer.beginObject()
        fields(&writer)
        writer.endObject()
        bytes += Array("event: \(event)\ndata: ".utf8)
        bytes += writer.bytes
        bytes += [10, 10]
    }
}
