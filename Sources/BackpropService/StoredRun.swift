import Backprop

/// The on-disk form of a run (`<data-dir>/runs/<id>.json`). Finished trials keep the engine's
/// result exactly (non-finite numbers as strings); unfinished ones are retrained after a restart,
/// so their progress is not stored. The event log is kept too (five integers per entry), so the
/// `id:`s and cursors clients hold stay valid across restarts. Curves are stored as two flat
/// arrays: decoding an object per point made reloading 1,000 sweeps take tens of seconds.
struct StoredRun: Codable, Sendable {
    struct Trial: Codable, Sendable {
        var status: String
        var iterationsDone: Int
        /// The curve of a trial cancelled without a result (format 2 only; later ones have none).
        var partialCurve: Curve?
        var result: Result?

        enum CodingKeys: String, CodingKey {
            case status, result
            case iterationsDone = "iterations_done"
            case partialCurve = "partial_curve"
        }
    }

    struct Curve: Codable, Sendable {
        var iterations: [Int]
        var errors: [Double]

        init(_ points: [CurvePoint]) {
            iterations = points.map(\.iteration)
            errors = points.map(\.error)
        }

        var points: [CurvePoint] { zip(iterations, errors).map { CurvePoint(iteration: $0, error: $1) } }
    }

    /// `TrialResult` with its curve as a `Curve`.
    struct Result: Codable, Sendable {
        var alpha: Double
        var hiddenSize: Int
        var status: TrialStatus
        var divergedAtIteration: Int?
        var iterationsDone: Int
        var curve: Curve
        var finalError: Double?
        var synapses: [Matrix]
        var directionChanges: [[[Int]]]
        var outputs: Matrix
        var durationMs: Double

        enum CodingKeys: String, CodingKey {
            case alpha, status, curve, synapses, outputs
            case hiddenSize = "hidden_size"
            case divergedAtIteration = "diverged_at_iteration"
            case iterationsDone = "iterations_done"
            case finalError = "final_error"
            case directionChanges = "direction_changes"
            case durationMs = "duration_ms"
        }

        init(_ result: TrialResult) {
            alpha = result.alpha
            hiddenSize = result.hiddenSize
            status = result.status
            divergedAtIteration = result.divergedAtIteration
            iterationsDone = result.iterationsDone
            curve = Curve(result.errorCurve)
            finalError = result.finalError
            synapses = result.synapses
            directionChanges = result.directionChanges
            outputs = result.outputs
            durationMs = result.durationMs
        }

        var trialResult: TrialResult {
            TrialResult(
                alpha: alpha, hiddenSize: hiddenSize, status: status, divergedAtIteration: divergedAtIteration,
                iterationsDone: iterationsDone, errorCurve: curve.points, finalError: finalError, synapses: synapses,
                directionChanges: directionChanges, outputs: outputs, durationMs: durationMs)
        }
    }

    /// The event log: `entries` flat (see `RunEventLog.storedEntries`), its epoch and where each began.
    struct Events: Codable, Sendable {
        var entries: [Int]
        var epoch: Int
        var epochStarts: [Int]

        enum CodingKeys: String, CodingKey {
            case entries, epoch
            case epochStarts = "epoch_starts"
        }
    }

    /// 3 adds the event log; 2 (without it) still loads.
    static let currentFormat = 3
    static let readableFormats = 2...3

    var format = currentFormat
    var id: String
    var status: RunLifecycle.Status
    var request: JSONValue
    var createdAt: Timestamp
    var startedAt: Timestamp?
    var finishedAt: Timestamp?
    var version: Int
    var idempotencyKey: String?
    var trials: [Trial]
    var events: Events?
    /// The run's name and labels now (they start as the request's; PATCH changes them). Files
    /// written before PATCH existed have no `labels`: the request's then.
    var name: String?
    var labels: [String: String]?
    var engine: Engine?

    struct Engine: Codable, Sendable {
        var version: String
        var codePath: String?

        enum CodingKeys: String, CodingKey {
            case version
            case codePath = "code_path"
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, id, status, request, version, trials, events, name, labels, engine
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
        name = run.name
        labels = run.labels
        engine = Engine(version: run.engine.version, codePath: run.engine.codePath)
        trials = run.trials.map { trial in
            let cancelledEarly = if case .cancelled = trial.state { !trial.partialCurve.isEmpty } else { false }
            return Trial(
                status: trial.statusName, iterationsDone: trial.iterationsDone,
                partialCurve: cancelledEarly ? Curve(trial.partialCurve) : nil, result: trial.result.map(Result.init))
        }
        events = Events(entries: run.events.storedEntries, epoch: run.events.epoch, epochStarts: run.events.epochStarts)
    }

    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// The run as it resumes after a restart: finished trials kept, unfinished ones queued again
    /// from their deterministic start. A finished run comes back exactly as it was (same version,
    /// same log, so its ETag and cursors stay valid); an unfinished one continues its log in a new
    /// epoch (`RunEventLog.restart`).
    func restore() throws(Unusable) -> Run {
        guard Self.readableFormats.contains(format) else { throw Unusable(description: "unknown format \(format)") }
        guard let runID = RunID(id) else { throw Unusable(description: "bad id \(id)") }
        let request: RunRequest
        do {
            request = try RunRequest(validating: self.request, limits: .unlimited)
        } catch {
            throw Unusable(description: "stored request is invalid: \(error.detail)")
        }
        var run = Run(id: runID, request: request, createdAt: createdAt, idempotencyKey: idempotencyKey)
        guard trials.count == run.trials.count else {
            throw Unusable(description: "\(trials.count) trials stored, the request has \(run.trials.count)")
        }
        run.startedAt = startedAt
        run.finishedAt = finishedAt
        if let labels {
            run.name = name
            run.labels = labels
        }
        // An unfinished run trains its remaining trials with this binary.
        if let engine, status.isFinished {
            run.engine = EngineIdentity(version: engine.version, codePath: engine.codePath)
        } else if let engine {
            run.engine.codePath = engine.codePath
        }
        for (index, stored) in trials.enumerated() {
            if let result = stored.result {
                run.trials[index].state = .finished(result.trialResult)
                run.trials[index].iterationsDone = result.iterationsDone
            } else if stored.status == "cancelled" {
                run.trials[index].state = .cancelled
                run.trials[index].iterationsDone = stored.iterationsDone
                run.trials[index].partialCurve = stored.partialCurve?.points ?? []
            }
        }
        if status.isFinished {
            run.lifecycle = RunLifecycle(finished: status)
            run.version = version
        } else {
            run.lifecycle = RunLifecycle(trialsLeft: run.trials.count { !$0.isDone }, hasStarted: startedAt != nil)
            run.version = version + 1
        }
        let trialStates = run.trials.map { trial in
            RunEventLog.TrialState(
                terminal: trial.isDone ? trial.phase : nil, curvePoints: trial.errorCurve.count, iterationsDone: trial.iterationsDone)
        }
        if let events {
            guard let log = RunEventLog(storedEntries: events.entries, epoch: events.epoch, epochStarts: events.epochStarts) else {
                throw Unusable(description: "stored event log is invalid")
            }
            run.events = log
            if !status.isFinished { run.events.restart(trials: trialStates, status: run.status, iterationsDone: run.iterationsDone) }
        } else {
            run.events = RunEventLog.rebuilt(trials: trialStates, status: run.status, iterationsDone: run.iterationsDone)
        }
        return run
    }
}
