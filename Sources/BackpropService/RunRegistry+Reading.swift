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

    /// A page of runs, newest first. The cursor is the last run of the previous page.
    public func list(status: RunLifecycle.Status?, limit: Int, after cursor: RunListCursor?) -> (runs: [Run], next: RunListCursor?) {
        state.withLock { state in
            var index = state.order.count - 1
            if let cursor {
                var low = 0
                var high = state.order.count
                while low < high {
                    let middle = (low + high) / 2
                    let run = state.runs[state.order[middle]]!
                    if (run.createdAt, run.id) < (cursor.createdAt, cursor.id) { low = middle + 1 } else { high = middle }
                }
                index = low - 1
            }
            var page: [Run] = []
            while index >= 0, page.count < limit {
                let run = state.runs[state.order[index]]!
                if status == nil || run.status == status { page.append(run) }
                index -= 1
            }
            var hasMore = false
            while index >= 0, !hasMore {
                hasMore = status == nil || state.runs[state.order[index]]!.status == status
                index -= 1
            }
            let next = hasMore ? page.last.map { RunListCursor(createdAt: $0.createdAt, id: $0.id) } : nil
            return (page, next)
        }
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

/// Where a `GET /runs` page ends: `<created_at ms>.<id>` in the `cursor` query parameter.
/// Every text the served schema allows (`^[0-9]+\.[0-9a-f]{32}$`) is a cursor, whether or not a
/// run of that time and id exists: the page holds the runs after it, so a cursor past the oldest
/// run gives an empty page. Milliseconds beyond `Int64.max` mean "after the latest instant".
public struct RunListCursor: Sendable, Equatable, CustomStringConvertible {
    public var createdAt: Timestamp
    public var id: RunID

    public init(createdAt: Timestamp, id: RunID) {
        self.createdAt = createdAt
        self.id = id
    }

    /// Parses exactly `DIGITS.ID`: no sign, no spaces, at least one digit, a canonical run id.
    public init?(_ text: String) {
        guard let dot = text.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let digits = text.utf8[..<dot]
        guard !digits.isEmpty, digits.allSatisfy({ (48...57).contains($0) }),
              let id = RunID(String(text[text.index(after: dot)...])) else { return nil }
        let millis = Int64(String(Substring(digits))) ?? .max   // only digits: nil means it overflowed
        self.init(createdAt: Timestamp(millisecondsSince1970: millis), id: id)
    }

    public var description: String { "\(createdAt.millisecondsSince1970).\(id)" }
}
