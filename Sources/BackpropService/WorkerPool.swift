import Glibc

/// N real threads (training blocks, so not Swift's cooperative pool nor the HTTP I/O queues)
/// taking jobs from one bounded `FairQueue` shared by all owners. Generic over the job so the
/// scheduling is testable without the engine.
public final class WorkerPool<Owner: Hashable & Sendable, Job: Sendable>: @unchecked Sendable {
    public let workerCount: Int
    /// The queue's bound in trials (pending cost); fixed at init, so it reads without the lock.
    public let capacity: Int
    private let monitor = Monitor()
    private var queue: FairQueue<Owner, Job>
    private var busy = 0
    private var stopping = false
    private var threads: [pthread_t] = []

    /// Nice value of the worker threads (0 = the process's own; higher yields more to the rest).
    public let niceness: Int32

    public init(workers: Int, capacity: Int, niceness: Int32 = 0) {
        workerCount = max(1, workers)
        self.capacity = capacity
        queue = FairQueue(capacity: capacity)
        self.niceness = niceness
    }

    /// Starts the threads; `execute` runs on them, one job at a time per worker.
    public func start(execute: @escaping @Sendable (Owner, Job) -> Void) {
        monitor.withLock {
            precondition(threads.isEmpty && !stopping, "start once")
            threads = (0..<workerCount).map { _ in
                startThread { [self] in work(execute) }
            }
        }
    }

    /// Queues all `jobs` of `owner` or none (throws when the bound would be exceeded).
    /// `ignoringCapacity` is for runs reloaded after a restart: accepted work is never dropped.
    public func submit(_ jobs: [(job: Job, cost: Int)], for owner: Owner, ignoringCapacity: Bool = false) throws(FairQueue<Owner, Job>.Full) {
        try monitor.withLock { () throws(FairQueue<Owner, Job>.Full) in
            try queue.enqueue(jobs, for: owner, ignoringCapacity: ignoringCapacity)
            monitor.broadcast()
        }
    }

    /// Drops the owner's jobs that have not started; returns them.
    @discardableResult
    public func removePending(for owner: Owner) -> [Job] {
        monitor.withLock { queue.removeAll(for: owner) }
    }

    /// Pending cost (trials waiting) and workers running a job right now.
    public var load: (pendingCost: Int, busyWorkers: Int) {
        monitor.withLock { (queue.pendingCost, busy) }
    }

    /// Stops taking jobs and waits for the running ones to return (cancel them first).
    public func stop() {
        let toJoin: [pthread_t] = monitor.withLock {
            stopping = true
            monitor.broadcast()
            defer { threads = [] }
            return threads
        }
        for thread in toJoin { pthread_join(thread, nil) }
    }

    private func work(_ execute: @Sendable (Owner, Job) -> Void) {
        // SCHED_BATCH: same CPU share, but a waking HTTP I/O thread preempts training sooner,
        // which keeps request latency low while every worker is busy.
        var parameters = sched_param()
        _ = pthread_setschedparam(pthread_self(), 3 /* SCHED_BATCH, not exported by Glibc */, &parameters)
        // On Linux, PRIO_PROCESS with id 0 sets the nice value of the calling thread only.
        if niceness != 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        while let (owner, job) = nextJob() {
            execute(owner, job)
            monitor.withLock {
                busy -= 1
                monitor.broadcast()
            }
        }
    }

    private func nextJob() -> (Owner, Job)? {
        monitor.withLock {
            while !stopping {
                if let next = queue.dequeue() {
                    busy += 1
                    return next
                }
                monitor.wait()
            }
            return nil
        }
    }
}
