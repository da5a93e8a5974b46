import Dispatch

extension Sweep {
    /// Trains every trial on up to `threads` threads, shared out by `WorkSplit` (which never
    /// splits when splitting is slower); results in `trials` order, identical to `run()`'s.
    /// With one thread, or one share, the engine trains everything on the calling thread.
    public func run(threads: Int) -> [TrialResult] {
        let specs = trials
        let shares = WorkSplit.shares(of: specs, workers: threads)
        guard threads > 1, shares.count > 1 else { return run() }
        let collected = SharedResults(count: specs.count)
        let nextShare = SharedCounter()
        DispatchQueue.concurrentPerform(iterations: min(threads, shares.count)) { _ in
            while let index = nextShare.next(below: shares.count) {
                let share = shares[index]
                let results = Trainer.train(dataset: dataset, specs: share.map { specs[$0] }, cancellation: Cancellation()) { _, _ in }
                collected.store(results, at: share)
            }
        }
        return collected.all
    }
}

/// Results written by several threads, each into its own slots.
private final class SharedResults: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var results: [TrialResult?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func store(_ values: [TrialResult], at indices: [Int]) {
        lock.wait()
        defer { lock.signal() }
        for (index, value) in zip(indices, values) { results[index] = value }
    }

    var all: [TrialResult] {
        lock.wait()
        defer { lock.signal() }
        return results.map { $0! }
    }
}

/// Hands out 0, 1, 2… to whichever thread asks next.
private final class SharedCounter: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.wait()
        defer { lock.signal() }
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}
