import Backprop
import HTTPServer

/// `GET /runs/{id}/events`: the run's event log (`RunEventLog`) as Server-Sent Events, from a
/// position on — the start, or the cursor of `Last-Event-ID` / `?after=`. Every event has an
/// `id:` (the cursor after it), so a reconnecting client gets each event exactly once. Events
/// are encoded from the log a few hundred at a time as the stream goes, never as one backlog.
/// The stream ends after `end`, with `deleted` when the run is deleted, and with `restarting`
/// (and a `retry:`) when the server shuts down. Waiting costs no thread; a comment every 15 s
/// keeps proxies from timing the stream out and finds clients that left.
struct EventStream: Sendable {
    let registry: RunRegistry
    let id: RunID
    /// The first event to send.
    let position: Int
    /// Legacy `?since=ITERATION`: point events up to this iteration are skipped.
    let since: Int?

    static let keepAliveSeconds = 15
    static let eventsPerWrite = 256
    /// What `restarting` tells the client to wait before it reconnects.
    static let restartRetryMilliseconds = 2000

    func response() -> HTTPResponse {
        HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            ], body: .stream { writer in try await stream(to: writer) })
    }

    private enum Step {
        case send([UInt8], next: Int)
        case wait(version: Int)
        case ended
        case deleted
    }

    private func stream(to writer: HTTPBodyWriter) async throws {
        registry.metrics.recordEventStream(+1)
        defer { registry.metrics.recordEventStream(-1) }
        var position = self.position
        while true {
            switch step(from: position) {
            case .send(let bytes, let next):
                try await writer.write(bytes)
                position = next
            case .ended:
                return
            case .deleted:
                try await writer.write("event: deleted\ndata: {\"id\":\"\(id)\"}\n\n")
                return
            case .wait(let version):
                if registry.isStopping {
                    let retry = Self.restartRetryMilliseconds
                    try await writer.write("retry: \(retry)\nevent: restarting\ndata: {\"retry_ms\":\(retry)}\n\n")
                    return
                }
                await registry.waitForChange(of: id, from: version, timeout: .seconds(Self.keepAliveSeconds))
                if registry.run(id)?.version == version, !registry.isStopping {
                    try await writer.write(": keep-alive\n\n")
                }
            }
        }
    }

    /// What to do next from `position`: the next events to send (encoded from a copy of the run
    /// that lives only as long as this call), or wait, or stop.
    private func step(from position: Int) -> Step {
        guard let run = registry.run(id) else { return .deleted }
        let end = min(run.events.count, position + Self.eventsPerWrite)
        guard position < end else { return run.events.hasEnded ? .ended : .wait(version: run.version) }
        return .send(Self.encode(run, events: position..<end, since: since), next: end)
    }

    /// The events at `positions` of the run's log as SSE text.
    static func encode(_ run: Run, events positions: Range<Int>, since: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(positions.count * 128)
        run.events.forEachEvent(in: positions) { position, event in
            var writer = JSONWriter()
            writer.beginObject()
            let name: String
            switch event {
            case .point(let index, let curveIndex):
                let trial = run.trials[index]
                let curve = trial.errorCurve
                guard curveIndex < curve.count, since.map({ curve[curveIndex].iteration > $0 }) ?? true else { return }
                name = "point"
                writer.key("trial"); writer.int(index)
                writer.key("alpha"); writer.double(trial.spec.alpha)
                writer.key("hidden_size"); writer.int(trial.spec.hiddenSize)
                writer.key("iteration"); writer.int(curve[curveIndex].iteration)
                writer.key("error"); writer.double(curve[curveIndex].error)
            case .trial(let index, let phase, let iterationsDone):
                let trial = run.trials[index]
                let final = phase.isTerminal && trial.isDone
                name = "trial"
                writer.key("trial"); writer.int(index)
                writer.key("status"); writer.string(phase.rawValue)
                writer.key("iterations_done"); writer.int(final ? trial.iterationsDone : iterationsDone)
                writer.key("final_error"); writer.optionalDouble(final ? trial.result?.finalError : nil)
                writer.key("learned"); if final, let result = trial.result { writer.bool(result.learned) } else { writer.null() }
            case .status(let status, let iterationsDone):
                name = "status"
                writer.key("status"); writer.string(status.rawValue)
                writer.key("iterations_done"); writer.int(iterationsDone)
                writer.key("iterations_total"); writer.int(run.iterationsTotal)
            case .end:
                name = "end"
                writer.key("status"); writer.string(run.status.rawValue)
                writer.key("best_alpha"); writer.optionalDouble(run.best?.result.alpha)
            }
            writer.endObject()
            bytes += Array("id: \(run.events.cursor(at: position + 1))\nevent: \(name)\ndata: ".utf8)
            bytes += writer.bytes
            bytes += [10, 10]
        }
        return bytes
    }
}
