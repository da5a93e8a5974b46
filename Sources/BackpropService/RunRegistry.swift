import Backprop
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The runs in memory: the single source the HTTP handlers read (never the disk), fed by the
/// worker pool and written through to the `RunStore`. Thread-safe; handlers only take its lock
/// for short copies, encoding happens outside it and is cached per run version.
public final class RunRegistry: Sendable {
    public struct Configuration: Sendable {
        public var workers = 2
        /// Trials waiting in the queue, over all runs (429 beyond).
        public var queueLimit = 10_000
        /// Finished runs beyond this many are evicted, oldest first.
        public var maxRuns = 10_000
        /// How often running runs are written to disk between state changes.
        public var checkpointMilliseconds = 2000
        /// Byte budget of the encoded-run cache.
        public var responseCacheBytes = 64 << 20
        /// The most trials per work item (default: the engine's widest batch), so a later run's
        /// trials get a turn between a big sweep's; how a run is shared over workers is `WorkSplit`'s.
        public var batchSize = Trainer.widestBatchSize
        /// Nice value of the worker threads (tests raise it so training never starves I/O threads).
        public var workerNiceness: Int32 = 0
        /// Leading hex digits of every new run id (0-4; see `RunID`): which replica owns a run.
        public var instancePrefix = ""

        public init() {}
    }

    /// A work item of the pool: some trials of one run, all of the same hidden size.
    public struct Batch: Sendable, Equatable {
        public var trialIndices: [Int]
    }

    struct CachedRepresentation {
        var version: Int
        var bytes: [UInt8]
        var lastUse: UInt64
    }

    struct State {
        var runs: [RunID: Run] = [:]
        /// Ids sorted by (created_at, id): listing walks it backwards.
        var order: [RunID] = []
        var idempotencyKeys: [String: RunID] = [:]
        var cancellations: [RunID: Cancellation] = [:]
        var waiters: [RunID: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter: UInt64 = 0
        var lastNotified: [RunID: UInt64] = [:]
        var persistedVersions: [RunID: Int] = [:]
        var cache: [RunID: CachedRepresentation] = [:]
        var cacheBytes = 0
        var cacheClock: UInt64 = 0
        var stopping = false
        /// (files read, files in all) until `loadStoredRuns()` is done.
        var loading: (read: Int, total: Int)? = (0, 0)
        /// The last write failure, cleared by the next successful write.
        var storageFailure: String?
        /// Runs whose last write failed: the checkpoint writes them again until one succeeds.
        var unsaved: Set<RunID> = []
    }

    public let configuration: Configuration
    public let store: RunStore
    public let metrics: ServiceMetrics
    let log: Logger
    /// Part of every ETag, so versions counted again after a restart never collide.
    let bootTag: String
    let pool: WorkerPool<RunID, Batch>
    let state = Locked(State())
    private let checkpointQueue = DispatchQueue(label: "backpropd.checkpoint")

    /// Starts the workers and the checkpoints; `loadStoredRuns()` brings the stored runs back.
    public init(configuration: Configuration, store: RunStore, metrics: ServiceMetrics, log: Logger) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.log = log
        bootTag = String(UInt32.random(in: .min ... .max), radix: 36)
        pool = WorkerPool(workers: configuration.workers, capacity: configuration.queueLimit, niceness: configuration.workerNiceness)
        pool.start { [self] owner, batch in train(batch, of: owner) }
        scheduleCheckpoint()
    }

    /// Reads the stored runs and queues the unfinished ones again. Blocking (seconds for a full
    /// volume): `BackpropService.start()` runs it on `loadQueue` after the server listens, so
    /// `/healthz` answers and SIGTERM is honoured meanwhile; `/readyz` and the `/runs` routes
    /// answer 503 until it is done (`loadingProgress`). Returns early once `stop()` is called.
    public func loadStoredRuns() {
        let report = store.loadAll(shouldStop: { [self] in isStopping }, progress: { [self] read, total in
            state.withLock { $0.loading = (read, total) }
        })
        for file in report.setAside {
            log.error("unreadable run file moved aside", [("file", file.file), ("moved_to", file.movedTo), ("reason", file.reason)])
        }
        for file in report.skipped {
            log.warning("run file left where it is", [("file", file.file), ("reason", file.reason.rawValue), ("detail", file.detail)])
        }
        metrics.recordRunFilesSkipped(report.skipped.map(\.reason))
        var requeued = 0
        let loaded = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            for var run in report.runs.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
                if run.status == .succeeded && run.finishedAt == nil { run.finishedAt = .now() }
                state.runs[run.id] = run
                state.order.append(run.id)
                state.persistedVersions[run.id] = run.version - 1
                if let key = run.idempotencyKey { state.idempotencyKeys[key] = run.id }
                guard !run.status.isFinished else { continue }
                state.cancellations[run.id] = Cancellation()
                try? pool.submit(batches(for: run), for: run.id, ignoringCapacity: true)
                requeued += 1
            }
            state.loading = nil
            return true
        }
        guard loaded else {
            log.info("loading runs stopped by shutdown", [("read", report.runs.count)])
            return
        }
        log.info("runs loaded", [("directory", store.directory), ("runs", report.runs.count), ("requeued", requeued),
                                 ("set_aside", report.setAside.count), ("left_in_place", report.skipped.count)])
    }

    /// Where `loadStoredRuns()` runs.
    let loadQueue = DispatchQueue(label: "backpropd.load")

    /// Files read and files in all while the stored runs load; nil once they are.
    public var loadingProgress: (read: Int, total: Int)? { state.withLock { $0.loading } }

    /// Blocks until `loadStoredRuns()` has returned (tests, which start a service and use it at once).
    public func waitUntilLoaded() { loadQueue.sync {} }

    /// The pool's jobs for the run's unfinished trials. `WorkSplit` decides how many workers
    /// share each hidden size's trials (never more than splitting pays for), and each share is
    /// cut into jobs of at most `batchSize` trials, so that round-robin by run stays fair to a
    /// later run while a big sweep trains.
    func batches(for run: Run) -> [(job: Batch, cost: Int)] {
        let pending = run.trials.indices.filter { !run.trials[$0].isDone }
        let size = max(1, configuration.batchSize)
        return WorkSplit.shares(of: pending.map { run.trials[$0].spec }, workers: pool.workerCount).flatMap { share in
            stride(from: 0, to: share.count, by: size).map { start -> (job: Batch, cost: Int) in
                let trials = share[start..<min(start + size, share.count)].map { pending[$0] }
                return (Batch(trialIndices: trials), trials.count)
            }
        }
    }

    // MARK: - Submitting, cancelling, deleting

    public enum SubmitOutcome: Sendable {
        case created(Run)
        /// The same Idempotency-Key and body came before: the run it created.
        case existing(Run)
    }

    public func submit(_ request: RunRequest, idempotencyKey: String?) async throws(Problem) -> SubmitOutcome {
        let trialCount = request.sweep.trials.count
        let admission = try state.withLock { state throws(Problem) -> SubmitOutcome in
            guard !state.stopping else { throw Problem(status: 503, title: "Shutting down", detail: "the server is stopping; retry on its successor") }
            if let loading = state.loading { throw Problem.starting(loading) }
            if let key = idempotencyKey, let id = state.idempotencyKeys[key], let existing = state.runs[id] {
                guard existing.request == request else {
                    throw Problem(status: 422, title: "Idempotency key reused",
                                  detail: "Idempotency-Key \(key) was first used with a different body (run \(id)); use a new key for a new run",
                                  errors: [ValidationIssue("header:Idempotency-Key", "already used with a different body")])
                }
                return .existing(existing)
            }
            let pending = pool.load.pendingCost
            guard pending + trialCount <= pool.capacity else {
                throw Problem.queueFull(pendingTrials: pending, limit: pool.capacity, retryAfterSeconds: 5)
            }
            let run = Run(id: RunID(instancePrefix: configuration.instancePrefix), request: request, idempotencyKey: idempotencyKey)
            insert(run, into: &state)
            return .created(run)
        }
        guard case .created(let run) = admission else { return admission }
        // Training starts at once; the answer waits until the run is durable (fsync costs
        // 5–20 ms here, a good part of a small sweep). A run that cannot be stored is dropped
        // before anyone was told it exists.
        do {
            try pool.submit(batches(for: run), for: run.id)
        } catch {
            forget(run.id)
            throw Problem.queueFull(pendingTrials: error.pendingCost, limit: error.capacity, retryAfterSeconds: 5)
        }
        let failure = await store.save(run)
        noteStorage(failure, run: run.id)
        if let failure {
            forget(run.id)
            store.remove(run.id)
            throw failure.isOutOfSpace
                ? Problem.insufficientStorage("the data directory is full; the run was not accepted: \(failure.description)")
                : Problem(status: 503, title: "Storage unavailable", detail: "the run could not be stored: \(failure.description)")
        }
        metrics.recordRunSubmitted()
        evictOldFinishedRuns()
        log.info("run submitted", [("run", run.id.description), ("trials", trialCount)])
        return .created(run)
    }

    private func insert(_ run: Run, into state: inout State) {
        state.runs[run.id] = run
        let key = (run.createdAt, run.id)
        var low = state.order.count
        while low > 0, let previous = state.runs[state.order[low - 1]], (previous.createdAt, previous.id) > key { low -= 1 }
        state.order.insert(run.id, at: low)
        if let idempotencyKey = run.idempotencyKey { state.idempotencyKeys[idempotencyKey] = run.id }
        state.cancellations[run.id] = Cancellation()
        state.persistedVersions[run.id] = run.version
    }

    /// Removes the run from memory (not from disk) and wakes its waiters.
    private func forget(_ id: RunID) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let run = state.runs.removeValue(forKey: id) else { return [] }
            state.order.removeAll { $0 == id }
            if let key = run.idempotencyKey, state.idempotencyKeys[key] == id { state.idempotencyKeys.removeValue(forKey: key) }
            state.cancellations.removeValue(forKey: id)?.cancel()
            state.persistedVersions.removeValue(forKey: id)
            state.lastNotified.removeValue(forKey: id)
            if let cached = state.cache.removeValue(forKey: id) { state.cacheBytes -= cached.bytes.count }
            return Array((state.waiters.removeValue(forKey: id) ?? [:]).values)
        }
        pool.removePending(for: id)
        for waiter in woken { waiter.resume() }
    }

    public func cancel(_ id: RunID) throws(Problem) -> Run {
        let (run, woken) = try state.withLock { state throws(Problem) -> (Run, [CheckedContinuation<Void, Never>]) in
            guard var run = state.runs[id] else { throw Problem.notFound("no run \(id)") }
            let actions: [RunLifecycle.Action]
            do {
                actions = try run.lifecycle.cancel()
            } catch {
                throw Problem(status: 409, title: "Run finished", detail: "run \(id) already \(run.status.rawValue); only queued or running runs can be cancelled")
            }
            guard !actions.isEmpty else { return (run, []) }
            pool.removePending(for: id)
            state.cancellations[id]?.cancel()
            run.markUnstartedTrialsCancelled()
            return (run, commit(run, actions: actions, into: &state, forceNotify: true))
        }
        for waiter in woken { waiter.resume() }
        log.info("run cancelled", [("run", id.description)])
        return run
    }

    public func delete(_ id: RunID) throws(Problem) {
        guard state.withLock({ $0.runs[id] != nil }) else { throw Problem.notFound("no run \(id)") }
        forget(id)
        store.remove(id)
        log.info("run deleted", [("run", id.description)])
    }

    private func evictOldFinishedRuns() {
        let evicted = state.withLock { state -> [RunID] in
            var excess = state.runs.count - configuration.maxRuns
            guard excess > 0 else { return [] }
            var evicted: [RunID] = []
            for id in state.order where excess > 0 && state.runs[id]?.status.isFinished == true {
                evicted.append(id)
                excess -= 1
            }
            return evicted
        }
        for id in evicted {
            forget(id)
            store.remove(id)
            log.info("run evicted", [("run", id.description), ("reason", "--max-runs \(configuration.maxRuns)")])
        }
    }

    // MARK: - State changes (under the lock)

    /// Stores `run` with a new version, performs the persist action and returns the waiters to
    /// wake (progress wakes them at most every 20 ms per run unless `forceNotify`).
    private func commit(_ run: Run, actions: [RunLifecycle.Action], into state: inout State,
                        forceNotify: Bool) -> [CheckedContinuation<Void, Never>] {
        state.runs[run.id] = run
        return commit(run.id, actions: actions, into: &state, forceNotify: forceNotify)
    }

    /// As above for a run already changed in place in `state` (the progress path: no copy of
    /// its curves).
    private func commit(_ id: RunID, actions: [RunLifecycle.Action], into state: inout State,
                        forceNotify: Bool) -> [CheckedContinuation<Void, Never>] {
        guard state.runs[id] != nil else { return [] }
        state.runs[id]!.version += 1
        if state.runs[id]!.apply(actions, at: .now()) { save(state.runs[id]!, in: &state) }
        let now = DispatchTime.now().uptimeNanoseconds
        guard forceNotify || now - (state.lastNotified[id] ?? 0) >= 20_000_000 else { return [] }
        state.lastNotified[id] = now
        return Array((state.waiters.removeValue(forKey: id) ?? [:]).values)
    }

    private func save(_ run: Run, in state: inout State) {
        state.persistedVersions[run.id] = run.version
        store.save(run) { [self] failure in noteStorage(failure, run: run.id) }
    }

    private func noteStorage(_ failure: RunStore.Failure?, run id: RunID) {
        state.withLock { state in
            state.storageFailure = failure?.description
            if failure == nil { state.unsaved.remove(id) } else { state.unsaved.insert(id) }
        }
        guard let failure else { return }
        metrics.recordStorageFailure()
        log.error("run not stored", [("run", id.description), ("error", failure.description)])
    }

    /// Why the last disk write failed, until a later one succeeds.
    public var lastStorageFailure: String? { state.withLock { $0.storageFailure } }

    private func scheduleCheckpoint() {
        checkpointQueue.asyncAfter(deadline: .now() + .milliseconds(configuration.checkpointMilliseconds)) { [self] in
            let stopping = state.withLock { state in
                for (id, run) in state.runs where run.status == .running && run.version > (state.persistedVersions[id] ?? 0) {
                    save(run, in: &state)
                }
                // While writes fail (a full disk), one unsaved run probes each time instead of
                // all of them re-encoded and failing every interval; once one is written, the rest follow.
                for id in state.storageFailure == nil ? Array(state.unsaved) : Array(state.unsaved.prefix(1)) {
                    if let run = state.runs[id], run.status != .running { save(run, in: &state) } else { state.unsaved.remove(id) }
                }
                return state.stopping
            }
            if !stopping { scheduleCheckpoint() }
        }
    }

    // MARK: - Training (worker threads)

    private func train(_ batch: Batch, of id: RunID) {
        let started = state.withLock { state -> (Dataset, [TrialSpec], Cancellation, [CheckedContinuation<Void, Never>])? in
            guard !state.stopping, var run = state.runs[id], !run.status.isFinished, let cancellation = state.cancellations[id] else { return nil }
            let actions = run.lifecycle.batchStarted()
            for index in batch.trialIndices { run.trials[index].state = .running }
            let woken = commit(run, actions: actions, into: &state, forceNotify: true)
            return (run.dataset, batch.trialIndices.map { run.trials[$0].spec }, cancellation, woken)
        }
        guard let (dataset, specs, cancellation, woken) = started else { return }
        for waiter in woken { waiter.resume() }
        let results = Trainer.train(dataset: dataset, specs: specs, cancellation: cancellation) { lane, snapshot in
            record(snapshot, trial: batch.trialIndices[lane], of: id)
        }
        finish(batch, of: id, with: results)
    }

    private func record(_ snapshot: TrialSnapshot, trial index: Int, of id: RunID) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard case .running? = state.runs[id]?.trials[index].state,
                  let before = state.runs[id]?.trials[index].iterationsDone else { return [] }
            state.runs[id]!.trials[index].record(snapshot)
            metrics.recordIterations(max(0, snapshot.iterationsDone - before))
            return commit(id, actions: [], into: &state, forceNotify: false)
        }
        for waiter in woken { waiter.resume() }
    }

    private func finish(_ batch: Batch, of id: RunID, with results: [TrialResult]) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var run = state.runs[id] else { return [] }
            var actions: [RunLifecycle.Action] = []
            for (index, result) in zip(batch.trialIndices, results) {
                let interrupted = result.status == .cancelled && run.status != .cancelled
                if interrupted {
                    run.trials[index].reset()
                    continue
                }
                let before = run.trials[index].iterationsDone
                metrics.recordIterations(max(0, result.iterationsDone - before))
                run.trials[index].state = .finished(result)
                run.trials[index].iterationsDone = result.iterationsDone
                run.trials[index].partialCurve = []
                run.trials[index].currentSynapses = []
                metrics.recordTrialCompleted(status: result.status.rawValue)
                actions += run.lifecycle.trialFinished()
            }
            if run.status.isFinished { state.cancellations.removeValue(forKey: id) }
            return commit(run, actions: actions, into: &state, forceNotify: true)
        }
        for waiter in woken { waiter.resume() }
        if state.withLock({ $0.runs[id]?.status.isFinished == true }) { evictOldFinishedRuns() }
    }

    // MARK: - Shutdown

    /// Stops training, puts unfinished runs back to queued on disk and wakes every waiter
    /// (long-polls answer, event streams end). Blocks until the store has flushed.
    public func stop() {
        // A start-up still loading is not waited for (one large file can take seconds): once
        // `stopping` is set it inserts nothing, and what it read is dropped with the process.
        state.withLock { $0.stopping = true }
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for cancellation in state.cancellations.values { cancellation.cancel() }
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        for waiter in woken { waiter.resume() }
        pool.stop()
        state.withLock { state in
            for var run in state.runs.values where !run.status.isFinished {
                run.requeueUnfinishedTrials()
                let actions = run.lifecycle.interrupt()
                _ = commit(run, actions: actions + [.persist], into: &state, forceNotify: false)
            }
        }
        store.flush()
    }

    public var isStopping: Bool { state.withLock { $0.stopping } }
}
