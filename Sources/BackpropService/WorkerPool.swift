import Dispatch
import Posix

/// N serial Dispatch queues (the service uses one per core) taking jobs from one bounded
/// `FairQueue` shared by all owners: served round-robin by owner, all of an owner's jobs
/// accepted or none. A queue with nothing to do holds no thread; while a queue trains, its
/// thread runs lowered (`TrainingPriority`), so the HTTP I/O queues stay responsive when every
/// worker is busy. Generic over the job so the scheduling is testable without the engine.
public final class WorkerPool<Owner: Hashable & Sendable, Job: Sendable>: @unchecked Sendable {
    public let workerCount: Int
    /// The queue's bound in trials (pending cost); fixed at init, so it reads without the lock.
    public let capacity: Int
    /// Added to the nice value of a thread while it trains (0: only SCHED_BATCH; see `TrainingPriority`).
    public let niceness: Int32
    /// The serial queues jobs run on, one at a time each.
    let queues: [DispatchQueue]
    /// Every scheduled drain, so `stop` can wait for the running jobs.
    private let drains = DispatchGroup()
    private let state: Locked<State>

    private struct State {
        var jobs: FairQueue<Owner, Job>
        /// Queues with no job running and no drain scheduled.
        var idle: [Int]
        var busy = 0
        var stopping = false
        var execute: (@Sendable (Owner, Job) -> Void)?
    }

    public init(workers: Int, capacity: Int, niceness: Int32 = 0) {
        workerCount = max(1, workers)
        self.capacity = capacity
        self.niceness = niceness
        queues = (0..<workerCount).map { DispatchQueue(label: "backpropd.training.\($0)", qos: .utility) }
        state = Locked(State(jobs: FairQueue(capacity: capacity), idle: Array(0..<workerCount)))
    }

    /// Starts serving: `execute` runs on the queues, one job at a time per queue. It is called
    /// when the job starts training, not when it is submitted (jobs wait in the fair queue).
    public func start(execute: @escaping @Sendable (Owner, Job) -> Void) {
        let woken = state.withLock { state in
            precondition(state.execute == nil && !state.stopping, "start once")
            state.execute = execute
            return Self.claimIdleQueues(&state)
        }
        for index in woken { scheduleDrain(on: index) }
    }

    /// Queues all `jobs` of `owner` or none (throws when the bound would be exceeded).
    /// `ignoringCapacity` is for runs reloaded after a restart: accepted work is never dropped.
    public func submit(_ jobs: [(job: Job, cost: Int)], for owner: Owner, ignoringCapacity: Bool = false) throws(FairQueue<Owner, Job>.Full) {
        let woken = try state.withLock { state throws(FairQueue<Owner, Job>.Full) -> [Int] in
            try state.jobs.enqueue(jobs, for: owner, ignoringCapacity: ignoringCapacity)
            return Self.claimIdleQueues(&state)
        }
        for index in woken { scheduleDrain(on: index) }
    }

    /// Drops the owner's jobs that have not started; returns them.
    @discardableResult
    public func removePending(for owner: Owner) -> [Job] {
        state.withLock { $0.jobs.removeAll(for: owner) }
    }

    /// Pending cost (trials waiting) and workers running a job right now.
    public var load: (pendingCost: Int, busyWorkers: Int) {
        state.withLock { ($0.jobs.pendingCost, $0.busy) }
    }

    /// Stops taking jobs and waits for the running ones to return (cancel them first). Then lets
    /// go of `execute`, which usually holds the pool's owner (no reference cycle outlives the pool).
    public func stop() {
        state.withLock { $0.stopping = true }
        drains.wait()
        state.withLock { $0.execute = nil }
    }

    /// The idle queues that should start draining now: one per pending job, at most all of them.
    private static func claimIdleQueues(_ state: inout State) -> [Int] {
        guard state.execute != nil, !state.stopping else { return [] }
        let count = min(state.idle.count, state.jobs.count)
        defer { state.idle.removeFirst(count) }
        return Array(state.idle.prefix(count))
    }

    private func scheduleDrain(on index: Int) {
        queues[index].async(group: drains) { [self] in
            TrainingPriority.lowered(niceness: niceness) {
                while let (owner, job, execute) = nextJob(for: index) {
                    execute(owner, job)
                    state.withLock { $0.busy -= 1 }
                }
            }
        }
    }

    /// The next job for queue `index`, or nil (the queue is then idle again).
    private func nextJob(for index: Int) -> (Owner, Job, @Sendable (Owner, Job) -> Void)? {
        state.withLock { state in
            if !state.stopping, let execute = state.execute, let (owner, job) = state.jobs.dequeue() {
                state.busy += 1
                return (owner, job, execute)
            }
            state.idle.append(index)
            return nil
        }
    }
}
