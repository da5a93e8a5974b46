import BackpropKernels

/// Drives one `TrainingBatch` from iteration 0 to the end: chunks of ~4 ms, after each a
/// forward pass that checks every weight and output is finite, progress and cancellation
/// between chunks.
///
/// Non-finite weights stay non-finite (∞ + finite = ∞, NaN absorbs), so a check per chunk
/// catches every divergence; the chunk is then replayed one iteration at a time from its saved
/// start — training is deterministic — to find the first bad iteration and report the state
/// just before it.
struct BatchRun {
    let batch: any TrainingBatch
    let shape: NetworkShape
    let alphas: [Double]
    let iterations: Int
    let errorEvery: Int

    static let chunkTarget = Duration.milliseconds(4)
    static let progressInterval = Duration.milliseconds(50)

    /// Curve points `train` records in iterations 0..<iteration (one per multiple of errorEvery).
    static func recordedPoints(before iteration: Int, errorEvery: Int) -> Int {
        iteration <= 0 ? 0 : (iteration - 1) / errorEvery + 1
    }

    func run(cancellation: Cancellation, onProgress: (Int, TrialSnapshot) -> Void) -> [TrialResult] {
        let clock = ContinuousClock()
        let started = clock.now
        let trials = batch.trialCount
        var results = [TrialResult?](repeating: nil, count: trials)
        var reported = [Int](repeating: 0, count: trials)
        var lastProgress = started
        var chunk = 16
        var done = 0
        batch.evaluate()
        while done < iterations, results.contains(where: { $0 == nil }), !cancellation.isCancelled {
            let end = min(iterations, done + chunk)
            let chunkStarted = clock.now
            batch.save(to: .chunkStart)
            batch.train(done..<end)
            batch.evaluate()
            let diverging = (0..<trials).filter { results[$0] == nil && !batch.isFinite(trial: $0) }
            if !diverging.isEmpty {
                replay(done..<end, locating: diverging, into: &results, started: started)
            }
            done = end
            let now = clock.now
            chunk = Self.nextChunk(after: chunk, took: now - chunkStarted)

            let recorded = Self.recordedPoints(before: done, errorEvery: errorEvery)
            let progressDue = now - lastProgress >= Self.progressInterval
            for trial in 0..<trials where results[trial] == nil && (recorded > reported[trial] || progressDue) {
                onProgress(
                    trial,
                    TrialSnapshot(
                        iterationsDone: done, newCurvePoints: curve(trial, points: reported[trial]..<recorded),
                        synapses: synapses(trial)))
                reported[trial] = recorded
                lastProgress = now
            }
        }
        let status: TrialStatus = done < iterations ? .cancelled : .succeeded
        for trial in 0..<trials where results[trial] == nil {
            results[trial] = result(
                trial, status: status, divergedAt: nil, iterationsDone: done,
                recordedBefore: done, started: started)
        }
        return results.map { $0! }
    }

    /// Re-runs `range` from the chunk's saved start one iteration at a time; each trial of
    /// `trials` gets its diverged result at the last finite state. Ends with the batch at
    /// `range.upperBound`, exactly as before (the other trials replay identically).
    private func replay(
        _ range: Range<Int>, locating trials: [Int], into results: inout [TrialResult?],
        started: ContinuousClock.Instant
    ) {
        batch.restore(from: .chunkStart)
        var pending = trials
        var iteration = range.lowerBound
        while iteration < range.upperBound, !pending.isEmpty {
            batch.save(to: .previousStep)
            batch.train(iteration..<iteration + 1)
            batch.evaluate()
            let failed = pending.filter { !batch.isFinite(trial: $0) }
            if !failed.isEmpty {
                batch.restore(from: .previousStep)
                batch.evaluate()
                for trial in failed {
                    results[trial] = result(
                        trial, status: .diverged, divergedAt: iteration + 1, iterationsDone: iteration,
                        recordedBefore: iteration + 1, started: started)
                }
                pending.removeAll { failed.contains($0) }
                batch.train(iteration..<iteration + 1)
            }
            iteration += 1
        }
        if iteration < range.upperBound { batch.train(iteration..<range.upperBound) }
        batch.evaluate()
    }

    /// The trial's result from the batch's current (evaluated) state: its recorded curve points
    /// before `recordedBefore`, then a last point for the reported weights.
    private func result(
        _ trial: Int, status: TrialStatus, divergedAt: Int?, iterationsDone: Int,
        recordedBefore: Int, started: ContinuousClock.Instant
    ) -> TrialResult {
        let error = batch.currentError(trial: trial)
        var errorCurve = curve(trial, points: 0..<Self.recordedPoints(before: recordedBefore, errorEvery: errorEvery))
        if errorCurve.last?.iteration != iterationsDone {
            errorCurve.append(CurvePoint(iteration: iterationsDone, error: error))
        }
        let changes = zip(batch.directionChanges(trial: trial), shape.synapseShapes).map { counts, size in
            (0..<size.rows).map { Array(counts[($0 * size.columns)..<(($0 + 1) * size.columns)]) }
        }
        return TrialResult(
            alpha: alphas[trial], hiddenSize: shape.hidden, status: status, divergedAtIteration: divergedAt,
            iterationsDone: iterationsDone, errorCurve: errorCurve, finalError: error, synapses: synapses(trial),
            directionChanges: changes,
            outputs: Matrix(rows: shape.samples, columns: shape.outputs, values: batch.outputs(trial: trial)),
            durationMs: Self.milliseconds(ContinuousClock.now - started))
    }

    private func curve(_ trial: Int, points: Range<Int>) -> [CurvePoint] {
        points.map { CurvePoint(iteration: $0 * errorEvery, error: batch.curveError(trial: trial, point: $0)) }
    }

    private func synapses(_ trial: Int) -> [Matrix] {
        zip(batch.synapses(trial: trial), shape.synapseShapes).map { Matrix(rows: $1.rows, columns: $1.columns, values: $0) }
    }

    /// Scales the chunk towards `chunkTarget`, at most ×4 per step.
    static func nextChunk(after chunk: Int, took elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard seconds > 0 else { return chunk * 4 }
        let target = Double(chunkTarget.components.attoseconds) * 1e-18
        return max(1, min(chunk * 4, Int(Double(chunk) * target / seconds)))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
    }
}
