import Dispatch
import Posix

extension RunRegistry {
    /// The run as readers see it (nil for an unknown run or one whose first save has not landed),
    /// every point of its curves logged: what it shows and its `next` cursor agree.
    public func run(_ id: RunID) -> Run? {
        state.withLock { state in
            guard state.table.isVisible(id) else { return nil }
            state.table[id]!.logPendingPoints()
            return state.table[id]
        }
    }

    /// The run and, when this version was encoded before, its full JSON from the cache. Cheap:
    /// safe on an I/O queue.
    public func cachedRepresentation(of id: RunID) -> (run: Run, bytes: [UInt8]?)? {
        guard let run = run(id) else { return nil }
        return (run, cache.bytes(of: id, version: run.version))
    }

    /// Encodes the run's full JSON and keeps it in the byte-budgeted cache. Costs milliseconds
    /// for a big sweep: not for an I/O queue.
    public func encodeAndCache(_ run: Run) -> [UInt8] {
        let bytes = RunRepresentation.full(run)
        cache.store(bytes, of: run.id, version: run.version)
        return bytes
    }

    /// A page of the runs matching `query`, in its order, after its cursor.
    func list(_ query: RunQuery) -> (runs: [Run], next: RunListCursor?) {
        state.withLock { state in
            let (entries, next) = state.table.page(query)
            return (entries.compactMap { state.table[$0.id] }, next)
        }
    }

    /// What the list says of the runs matching `query` (no trials: the CSV export of thousands
    /// of runs copies a few strings each).
    func listEntries(_ query: RunQuery) -> (entries: [RunIndexEntry], next: RunListCursor?) {
        state.withLock { $0.table.page(query) }
    }

    public func countsByStatus() -> [RunLifecycle.Status: Int] {
        state.withLock { $0.table.countsByStatus() }
    }

    public var load: (pendingTrials: Int, busyWorkers: Int, workers: Int) {
        let load = pool.load
        return (load.pendingCost, load.busyWorkers, pool.workerCount)
    }

    /// Suspends (without holding a thread) until the run's version differs from `version`, the
    /// run is deleted, the server stops, or `timeout` passes — also for a finished run, so a
    /// caller that loops never spins.
    public func waitForChange(of id: RunID, from version: Int, timeout: Duration) async {
        let ticket = state.withLock { $0.waiters.ticket() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.stopping, let run = state.table[id], run.version == version else { return false }
                    state.waiters.add(continuation, ticket: ticket, for: id)
                    return true
                }
                guard registered else { continuation.resume(); return }
                let nanoseconds = max(0, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                    resumeWaiter(ticket, of: id)
                }
            }
        } onCancel: {
            resumeWaiter(ticket, of: id)
        }
    }

    private func resumeWaiter(_ ticket: UInt64, of id: RunID) {
        let continuation = state.withLock { $0.waiters.remove(ticket: ticket, of: id) }
        continuation?.resume()
    }
}
