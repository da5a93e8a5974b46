/// The runs as `GET /runs` sees them: one small entry per run, both list orders kept sorted,
/// and for each label the runs that carry it. A plain value the registry keeps behind its lock
/// and updates on every state change, so a query costs a walk over the entries it returns (or,
/// with a label filter, over the runs with that label) instead of a sort of every run.
struct RunIndex: Sendable {
    private(set) var entries: [RunID: RunIndexEntry] = [:]
    /// Each order's keys, sorted as listed.
    private var orders: [RunListSort: SortedKeys] = [.createdAt: SortedKeys(), .bestError: SortedKeys()]
    /// label key → value → runs.
    private var labelled: [String: [String: Set<RunID>]] = [:]

    var count: Int { entries.count }

    /// Adds the run or brings its entry up to date (cheap when nothing listed changed).
    mutating func update(_ run: Run) {
        let entry = RunIndexEntry(run)
        let old = entries.updateValue(entry, forKey: run.id)
        guard old != entry else { return }
        for sort in RunListSort.allCases {
            let key = entry.key(for: sort)
            if let oldKey = old?.key(for: sort) {
                guard oldKey != key else { continue }
                orders[sort]!.remove(oldKey)
            }
            orders[sort]!.insert(key)
        }
        if old?.labels != entry.labels {
            unlabel(run.id, old?.labels ?? [:])
            for (key, value) in entry.labels { labelled[key, default: [:]][value, default: []].insert(run.id) }
        }
    }

    mutating func remove(_ id: RunID) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        for sort in RunListSort.allCases { orders[sort]!.remove(entry.key(for: sort)) }
        unlabel(id, entry.labels)
    }

    private mutating func unlabel(_ id: RunID, _ labels: [String: String]) {
        for (key, value) in labels {
            labelled[key]?[value]?.remove(id)
            if labelled[key]?[value]?.isEmpty == true { labelled[key]![value] = nil }
            if labelled[key]?.isEmpty == true { labelled[key] = nil }
        }
    }

    /// A page of the runs matching `query`, in its order, after its cursor. `hidden`: runs
    /// readers may not see yet (not stored).
    func page(_ query: RunQuery, hidden: Set<RunID> = []) -> (entries: [RunIndexEntry], next: RunListCursor?) {
        let start = query.cursor?.key(for: query.sort)
        func matches(_ entry: RunIndexEntry) -> Bool { !hidden.contains(entry.id) && query.matches(entry) }
        var page: [RunIndexEntry] = []
        var hasMore = false
        if let candidates = labelCandidates(query) {
            // The runs with the rarest label asked for, in the page's order: few, as a label
            // filter usually selects.
            var keys = candidates.compactMap { entries[$0] }.filter(matches).map { $0.key(for: query.sort) }
            if let start { keys.removeAll { !(start < $0) } }
            keys.sort()
            page = keys.prefix(query.limit).map { entries[$0.id]! }
            hasMore = keys.count > query.limit
        } else {
            let keys = orders[query.sort]!
            var index = start.map { keys.firstIndex(after: $0) } ?? 0
            while index < keys.count {
                let entry = entries[keys[index].id]!
                index += 1
                guard matches(entry) else { continue }
                if page.count == query.limit { hasMore = true; break }
                page.append(entry)
            }
        }
        return (page, hasMore ? page.last.map { RunListCursor($0.key(for: query.sort)) } : nil)
    }

    /// With label filters: the runs carrying the rarest of the labels asked for; nil without
    /// label filters, or when even the rarest is on more than an eighth of the runs (walking
    /// the order then finds a page sooner than sorting the candidates).
    private func labelCandidates(_ query: RunQuery) -> Set<RunID>? {
        var smallest: Set<RunID>?
        for label in query.labels {
            let runs = labelled[label.key]?[label.value] ?? []
            if smallest == nil || runs.count < smallest!.count { smallest = runs }
        }
        guard let smallest, smallest.count * 8 <= entries.count else { return nil }
        return smallest
    }
}

/// Keys kept sorted in an array: binary search to find, one move of the tail to insert or remove
/// (10,000 runs: a few microseconds).
struct SortedKeys: Sendable {
    private var keys: [RunListKey] = []

    var count: Int { keys.count }
    subscript(index: Int) -> RunListKey { keys[index] }

    /// Index of the first key not less than `key`.
    func firstIndex(notBefore key: RunListKey) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Index of the first key greater than `key`.
    func firstIndex(after key: RunListKey) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if key < keys[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    mutating func insert(_ key: RunListKey) {
        keys.insert(key, at: firstIndex(notBefore: key))
    }

    mutating func remove(_ key: RunListKey) {
        let index = firstIndex(notBefore: key)
        if index < keys.count, keys[index] == key { keys.remove(at: index) }
    }
}
