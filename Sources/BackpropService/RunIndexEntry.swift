import Backprop

/// What `GET /runs` filters, sorts and lists about one run, without its trials: a few strings
/// and numbers, so a query over 10,000 runs never touches a curve.
struct RunIndexEntry: Sendable, Equatable {
    struct Best: Sendable, Equatable {
        var trial: Int
        var alpha: Double
        var hiddenSize: Int
        var finalError: Double?
    }

    let id: RunID
    let createdAt: Timestamp
    var finishedAt: Timestamp?
    var status: RunLifecycle.Status
    var name: String?
    /// The name folded for `q=` (case-insensitive containment), as UTF-8: a `q` that matches no
    /// name is looked for in every one, and comparing bytes is far cheaper than comparing
    /// Characters (BENCHMARKS.md, issue 14).
    var foldedName: [UInt8]
    var labels: [String: String]
    var best: Best?

    init(_ run: Run) {
        id = run.id
        createdAt = run.createdAt
        finishedAt = run.finishedAt
        status = run.status
        name = run.name
        foldedName = Array(Self.fold(run.name ?? "").utf8)
        labels = run.labels
        best = run.best.map { Best(trial: $0.index, alpha: $0.result.alpha, hiddenSize: $0.result.hiddenSize, finalError: $0.result.finalError) }
    }

    /// Case-insensitive matching as a user expects it of a search box: Unicode lowercase.
    static func fold(_ text: String) -> String { text.lowercased() }

    /// Whether `haystack` holds `needle` (UTF-8 of folded text; an empty needle is everywhere).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                let last = hay.count - pin.count
                while start <= last {
                    if hay[start] == first {
                        var offset = 1
                        while offset < pin.count && hay[start + offset] == pin[offset] { offset += 1 }
                        if offset == pin.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// Where the run is in the `created_at` order (newest first).
    var createdKey: RunListKey { RunListKey(sort: .createdAt, createdAt: createdAt, id: id) }

    /// Where the run is in the `best_error` order (lowest first, runs without a result last).
    var bestErrorKey: RunListKey { RunListKey(sort: .bestError, bestError: best?.finalError, createdAt: createdAt, id: id) }

    func key(for sort: RunListSort) -> RunListKey {
        sort == .createdAt ? createdKey : bestErrorKey
    }
}

/// The orders `GET /runs` lists in (`sort=`).
enum RunListSort: String, Sendable, CaseIterable {
    case createdAt = "created_at"
    case bestError = "best_error"
}

/// A run's position in one of the list orders; `<` is "listed before". Also what a cursor holds:
/// the page after a cursor starts at the first key greater than it, so a cursor stays valid
/// when runs are added, change or go away.
struct RunListKey: Sendable, Equatable, Comparable {
    var sort: RunListSort
    /// The best trial's final error (`best_error` only); nil: no result, listed after every result.
    var bestError: Double?
    var createdAt: Timestamp
    var id: RunID

    init(sort: RunListSort, bestError: Double? = nil, createdAt: Timestamp, id: RunID) {
        self.sort = sort
        self.bestError = bestError
        self.createdAt = createdAt
        self.id = id
    }

    static func < (lhs: RunListKey, rhs: RunListKey) -> Bool {
        if lhs.sort == .bestError {
            switch (lhs.bestError, rhs.bestError) {
            case (let left?, let right?) where left != right: return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
        }
        // Newest first, then by id (descending) for runs created in the same millisecond.
        if lhs.createdAt != rhs.createdAt { return lhs.createdAt > rhs.createdAt }
        return lhs.id > rhs.id
    }
}
