import Backprop

/// The on-disk form of a run (`<data-dir>/runs/<id>.json`). Finished trials keep the engine's
/// result exactly (non-finite numbers as strings); unfinished ones are retrained after a restart.
struct StoredRun: Codable, Sendable {
    struct Trial: Codable, Sendable {
        var status: String
        var iterationsDone: Int
        var partialCurve: [CurvePoint]?
        var result: TrialResult?

        enum CodingKeys: String, CodingKey {
            case status, result
            case iterationsDone = "iterations_done"
            case partialCurve = "partial_curve"
        }
    }

    static let currentFormat = 1

    var format = currentFormat
    var id: String
    var status: RunLifecycle.Status
    var request: JSONValue
    var createdAt: Timestamp
    var startedAt: Timestamp?
    var finishedAt: Timestamp?
    var version: Int
    var idempotencyKey: String?
    var failure: String?
    var trials: [Trial]

    enum CodingKeys: String, CodingKey {
        case format, id, status, request, version, failure, trials
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case idempotencyKey = "idempotency_key"
    }

    init(_ run: Run) {
        id = run.id.description
        status = run.status
        request = run.request.json
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        version = run.version
        idempotencyKey = run.idempotencyKey
        failure = run.failure
        trials = run.trials.map { trial in
            Trial(status: trial.statusName, iterationsDone: trial.iterationsDone,
                  partialCurve: trial.result == nil ? trial.partialCurve : nil, result: trial.result)
        }
    }

    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// The run as it resumes after a restart: finished trials kept, unfinished ones queued again
    /// from their deterministic start.
    func restore() throws(Unusable) -> Run {
        guard format == Self.currentFormat else { throw Unusable(description: "unknown format \(format)") }
        guard let runID = RunID(id) else { throw Unusable(description: "bad id \(id)") }
        let request: RunRequest
        do {
            request = try RunRequest(validating: self.request, limits: .unlimited)
        } catch {
            throw Unusable(description: "stored request is invalid: \(error.detail)")
        }
        guard let dataset = request.resolvedDataset(limits: .unlimited) else { throw Unusable(description: "dataset no longer resolves") }
        var run = Run(id: runID, request: request, dataset: dataset, createdAt: createdAt, idempotencyKey: idempotencyKey)
        guard trials.count == run.trials.count else {
            throw Unusable(description: "\(trials.count) trials stored, the request has \(run.trials.count)")
        }
        run.startedAt = startedAt
        run.finishedAt = finishedAt
        run.failure = failure
        run.version = version + 1
        for (index, stored) in trials.enumerated() {
            if let result = stored.result {
                run.trials[index].state = .finished(result)
                run.trials[index].iterationsDone = result.iterationsDone
            } else if stored.status == "cancelled" {
                run.trials[index].state = .cancelled
                run.trials[index].iterationsDone = stored.iterationsDone
                run.trials[index].partialCurve = stored.partialCurve ?? []
            }
        }
        if status.isFinished {
            run.lifecycle = RunLifecycle(finished: status)
        } else {
            run.lifecycle = RunLifecycle(trialsLeft: run.trials.count { !$0.isDone }, hasStarted: startedAt != nil)
        }
        return run
    }
}
