import Backprop

/// Every change of a run, each logging its events in the contract's order (see `RunEventLog`)
/// and raising the version. Plain value mutations: the registry calls them under its lock, tests
/// call them directly.
extension Run {
    /// A worker is about to train some of the run's trials. Nil when it must not (the run was
    /// cancelled or finished meanwhile); else whether the run must be written now.
    mutating func startBatch(at time: Timestamp) -> Bool? {
        guard lifecycle.acceptsWork else { return nil }
        let previous = status
        return apply(lifecycle.batchStarted(), since: previous, at: time)
    }

    /// A progress report of trial `index`: the trial is `running` from its first report on (a
    /// trial waiting in its batch for the engine stays `queued`). Its new points are logged when
    /// someone reads the log (`logPendingPoints`). False when the run ignores the report (the
    /// trial already has a terminal state).
    mutating func record(_ snapshot: TrialSnapshot, trial index: Int) -> Bool {
        switch trials[index].state {
        case .queued:
            trials[index].state = .running
            events.appendTrial(index, .running, iterationsDone: snapshot.iterationsDone)
        case .running:
            break
        case .finished, .cancelled:
            return false
        }
        trials[index].record(snapshot)
        version += 1
        return true
    }

    /// Logs every point the trials' curves hold that the log does not yet: before anyone reads
    /// the log (a GET, a stream), so what they are sent and the cursor they get agree. Not a
    /// change of the run (the same version: its representation is the same either way).
    mutating func logPendingPoints() {
        guard !events.hasEnded else { return }
        for index in trials.indices {
            let logged = events.pointsLogged(trial: index)
            let count = trials[index].errorCurve.count
            if count > logged { events.appendPoints(trial: index, curveIndices: logged..<count) }
        }
    }

    /// The results of a batch are back. A trial the engine stopped without a cancel (the server
    /// is shutting down) goes back to the queue; every other one takes its result, after the
    /// points it had not reported yet. Returns whether the run must be written now.
    mutating func finishBatch(_ indices: [Int], results: [TrialResult], at time: Timestamp) -> Bool {
        let previous = status
        for (index, result) in zip(indices, results) {
            let wasRunning: Bool
            switch trials[index].state {
            case .queued: wasRunning = false
            case .running: wasRunning = true
            case .finished, .cancelled: continue
            }
            if result.status == .cancelled && !lifecycle.cancelRequested {
                if wasRunning { events.appendTrial(index, .queued, iterationsDone: 0) }
                trials[index].reset()
                continue
            }
            if result.status == .cancelled && !wasRunning {
                // Stopped before the engine trained it: its "result" is only the starting weights.
                trials[index].state = .cancelled
                events.appendTrial(index, .cancelled, iterationsDone: 0)
                lifecycle.trialFinished(cancelled: true)
                continue
            }
            if !wasRunning { events.appendTrial(index, .running, iterationsDone: 0) }
            let reported = events.pointsLogged(trial: index)
            trials[index].state = .finished(result)
            trials[index].iterationsDone = result.iterationsDone
            trials[index].partialCurve = []
            trials[index].currentSynapses = []
            events.appendPoints(trial: index, curveIndices: reported..<max(reported, result.errorCurve.count))
            events.appendTrial(index, trials[index].phase, iterationsDone: result.iterationsDone)
            lifecycle.trialFinished(cancelled: result.status == .cancelled)
        }
        return apply(lifecycle.batchEnded(), since: previous, at: time)
    }

    /// Cancels the trials no worker has trained and asks the running ones to stop; the run is
    /// `cancelled` now if none is running, else when the last one has stopped. Returns the
    /// lifecycle's actions (`stopWork` means: drop the queued work, stop the running batches).
    mutating func cancel(at time: Timestamp) throws(RunLifecycle.Refusal) -> [RunLifecycle.Action] {
        if status == .succeeded { throw .alreadyFinished(status) }
        guard !status.isFinished, !lifecycle.cancelRequested else { return [] }
        let previous = status
        var queued = 0
        for index in trials.indices {
            guard case .queued = trials[index].state else { continue }
            trials[index].state = .cancelled
            events.appendTrial(index, .cancelled, iterationsDone: 0)
            queued += 1
        }
        let actions = try lifecycle.cancel(queuedTrials: queued)
        _ = apply(actions, since: previous, at: time)
        return actions
    }

    /// The server is stopping and every worker has returned: unfinished trials go back to the
    /// queue, to train again from their deterministic start after the restart.
    mutating func interrupt(at time: Timestamp) {
        let previous = status
        for index in trials.indices where !trials[index].isDone {
            if case .running = trials[index].state { events.appendTrial(index, .queued, iterationsDone: 0) }
            trials[index].reset()
        }
        _ = apply(lifecycle.interrupt(), since: previous, at: time)
    }

    /// A client changed the run's name or labels (`PATCH`): a new version, no event (the stream
    /// carries training, not metadata).
    mutating func rename(_ name: String?, labels: [String: String]) {
        self.name = name
        self.labels = labels
        version += 1
    }

    /// Sets the timestamps the lifecycle asks for, logs `status` (and after a terminal one,
    /// `end`) when the status changed, and raises the version. Returns whether to write now.
    private mutating func apply(_ actions: [RunLifecycle.Action], since previous: RunLifecycle.Status, at time: Timestamp) -> Bool {
        var persist = false
        for action in actions {
            switch action {
            case .recordStart: startedAt = startedAt ?? time
            case .recordFinish: finishedAt = time
            case .persist: persist = true
            case .stopWork: break
            }
        }
        if status != previous {
            events.appendStatus(status, iterationsDone: iterationsDone)
            if status.isFinished { events.appendEnd() }
        }
        version += 1
        return persist
    }
}
