import Dispatch
import Posix

/// Writes runs through to the `RunStore`: at once on a state change, every `interval` while a run
/// trains (only when a trial finished since its last write: progress alone is not stored, since
/// unfinished trials train again after a restart, so a large run is not re-encoded every interval
/// for nothing), and again after a failed write until one succeeds. Keeps the last failure for
/// `/readyz` and counts failures in the metrics.
final class Checkpointer: Sendable {
    private struct State {
        var persistedVersions: [RunID: Int] = [:]
        /// Trials done in each run's last write.
        var persistedTrialsDone: [RunID: Int] = [:]
        /// Runs whose last write failed: written again until one succeeds.
        var unsaved: Set<RunID> = []
        /// The last write failure, cleared by the next successful write.
        var lastFailure: String?
        var stopped = false

        /// Versions only go forward: a save of an older snapshot (the store writes nothing for
        /// it) must not make the newer state look unsaved.
        mutating func notePersisted(_ run: Run) {
            guard run.version >= persistedVersions[run.id] ?? 0 else { return }
            persistedVersions[run.id] = run.version
            persistedTrialsDone[run.id] = Checkpointer.trialsDone(run)
        }
    }

    let store: RunStore
    let interval: DispatchTimeInterval
    private let metrics: ServiceMetrics
    private let log: Logger
    private let state = Locked(State())
    private let queue = DispatchQueue(label: "backpropd.checkpoint")

    init(store: RunStore, intervalMilliseconds: Int, metrics: ServiceMetrics, log: Logger) {
        self.store = store
        interval = .milliseconds(intervalMilliseconds)
        self.metrics = metrics
        self.log = log
    }

    /// Starts the periodic checkpoints: every `interval`, `tick` is called, and it calls
    /// `checkpoint(running:lookup:)` under the owner's lock, so that what is saved is the run as
    /// it is now (not a snapshot a finished run has since overtaken) and no save of a run is
    /// queued after its removal (which would bring a deleted run back on the next start).
    func start(tick: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + interval) { [self] in
            guard !state.withLock({ $0.stopped }) else { return }
            tick()
            start(tick: tick)
        }
    }

    /// Saves the running runs that changed since their last save, and retries failed writes.
    /// `lookup(id)` gives a run by id. Called by `tick` under the owner's lock.
    func checkpoint(running: [Run], lookup: (RunID) -> Run?) {
        let (due, retries) = state.withLock { state -> ([Run], [RunID]) in
            let due = running.filter {
                $0.version > state.persistedVersions[$0.id] ?? 0 && Self.trialsDone($0) > state.persistedTrialsDone[$0.id] ?? -1
            }
            // While writes fail (a full disk), one unsaved run probes each time instead of all of
            // them re-encoded and failing every interval; once one is written, the rest follow.
            let retries = state.lastFailure == nil ? Array(state.unsaved) : Array(state.unsaved.prefix(1))
            return (due, retries)
        }
        for run in due { save(run) }
        for id in retries {
            if let run = lookup(id), run.status != .running {
                save(run)
            } else {
                state.withLock { _ = $0.unsaved.remove(id) }
            }
        }
    }

    /// A run as it was read from disk: nothing to write until it changes.
    func noteLoaded(_ run: Run) {
        state.withLock { $0.notePersisted(run) }
    }

    /// Writes the run in the background.
    func save(_ run: Run) {
        state.withLock { $0.notePersisted(run) }
        store.save(run) { [self] outcome in note(outcome, run: run.id) }
    }

    /// Writes the run before any background write; `completion` gets the outcome once it is
    /// durable (or not). Call it with the run's newest version, under the lock its other saves
    /// are made under: a write queued here is never followed by an older one of the same run.
    func saveNow(_ run: Run, completion: @escaping @Sendable (RunStore.SaveOutcome) -> Void) {
        state.withLock { $0.notePersisted(run) }
        store.save(run, urgent: true) { [self] outcome in
            note(outcome, run: run.id)
            completion(outcome)
        }
    }

    /// The run is gone: its file is removed and a write of it not yet done is dropped.
    func remove(_ id: RunID) {
        state.withLock { state in
            state.persistedVersions.removeValue(forKey: id)
            state.persistedTrialsDone.removeValue(forKey: id)
            state.unsaved.remove(id)
        }
        store.remove(id)
    }

    /// Why the last write failed, until a later one succeeds.
    var lastFailure: String? { state.withLock { $0.lastFailure } }

    var unsavedCount: Int { state.withLock { $0.unsaved.count } }

    /// Ends the periodic checkpoints (writes asked for keep going; `store.flush()` waits for them).
    func stop() {
        state.withLock { $0.stopped = true }
    }

    static func trialsDone(_ run: Run) -> Int { run.trials.count { $0.isDone } }

    private func note(_ outcome: RunStore.SaveOutcome, run id: RunID) {
        let failure: RunStore.Failure? = state.withLock { state in
            switch outcome {
            case .stored:
                state.lastFailure = nil
                state.unsaved.remove(id)
                return nil
            case .dropped:
                state.unsaved.remove(id)
                return nil
            case .failed(let failure):
                state.lastFailure = failure.description
                state.unsaved.insert(id)
                return failure
            }
        }
        guard let failure else { return }
        metrics.recordStorageFailure()
        log.error("run not stored", [("run", id.description), ("error", failure.description)])
    }
}
