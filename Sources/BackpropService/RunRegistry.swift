import Backprop
import Dispatch
import Posix

/// The runs in memory: the single source the HTTP handlers read (never the disk). It joins four
/// parts, each its own type: the run table (`RunTable`), each run's ordered event log
/// (`RunEventLog`, in `Run`) with the waiters it wakes (`RunWaiters`), the encoded-run cache
/// (`RepresentationCache`) and the checkpointer (`Checkpointer`, writing through to the
/// `RunStore`). The worker pool feeds it (`RunRegistry+Training.swift`). Thread-safe; handlers
/// take its lock only for short copies, encoding happens outside it.
public final class RunRegistry: Sendable {
    public struct Configuration: Sendable {
        public var workers = 2
        /// Trials waiting in the queue, over all runs (429 beyond).
        public var queueLimit = 10_000
        /// Finished runs beyond this many are evicted, oldest first.
        public var maxRuns = 10_000
        /// The sum of the kept runs' file bounds (`RunSizeBound.stored`): a run that would pass it
        /// is refused with 507 (nothing kept is evicted for it).
        public var maxDataBytes = 512 << 20
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
        /// Threads its training may use (a lone large trial on a team; see `WorkSplit.Share`).
        public var threads = 1
    }

    struct State {
        var table = RunTable()
        var waiters = RunWaiters()
        var cancellations: [RunID: Cancellation] = [:]
        var stopping = false
        /// (files read, files in all) until `loadStoredRuns()` is done.
        var loading: (read: Int, total: Int)? = (0, 0)
    }

    public let configuration: Configuration
    public let store: RunStore
    public let metrics: ServiceMetrics
    let log: Logger
    let pool: WorkerPool<RunID, Batch>
    let cache: RepresentationCache
    let checkpointer: Checkpointer
    let state = Locked(State())

    /// Starts the workers and the checkpoints; `loadStoredRuns()` brings the stored runs back.
    public init(configuration: Configuration, store: RunStore, metrics: ServiceMetrics, log: Logger) {
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.log = log
        pool = WorkerPool(workers: configuration.workers, capacity: configuration.queueLimit, niceness: configuration.workerNiceness)
        cache = RepresentationCache(budget: configuration.responseCacheBytes)
        checkpointer = Checkpointer(store: store, intervalMilliseconds: configuration.checkpointMilliseconds, metrics: metrics, log: log)
        pool.start { [self] owner, batch in train(batch, of: owner) }
        checkpointer.start { [self] in
            state.withLock { state in
                checkpointer.checkpoint(running: state.table.runs.values.filter { $0.status == .running }, lookup: { state.table[$0] })
            }
        }
    }

    /// Reads the stored runs and queues the unfinished ones again. Blocking (seconds for a full
    /// volume): `BackpropService.start()` runs it on `loadQueue` after the server listens, so
    /// `/healthz` answers and SIGTERM is honoured meanwhile; `/readyz` and the `/runs` routes
    /// answer 503 until it is done (`loadingProgress`). Once `stop()` is called it inserts nothing.
    public func loadStoredRuns() {
        let report = store.loadAll(
            shouldStop: { [self] in isStopping },
            progress: { [self] read, total in
                state.withLock { $0.loading = (read, total) }
            })
        for file in report.setAside {
            log.error("unreadable run file moved aside", [("file", file.file), ("moved_to", file.movedTo), ("reason", file.reason)])
        }
        for file in report.skipped {
            log.warning("run file left where it is", [("file", file.file), ("reason", file.reason.rawValue), ("detail", file.detail)])
        }
        metrics.recordRunFilesSkipped(report.skipped.map(\.reason))
        let runs = report.runs.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) })
        let bounds = runs.map { RunSizeBound($0.request).stored }
        var requeued = 0
        let loaded = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            for (run, bound) in zip(runs, bounds) {
                state.table.insert(run, storedBound: bound)
                checkpointer.noteLoaded(run)
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
        log.info(
            "runs loaded",
            [
                ("directory", store.directory), ("runs", report.runs.count), ("requeued", requeued),
                ("set_aside", report.setAside.count), ("left_in_place", report.skipped.count),
            ])
        let storedBytes = dataBytes
        if storedBytes > configuration.maxDataBytes {
            log.warning(
                "the stored runs pass --max-data-bytes: new runs get 507 until some are deleted",
                [("bytes", storedBytes), ("max_data_bytes", configuration.maxDataBytes)])
        }
    }

    /// Where `loadStoredRuns()` runs.
    let loadQueue = DispatchQueue(label: "backpropd.load")

    /// Files read and files in all while the stored runs load; nil once they are.
    public var loadingProgress: (read: Int, total: Int)? { state.withLock { $0.loading } }

    /// Blocks until `loadStoredRuns()` has returned (tests, which start a service and use it at once).
    public func waitUntilLoaded() { loadQueue.sync {} }

    // MARK: - Submitting, cancelling, deleting

    public enum SubmitOutcome: Sendable {
        case created(Run)
        /// The same Idempotency-Key and body came before: the run it created.
        case existing(Run)
    }

    /// Admits the run, starts training it and answers once its file is durable: a run that
    /// cannot be stored (or that was deleted before it was) is never reported as accepted.
    public func submit(_ request: RunRequest, idempotencyKey: String?) async throws(Problem) -> SubmitOutcome {
        let trialCount = request.sweep.trials.count
        let storedBound = RunSizeBound(request).stored
        let admission = try state.withLock { state throws(Problem) -> SubmitOutcome in
            guard !state.stopping else {
                throw Problem(status: 503, title: "Shutting down", detail: "the server is stopping; retry on its successor")
            }
            if let loading = state.loading { throw Problem.starting(loading) }
            if let key = idempotencyKey, let existing = state.table.run(forIdempotencyKey: key) {
                guard existing.request == request else {
                    throw Problem(
                        status: 422, title: "Idempotency key reused",
                        detail: "Idempotency-Key \(key) was first used with a different body (run \(existing.id)); use a new key for a new run",
                        errors: [ValidationIssue("header:Idempotency-Key", "already used with a different body")])
                }
                return .existing(existing)
            }
            let pending = pool.load.pendingCost
            guard pending + trialCount <= pool.capacity else {
                throw Problem.queueFull(pendingTrials: pending, limit: pool.capacity, retryAfterSeconds: 5)
            }
            let kept = state.table.storedBytes
            guard kept + storedBound <= configuration.maxDataBytes else {
                throw Problem.insufficientStorage(
                    "the kept runs' files take up to \(kept.byteDescription) of --max-data-bytes \(configuration.maxDataBytes.byteDescription) and this run's file up to \(storedBound.byteDescription), \((kept + storedBound - configuration.maxDataBytes).byteDescription) too much; the run was not accepted: delete finished runs (DELETE /runs/{id}) or raise --max-data-bytes"
                )
            }
            let run = Run(id: RunID(instancePrefix: configuration.instancePrefix), request: request, idempotencyKey: idempotencyKey)
            state.table.insert(run, storedBound: storedBound, pending: true)
            state.cancellations[run.id] = Cancellation()
            return .created(run)
        }
        switch admission {
        case .existing(let run):
            return .existing(try await stored(run.id))
        case .created(let run):
            // Training starts at once; the answer waits until the run is durable (fsync costs
            // 5–20 ms here, a good part of a small sweep).
            do {
                try pool.submit(batches(for: run), for: run.id)
            } catch {
                forget(run.id)
                throw Problem.queueFull(pendingTrials: error.pendingCost, limit: error.capacity, retryAfterSeconds: 5)
            }
            switch await saveNewRun(run.id) {
            case .stored:
                break
            case .failed(let failure):
                forget(run.id)
                checkpointer.remove(run.id)
                throw failure.isOutOfSpace
                    ? Problem.insufficientStorage("the data directory is full; the run was not accepted: \(failure.description)")
                    : Problem(status: 503, title: "Storage unavailable", detail: "the run could not be stored: \(failure.description)")
            case .dropped:
                forget(run.id)
                throw Problem(status: 503, title: "Storage unavailable", detail: "the run was removed before it was stored; nothing was kept")
            }
            let woken = state.withLock { state -> [RunWaiters.Waiter] in
                state.table.markStored(run.id)
                return state.waiters.take(for: run.id, throttled: false)
            }
            for waiter in woken { waiter.resume() }
            metrics.recordRunSubmitted()
            evictOldFinishedRuns()
            log.info("run submitted", [("run", run.id.description), ("trials", trialCount)])
            return .created(state.withLock { $0.table[run.id] } ?? run)
        }
    }

    /// The replay of an Idempotency-Key: the run once its first save has landed.
    private func stored(_ id: RunID) async throws(Problem) -> Run {
        while true {
            let (run, pending, version) = state.withLock { state in
                (state.table[id], state.table.pending.contains(id), state.table[id]?.version ?? 0)
            }
            guard let run else {
                throw Problem(
                    status: 503, title: "Storage unavailable", detail: "the first request with this Idempotency-Key could not be stored; retry")
            }
            if !pending { return run }
            await waitForChange(of: id, from: version, timeout: .seconds(1))
        }
    }

    /// Removes the run from memory (not from disk), stops its training and wakes its waiters.
    private func forget(_ id: RunID) {
        let woken = state.withLock { state -> [RunWaiters.Waiter] in
            guard state.table.remove(id) != nil else { return [] }
            state.cancellations.removeValue(forKey: id)?.cancel()
            return state.waiters.forget(id)
        }
        pool.removePending(for: id)
        cache.remove(id)
        for waiter in woken { waiter.resume() }
    }

    /// Cancels the run and answers once its running trials have stopped (within ~100 ms: the
    /// engine looks at the cancellation every few milliseconds), with the final state — the
    /// same the stream's last events and every later GET show. Waits at most `timeout`.
    public func cancel(_ id: RunID, timeout: Duration = .seconds(10)) async throws(Problem) -> Run {
        let (run, woken) = try state.withLock { state throws(Problem) -> (Run, [RunWaiters.Waiter]) in
            guard state.table.isVisible(id) else { throw Problem.notFound("no run \(id)") }
            let actions: [RunLifecycle.Action]
            do {
                actions = try state.table[id]!.cancel(at: .now())
            } catch {
                throw Problem(
                    status: 409, title: "Run finished",
                    detail: "run \(id) already \(state.table[id]!.status.rawValue); only queued or running runs can be cancelled")
            }
            let run = state.table[id]!
            if actions.contains(.stopWork) {
                pool.removePending(for: id)
                state.cancellations[id]?.cancel()
            }
            if actions.contains(.persist) { checkpointer.save(run) }
            if run.status.isFinished { state.cancellations.removeValue(forKey: id) }
            return (run, actions.isEmpty ? [] : state.waiters.take(for: id, throttled: false))
        }
        for waiter in woken { waiter.resume() }
        if !woken.isEmpty || run.status.isFinished { log.info("run cancelled", [("run", id.description)]) }
        let deadline = ContinuousClock.now + timeout
        var latest = run
        while !latest.status.isFinished, ContinuousClock.now < deadline {
            await waitForChange(of: id, from: latest.version, timeout: deadline - ContinuousClock.now)
            guard let next = self.run(id) else { throw Problem.notFound("run \(id) was deleted") }
            latest = next
        }
        return latest
    }

    public func delete(_ id: RunID) throws(Problem) {
        guard state.withLock({ $0.table.isVisible(id) }) else { throw Problem.notFound("no run \(id)") }
        forget(id)
        checkpointer.remove(id)
        log.info("run deleted", [("run", id.description)])
    }

    func evictOldFinishedRuns() {
        let evicted = state.withLock { $0.table.excess(over: configuration.maxRuns) }
        for id in evicted {
            forget(id)
            checkpointer.remove(id)
            log.info("run evicted", [("run", id.description), ("reason", "--max-runs \(configuration.maxRuns)")])
        }
    }

    /// The sum of the kept runs' file bounds, against `--max-data-bytes`.
    public var dataBytes: Int { state.withLock { $0.table.storedBytes } }

    /// Why the last disk write failed, until a later one succeeds.
    public var lastStorageFailure: String? { checkpointer.lastFailure }

    /// The new run's first write, durable before its 202. Training has started already and may
    /// have saved newer versions (a small sweep can finish first), so the run is read from the
    /// table and queued under the registry's lock, where every other save is queued: the store
    /// never writes the submitted snapshot over a finished run. A run deleted meanwhile: `dropped`.
    private func saveNewRun(_ id: RunID) async -> RunStore.SaveOutcome {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                guard let run = state.table[id] else { return continuation.resume(returning: .dropped) }
                checkpointer.saveNow(run) { continuation.resume(returning: $0) }
            }
        }
    }

    // MARK: - Shutdown

    /// Stops training, puts unfinished runs back to queued on disk and wakes every waiter
    /// (long-polls answer 503, event streams end with `restarting`). Blocks until the store has flushed.
    public func stop() {
        let woken = state.withLock { state -> [RunWaiters.Waiter] in
            state.stopping = true
            for cancellation in state.cancellations.values { cancellation.cancel() }
            return state.waiters.takeAll()
        }
        for waiter in woken { waiter.resume() }
        pool.stop()
        checkpointer.stop()
        state.withLock { state in
            for id in state.table.runs.keys where !(state.table[id]!.status.isFinished) {
                state.table[id]!.interrupt(at: .now())
                checkpointer.save(state.table[id]!)
            }
        }
        store.flush()
    }

    public var isStopping: Bool { state.withLock { $0.stopping } }
}
