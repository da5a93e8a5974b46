/// A bounded queue of jobs shared by many owners (runs), served round-robin by owner so a long
/// sweep cannot hold back a later small run. Bounded by total cost (trials), not job count.
/// A plain value: `WorkerPool` adds the queues and the lock.
public struct FairQueue<Owner: Hashable & Sendable, Job> {
    public struct Full: Error, Sendable, Equatable {
        public var pendingCost: Int
        public var capacity: Int
    }

    public let capacity: Int
    public private(set) var pendingCost = 0
    /// Jobs waiting, over all owners.
    public private(set) var count = 0
    /// Owners with pending jobs, in serving order: the front one is served next.
    private var turns: [Owner] = []
    private var jobs: [Owner: [(job: Job, cost: Int)]] = [:]

    public init(capacity: Int) {
        self.capacity = capacity
    }

    public var isEmpty: Bool { turns.isEmpty }

    /// Adds all of `newJobs` for `owner`, or none of them when they would exceed the capacity.
    public mutating func enqueue(_ newJobs: [(job: Job, cost: Int)], for owner: Owner, ignoringCapacity: Bool = false) throws(Full) {
        let cost = newJobs.reduce(0) { $0 + $1.cost }
        guard ignoringCapacity || pendingCost + cost <= capacity else { throw Full(pendingCost: pendingCost, capacity: capacity) }
        guard !newJobs.isEmpty else { return }
        if jobs[owner] == nil { turns.append(owner) }
        jobs[owner, default: []].append(contentsOf: newJobs)
        pendingCost += cost
        count += newJobs.count
    }

    /// The next job: the oldest job of the owner whose turn it is; that owner then goes to the back.
    public mutating func dequeue() -> (owner: Owner, job: Job)? {
        guard !turns.isEmpty else { return nil }
        let owner = turns.removeFirst()
        var queue = jobs.removeValue(forKey: owner)!
        let next = queue.removeFirst()
        pendingCost -= next.cost
        count -= 1
        if !queue.isEmpty {
            jobs[owner] = queue
            turns.append(owner)
        }
        return (owner, next.job)
    }

    /// Removes and returns every pending job of `owner` (cancel, delete, shutdown).
    @discardableResult
    public mutating func removeAll(for owner: Owner) -> [Job] {
        guard let queue = jobs.removeValue(forKey: owner) else { return [] }
        turns.removeAll { $0 == owner }
        pendingCost -= queue.reduce(0) { $0 + $1.cost }
        count -= queue.count
        return queue.map(\.job)
    }
}
