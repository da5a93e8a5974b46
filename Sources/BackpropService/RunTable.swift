/// The runs held in memory, in creation order, with their idempotency keys. A plain value (the
/// registry keeps it behind its lock). A run whose first save has not landed is `pending`:
/// invisible to readers, so nobody can see, list or delete a run that is not stored yet.
struct RunTable {
    private(set) var runs: [RunID: Run] = [:]
    /// Ids sorted by (created_at, id): listing walks it backwards.
    private(set) var order: [RunID] = []
    private var idempotencyKeys: [String: RunID] = [:]
    private(set) var pending: Set<RunID> = []
    /// Each run's `RunSizeBound.stored`, and their sum: what `--max-data-bytes` caps.
    private var storedBounds: [RunID: Int] = [:]
    private(set) var storedBytes = 0
    /// What `GET /runs` filters and sorts on, kept up to date with every change.
    private var runIndex = RunIndex()

    var count: Int { runs.count }

    /// The run, also while pending (for the registry's own work: training, saving).
    subscript(id: RunID) -> Run? {
        get { runs[id] }
        _modify {
            yield &runs[id]
            if let run = runs[id] { runIndex.update(run) }
        }
    }

    /// Whether readers may see the run (not while pending).
    func isVisible(_ id: RunID) -> Bool {
        !pending.contains(id) && runs[id] != nil
    }

    func run(forIdempotencyKey key: String) -> Run? {
        idempotencyKeys[key].flatMap { runs[$0] }
    }

    mutating func insert(_ run: Run, storedBound: Int, pending isPending: Bool = false) {
        if let previous = storedBounds.updateValue(storedBound, forKey: run.id) { storedBytes -= previous }
        storedBytes += storedBound
        runs[run.id] = run
        let key = (run.createdAt, run.id)
        var index = order.count
        while index > 0, let previous = runs[order[index - 1]], (previous.createdAt, previous.id) > key { index -= 1 }
        order.insert(run.id, at: index)
        if let idempotencyKey = run.idempotencyKey { idempotencyKeys[idempotencyKey] = run.id }
        if isPending { pending.insert(run.id) }
        runIndex.update(run)
    }

    /// A PATCH changed the run's name or labels, so its file bound by `delta`.
    mutating func adjustStoredBound(_ id: RunID, by delta: Int) {
        guard storedBounds[id] != nil else { return }
        storedBounds[id]! += delta
        storedBytes += delta
    }

    mutating func markStored(_ id: RunID) {
        pending.remove(id)
    }

    @discardableResult
    mutating func remove(_ id: RunID) -> Run? {
        guard let run = runs[id] else { return nil }
        if let index = orderIndex(of: run) { order.remove(at: index) }
        runs.removeValue(forKey: id)
        storedBytes -= storedBounds.removeValue(forKey: id) ?? 0
        runIndex.remove(id)
        if let key = run.idempotencyKey, idempotencyKeys[key] == id { idempotencyKeys.removeValue(forKey: key) }
        pending.remove(id)
        return run
    }

    /// A page of the visible runs matching `query`, in its order, after its cursor.
    func page(_ query: RunQuery) -> (entries: [RunIndexEntry], next: RunListCursor?) {
        runIndex.page(query, hidden: pending)
    }

    func countsByStatus() -> [RunLifecycle.Status: Int] {
        var counts: [RunLifecycle.Status: Int] = [:]
        for run in runs.values where !pending.contains(run.id) { counts[run.status, default: 0] += 1 }
        return counts
    }

    /// The oldest finished (and stored) runs beyond `maxRuns`.
    func excess(over maxRuns: Int) -> [RunID] {
        var excess = runs.count - maxRuns
        guard excess > 0 else { return [] }
        var ids: [RunID] = []
        for id in order where excess > 0 && !pending.contains(id) && runs[id]?.status.isFinished == true {
            ids.append(id)
            excess -= 1
        }
        return ids
    }

    /// Index in `order` of the first run at or after `key` (binary search).
    private func firstIndex(notBefore key: (Timestamp, RunID)) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            let run = runs[order[middle]]!
            if (run.createdAt, run.id) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func orderIndex(of run: Run) -> Int? {
        let index = firstIndex(notBefore: (run.createdAt, run.id))
        return index < order.count && order[index] == run.id ? index : order.firstIndex(of: run.id)
    }
}
