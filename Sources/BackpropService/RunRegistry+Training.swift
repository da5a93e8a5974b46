import Backprop
import Posix

/// What the worker threads do: take a batch, report progress, hand back results. Every change
/// goes through `Run+Transitions` under the registry's lock, so the log's order is the order of
/// the changes.
extension RunRegistry {
    /// The pool's jobs for the run's unfinished trials. `WorkSplit` decides, from the engine's
    /// calibration, how many workers share each hidden size's trials (never more than splitting
    /// pays for) and whether a lone large trial trains on a team of threads; each share is cut
    /// into jobs of at most `batchSize` trials, so that round-robin by run stays fair to a later
    /// run while a big sweep trains.
    func batches(for run: Run) -> [(job: Batch, cost: Int)] {
        let pending = run.trials.indices.filter { !run.trials[$0].isDone }
        let size = max(1, configuration.batchSize)
        let shares = WorkSplit.shares(of: pending.map { run.trials[$0].spec }, dataset: run.dataset, workers: pool.workerCount)
        return shares.flatMap { share in
            stride(from: 0, to: share.trials.count, by: size).map { start -> (job: Batch, cost: Int) in
                let trials = share.trials[start..<min(start + size, share.trials.count)].map { pending[$0] }
                return (Batch(trialIndices: trials, threads: share.threads), trials.count)
            }
        }
    }

    func train(_ batch: Batch, of id: RunID) {
        let started = state.withLock { state -> (Dataset, [TrialSpec], Cancellation, [RunWaiters.Waiter])? in
            guard !state.stopping, let cancellation = state.cancellations[id],
                let persist = state.table[id]?.startBatch(at: .now())
            else { return nil }
            state.table[id]!.engine.codePath = EngineIdentity.codePath(
                training: batch.trialIndices.map { state.table[id]!.trials[$0].spec }, on: state.table[id]!.dataset)
            let run = state.table[id]!
            if persist { checkpointer.save(run) }
            return (run.dataset, batch.trialIndices.map { run.trials[$0].spec }, cancellation, state.waiters.take(for: id, throttled: false))
        }
        guard let (dataset, specs, cancellation, woken) = started else { return }
        for waiter in woken { waiter.resume() }
        let results = Trainer.train(dataset: dataset, specs: specs, threads: batch.threads, cancellation: cancellation) { lane, snapshot in
            record(snapshot, trial: batch.trialIndices[lane], of: id)
        }
        finish(batch, of: id, with: results)
    }

    private func record(_ snapshot: TrialSnapshot, trial index: Int, of id: RunID) {
        let woken = state.withLock { state -> [RunWaiters.Waiter] in
            guard let before = state.table[id]?.trials[index].iterationsDone,
                state.table[id]!.record(snapshot, trial: index)
            else { return [] }
            metrics.recordIterations(max(0, snapshot.iterationsDone - before))
            return state.waiters.take(for: id, throttled: true)
        }
        for waiter in woken { waiter.resume() }
    }

    private func finish(_ batch: Batch, of id: RunID, with results: [TrialResult]) {
        let (woken, finished) = state.withLock { state -> ([RunWaiters.Waiter], Bool) in
            guard
                let before = state.table[id].map({ run in
                    batch.trialIndices.map { (done: run.trials[$0].isDone, iterations: run.trials[$0].iterationsDone) }
                })
            else { return ([], false) }
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
