import Dispatch

extension RunRegistry {
    public func run(_ id: RunID) -> Run? {
        state.withLock { $0.runs[id] }
    }

    /// The strong ETag of a run version (quoted, as sent in the header).
    public func etag(version: Int, variant: String = "") -> String {
        "\"\(bootTag)-\(version)\(variant.isEmpty ? "" : "-" + variant)\""
    }

    /// The run and, when this version was encoded before, its full JSON from the cache. Cheap:
    /// safe on an I/O queue.
    public func cachedRepresentation(of id: RunID) -> (run: Run, bytes: [UInt8]?)? {
        state.withLock { state in
            guard let run = state.runs[id] else { return nil }
            guard var cached = state.cache[id], cached.version == run.version else { return (run, nil) }
            state.cacheClock += 1
            cached.lastUse = state.cacheClock
            state.cache[id] = cached
            return (run, cached.bytes)
        }
    }

    /// Encodes the run's full JSON and keeps it in the byte-budgeted cache (least recently used
    /// out first). Costs milliseconds for a big sweep: not for an I/O queue.
    public func encodeAndCache(_ run: Run) -> [UInt8] {
        let bytes = RunRepresentation.full(run)
        state.withLock { state in
            guard state.runs[run.id]?.version == run.version, bytes.count <= configuration.responseCacheBytes / 4 else { return }
            state.cacheClock += 1
            if let old = state.cache.updateValue(CachedRepresentation(version: run.version, bytes: bytes, lastUse: state.cacheClock), forKey: run.id) {
                state.cacheBytes -= old.bytes.count
            }
            state.cacheBytes += bytes.count
            while state.cacheBytes > configuration.responseCacheBytes,
                  let oldest = state.cache.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.cache.removeValue(forKey: oldest.key)
                state.cacheBytes -= oldest.value.bytes.count
            }
        }
        return bytes
    }

    /// A page of the runs matching `query`, in its order, after its cursor.
    func list(_ query: RunQuery) -> (runs: [Run], next: RunListCursor?) {
        state.withLock { state in
            let (entries, next) = state.index.page(query)
            return (entries.compactMap { state.runs[$0.id] }, next)
        }
    }

    /// What the list says of every run matching `query`'s filters, in its order (no trials: the
    /// CSV export of thousands of runs copies a few strings each).
    func listEntries(_ query: RunQuery) -> (entries: [RunIndexEntry], next: RunListCursor?) {
        state.withLock { $0.index.page(query) }
    }

    public func countsByStatus() -> [RunLifecycle.Status: Int] {
        state.withLock { state in
            var counts: [RunLifecycle.Status: Int] = [:]
            for run in state.runs.values { counts[run.status, default: 0] += 1 }
            return counts
        }
    }

    public var load: (pendingTrials: Int, busyWorkers: Int, workers: Int) {
        let load = pool.load
        return (load.pendingCost, load.busyWorkers, pool.workerCount)
    }

    /// Suspends (without holding a thread) until the run's version differs from `version`, the
    /// run is deleted, the server stops, or `timeout` passes. Returns at once for a finished run.
    public func waitForChange(of id: RunID, from version: Int, timeout: Duration) async {
        let waiter = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.stopping, let run = state.runs[id], run.version == version, !run.status.isFinished else { return false }
                    state.waiters[id, default: [:]][waiter] = continuation
                    return true
                }
                guard registered else { continuation.resume(); return }
                let nanoseconds = max(0, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                    resumeWaiter(waiter, of: id)
                }
            }
        } onCancel: {
            resumeWaiter(waiter, of: id)
        }
    }

    private func resumeWaiter(_ waiter: UInt64, of id: RunID) {
        let continuation = state.withLock { state in state.waiters[id]?.removeValue(forKey: waiter) }
        continuation?.resume()
    }
}
