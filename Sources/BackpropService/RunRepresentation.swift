import Backprop

/// The JSON the API returns for a run: in full (`GET /runs/{id}`, optionally only the curve points
/// after `since` or after the event-log position `after`, cut to a `window`) or as a list
/// summary without trials (`GET /runs`).
enum RunRepresentation {
    /// `since`: only points with a greater iteration (`?since=`); `after`: only points logged
    /// after this event-log position (`?after=`). Both may apply; `window` cuts what is left.
    static func full(_ run: Run, since: Int? = nil, after position: Int? = nil, window: CurveWindow = .whole) -> [UInt8] {
        let pointsPerTrial = min(run.trials.first?.errorCurve.count ?? 0, window.points ?? .max)
        var writer = JSONWriter(reservingCapacity: 1024 + run.trials.count * pointsPerTrial * 48)
        let firstPoints = firstPoints(of: run, since: since, after: position)
        writer.beginObject()
        writeHeader(run, to: &writer)
        writer.key("next"); writer.string(run.nextCursor.description)
        writer.key("request"); writer.value(run.request.json)
        writer.key("trials")
        writer.beginArray()
        for (trial, first) in zip(run.trials, firstPoints) { write(trial, fromPoint: first, window: window, to: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The answer to `POST /runs`: where the run is and how far it got, a few hundred bytes
    /// whatever the run's size (its trials are one GET away).
    static func accepted(_ run: Run) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.beginObject()
        writer.key("id"); writer.string(run.id.description)
        writer.key("status"); writer.string(run.status.rawValue)
        writer.key("created_at"); writer.string(run.createdAt.description)
        writer.key("progress"); writeProgress(run, to: &writer)
        writer.key("links")
        writer.beginObject()
        writer.key("self"); writer.string("/runs/\(run.id)")
        writer.key("events"); writer.string("/runs/\(run.id)/events")
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    static func summary(_ run: Run, to writer: inout JSONWriter) {
        writer.beginObject()
        writeHeader(run, to: &writer)
        writer.endObject()
    }

    private static func writeHeader(_ run: Run, to writer: inout JSONWriter) {
        writer.key("id"); writer.string(run.id.description)
        writer.key("name"); if let name = run.name { writer.string(name) } else { writer.null() }
        writer.key("labels"); writer.value(.object(run.labels.mapValues { .string($0) }))
        writer.key("status"); writer.string(run.status.rawValue)
        writer.key("created_at"); writer.string(run.createdAt.description)
        writer.key("started_at"); optionalTimestamp(run.startedAt, to: &writer)
        writer.key("finished_at"); optionalTimestamp(run.finishedAt, to: &writer)
        writer.key("queued_ms"); optionalInt(run.queuedMilliseconds, to: &writer)
        writer.key("duration_ms"); optionalInt(run.durationMilliseconds, to: &writer)
        writer.key("engine")
        writer.beginObject()
        writer.key("version"); writer.string(run.engine.version)
        writer.key("code_path"); if let path = run.engine.codePath { writer.string(path) } else { writer.null() }
        writer.endObject()
        writer.key("fingerprint"); writer.string(run.fingerprint)
        writer.key("progress")
        writeProgress(run, to: &writer)
        writer.key("summary")
        writeSummary(run, to: &writer)
    }

    private static func optionalInt(_ value: Int64?, to writer: inout JSONWriter) {
        if let value { writer.int(Int(value)) } else { writer.null() }
    }

    private static func writeProgress(_ run: Run, to writer: inout JSONWriter) {
        writer.beginObject()
        let total = run.iterationsTotal
        let done = run.iterationsDone
        writer.key("iterations_done"); writer.int(done)
        writer.key("iterations_total"); writer.int(total)
        writer.key("trials_done"); writer.int(run.trials.count { $0.isDone })
        writer.key("trials_total"); writer.int(run.trials.count)
        writer.key("fraction"); writer.double(run.fraction)
        writer.endObject()
    }

    private static func writeSummary(_ run: Run, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("best")
        if let (index, result) = run.best {
            writer.beginObject()
            writer.key("trial"); writer.int(index)
            writer.key("alpha"); writer.double(result.alpha)
            writer.key("hidden_size"); writer.int(result.hiddenSize)
            writer.key("final_error"); writer.optionalDouble(result.finalError)
            writer.endObject()
        } else {
            writer.null()
        }
        for phase in [TrialProgress.Phase.succeeded, .diverged, .cancelled] {
            writer.key("trials_" + phase.rawValue); writer.int(run.trials.count { $0.phase == phase })
        }
        writer.key("trials_learned"); writer.int(run.trials.count { $0.result?.learned == true })
        writer.endObject()
    }

    private static func write(_ trial: TrialProgress, fromPoint first: Int, window: CurveWindow, to writer: inout JSONWriter) {
        writer.beginObject()
        writeFields(of: trial, fromPoint: first, window: window, to: &writer)
        writer.endObject()
    }

    /// A trial's members, as in the run's `trials` and at `GET /runs/{id}/trials/{index}`.
    static func writeFields(of trial: TrialProgress, fromPoint first: Int, window: CurveWindow, to writer: inout JSONWriter) {
        let result = trial.result
        writer.key("alpha"); writer.double(trial.spec.alpha)
        writer.key("hidden_size"); writer.int(trial.spec.hiddenSize)
        writer.key("status"); writer.string(trial.statusName)
        writer.key("diverged_at_iteration"); if let at = result?.divergedAtIteration { writer.int(at) } else { writer.null() }
        writer.key("iterations_done"); writer.int(result?.iterationsDone ?? trial.iterationsDone)
        writer.key("error_curve")
        writer.beginArray()
        let curve = trial.errorCurve
        for point in window.keptPoints(of: curve, notBefore: first) {
            writer.beginObject()
            writer.key("iteration"); writer.int(point.iteration)
            writer.key("error"); writer.double(point.error)
            writer.endObject()
        }
        writer.endArray()
        writer.key("final_error"); writer.optionalDouble(result?.finalError)
        writer.key("learned"); if let result { writer.bool(result.learned) } else { writer.null() }
        writer.key("synapses")
        writer.beginArray()
        for matrix in result?.synapses ?? trial.currentSynapses { write(matrix, to: &writer) }
        writer.endArray()
        writer.key("direction_changes")
        if let changes = result?.directionChanges {
            writer.beginArray()
            for layer in changes {
                writer.beginArray()
                for row in layer {
                    writer.beginArray()
                    for count in row { writer.int(count) }
                    writer.endArray()
                }
                writer.endArray()
            }
            writer.endArray()
        } else {
            writer.null()
        }
        writer.key("outputs"); if let outputs = result?.outputs { write(outputs, to: &writer) } else { writer.null() }
        writer.key("batch_duration_ms"); writer.optionalDouble(result?.durationMs)
    }

    static func write(_ matrix: Matrix, to writer: inout JSONWriter) {
        writer.beginArray()
        for row in 0..<matrix.rows {
            writer.doubles(Array(matrix.values[row * matrix.columns..<(row + 1) * matrix.columns]))
        }
        writer.endArray()
    }

    /// Per trial, the index of its first point after `since` and after the log position `after`.
    static func firstPoints(of run: Run, since: Int?, after position: Int?) -> [Int] {
        var firstPoints = [Int](repeating: 0, count: run.trials.count)
        if let position {
            let later = run.events.pointsLogged(from: position, trials: run.trials.count)
            for (index, trial) in run.trials.enumerated() { firstPoints[index] = max(0, trial.errorCurve.count - later[index]) }
        }
        if let since {
            for (index, trial) in run.trials.enumerated() {
                firstPoints[index] = max(firstPoints[index], firstIndex(after: since, in: trial.errorCurve))
            }
        }
        return firstPoints
    }

    /// Index of the first point with an iteration greater than `since` (curves are sorted).
    static func firstIndex(after since: Int?, in curve: [CurvePoint]) -> Int {
        guard let since else { return 0 }
        var low = 0
        var high = curve.count
        while low < high {
            let middle = (low + high) / 2
            if curve[middle].iteration <= since { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func optionalTimestamp(_ time: Timestamp?, to writer: inout JSONWriter) {
        if let time { writer.string(time.description) } else { writer.null() }
    }
}
