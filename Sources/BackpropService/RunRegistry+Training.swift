import Backprop

/// What the worker threads do: take a batch, report progress, hand back results. Every change
/// goes through `Run+Transitions` under the registry's lock, so the log's order is the order of
/// the changes.
extension RunRegistry {
    /// Splits the run's unfinished trials into batches of one hidden size, small enough that
    /// every worker gets a share of a lone run, at most `batchSize` trials each. The engine
    /// trains a small batch in narrower vectors, so a 4 + 3 split of a 7-alpha sweep on two
    /// workers takes about half the time of one 7-lane batch.
    func batches(for run: Run) -> [(job: Batch, cost: Int)] {
        var groups: [Int: [Int]] = [:]
        var sizes: [Int] = []
        for (index, trial) in run.trials.enumerated() where !trial.isDone {
            if groups[trial.spec.hiddenSize] == nil { sizes.append(trial.spec.hiddenSize) }
            groups[trial.spec.hiddenSize, default: []].append(index)
        }
        return sizes.flatMap { size -> [(job: Batch, cost: Int)] in
            let indices = groups[size]!
            let perWorker = (indices.count + pool.workerCount - 1) / pool.workerCount
            let chunk = max(1, min(configuration.batchSize, perWorker))
            return stride(from: 0, to: indices.count, by: chunk).map { start in
                let slice = Array(indices[start..<min(start + chunk, indices.count)])
                return (Batch(trialIndices: slice), slice.count)
            }
        }
    }

    func train(_ batch: Batch, of id: RunID) {
        let started = state.withLock { state -> (Dataset, [TrialSpec], Cancellation, [RunWaiters.Waiter])? in
            guard !state.stopping, let cancellation = state.cancellations[id],
                  let persist = state.table[id]?.startBatch(at: .now()) else { return nil }
            let run = state.table[id]!
            if persist { checkpointer.save(run) }
            return (run.dataset, batch.trialIndices.map { run.trials[$0].spec }, cancellation, state.waiters.take(for: id, throttled: false))
        }
        guard let (dataset, specs, cancellation, woken) = started else { return }
        for waiter in woken { waiter.resume() }
        let results = Trainer.train(dataset: dataset, specs: specs, cancellation: cancellation) { lane, snapshot in
            record(snapshot, trial: batch.trialIndices[lane], of: id)
        }
        finish(batch, of: id, with: results)
    }

    private func record(_ snapshot: TrialSnapshot, trial index: Int, of id: RunID) {
        let woken = state.withLock { state -> [RunWaiters.Waiter] in
            guard let before = state.table[id]?.trials[index].iterationsDone,
                  state.table[id]!.record(snapshot, trial: index) else { return [] }
            metrics.recordIterations(max(0, snapshot.iterationsDone - before))
            return state.waiters.take(for: id, throttled: true)
        }
        for waiter in woken { waiter.resume() }
    }

    private func finish(_ batch: Batch, of id: RunID, with results: [TrialResult]) {
        let (woken, finished) = state.withLock { state -> ([RunWaiters.Waiter], Bool) in
            guard let before = state.table[id].map({ run in
                batch.trialIndices.map { (done: run.trials[$0].isDone, iterations: run.trials[$0].iterationsDone) }
            }) else { return ([], false) }
            let persist = state.table[id]!.finishBatch(batch.trialIndices, results: results, at: .now())
            let run = state.table[id]!
            for (index, before) in zip(batch.trialIndices, before) {
                guard case .finished(let result) = run.trials[index].state, !before.done else { continue }
                metrics.recordIterations(max(0, result.iterationsDone - before.iterations))
                metrics.recordTrialCompleted(status: result.status.rawValue)
            }
            if persist { checkpointer.save(run) }
            if run.status.isFinished { state.cancellations.removeValue(forKey: id) }
            return (state.waiters.take(for: id, throttled: false), run.status.isFinished)
        }
        for waiter in woken { waiter.resume() }
        if finished { evictOldFinishedRuns() }
    }
}
