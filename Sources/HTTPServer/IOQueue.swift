import Dispatch

/// One serial Dispatch queue and the connections assigned to it. Every read and write source,
/// deadline timer and handler result of those connections runs on this queue, so connection
/// state needs no locks, and the queue's scratch buffers are shared by its connections because
/// only one of them runs at a time.
///
/// Work enters through `run` (source and timer handlers) or `execute`/`async` (from other
/// threads). Jobs of `.ioQueue` handler tasks that are enqueued while the queue is running are
/// kept in a local list and run before the current work item returns, so a handler that answers
/// at once is written out in the same turn of the queue, without another `queue.async`.
final class IOQueue: @unchecked Sendable {
    let queue: DispatchQueue
    let clock = ContinuousClock()
    private let tickInterval: Duration
    private var tick: DispatchSourceTimer?
    private var connections: [ObjectIdentifier: Connection] = [:]
    /// Set by graceful shutdown: connections arriving later close as soon as they are idle.
    private(set) var isShuttingDown = false

    /// Where every read lands before parsing; a connection keeps only its unparsed rest.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Reused for each response head.
    private var headBuffer: [UInt8] = []
    var headEncoder: ResponseHeadEncoder

    /// Task jobs enqueued on this queue while it runs (see the type's comment).
    private var localJobs: [(job: UnownedJob, executor: IOQueueExecutor)] = []
    private var isRunning = false

    private static let identity = DispatchSpecificKey<ObjectIdentifier>()

    init(index: Int, serverName: String, tickInterval: Duration) {
        queue = DispatchQueue(label: "http.io.\(index)", qos: .userInitiated)
        self.tickInterval = tickInterval
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        headBuffer.reserveCapacity(1024)
        headEncoder = ResponseHeadEncoder(serverName: serverName)
        queue.setSpecific(key: Self.identity, value: ObjectIdentifier(self))
    }

    deinit {
        readBuffer.deallocate()
    }

    /// True when called on this queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.identity) == ObjectIdentifier(self) }

    /// Runs `work` on the queue: inline when already there, otherwise with `queue.async`.
    func execute(_ work: @escaping @Sendable () -> Void) {
        if isCurrent { work() } else { async(work) }
    }

    /// Queues `work` from another thread (or for later, from this queue).
    func async(_ work: @escaping @Sendable () -> Void) {
        queue.async { [self] in run(work) }
    }

    /// The body of every work item on the queue: runs `work`, then the task jobs it enqueued.
    func run(_ work: () -> Void) {
        guard !isRunning else {  // nested (a handler answering inline): the outer run drains
            work()
            return
        }
        isRunning = true
        work()
        runLocalJobs()
        isRunning = false
    }

    /// Runs a task job: inline in the current work item when on the queue, else as a new one.
    func enqueue(_ job: UnownedJob, executor: IOQueueExecutor) {
        if isCurrent && isRunning {
            localJobs.append((job, executor))
        } else {
            queue.async { [self] in run { job.runSynchronously(on: executor.asUnownedTaskExecutor()) } }
        }
    }

    /// Runs the jobs queued so far and those they queue in turn (a handler's continuation after
    /// an await that did not suspend), in order.
    private func runLocalJobs() {
        while !localJobs.isEmpty {
            let jobs = localJobs
            localJobs = []
            for (job, executor) in jobs { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
        }
    }

    // MARK: connections and deadlines

    /// Starts the deadline timer (call once, from any thread).
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(tickInterval / .nanoseconds(1)))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(1))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            run { expireDeadlines() }
        }
        timer.activate()
        tick = timer
    }

    /// Stops the deadline timer once every connection is gone.
    func stop() {
        queue.async { [self] in
            tick?.cancel()
            tick = nil
        }
    }

    func register(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = connection
    }

    func unregister(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// Lets each connection act on a deadline that has passed.
    private func expireDeadlines() {
        guard !connections.isEmpty else { return }
        let now = clock.now
        let expired = connections.values.filter { $0.deadline.map { $0 <= now } ?? false }
        for connection in expired { connection.deadlinePassed() }
    }

    /// Graceful shutdown: idle connections close, busy ones close after their current response.
    func requestShutdown() {
        isShuttingDown = true
        for connection in Array(connections.values) { connection.shutdownRequested() }
    }

    /// The grace period is over: close everything still open.
    func closeAll() {
        for connection in Array(connections.values) { connection.close() }
    }

    /// Lends the head buffer out (moved, so appending never copies); give it back with `returnHeadBuffer`.
    func takeHeadBuffer() -> [UInt8] {
        var buffer = headBuffer
        headBuffer = []
        buffer.removeAll(keepingCapacity: true)
        return buffer
    }

    func returnHeadBuffer(_ buffer: [UInt8]) {
        headBuffer = buffer
    }
}

/// Runs tasks on an I/O queue: used for `HTTPHandlerExecution.ioQueue` routes so the handler
/// starts, and resumes after each await, on the connection's own queue without a thread hop.
/// (Not stored by the queue, which would make a reference cycle; connections make their own.)
final class IOQueueExecutor: TaskExecutor, @unchecked Sendable {
    let queue: IOQueue

    init(queue: IOQueue) { self.queue = queue }

    func enqueue(_ job: consuming ExecutorJob) {
        queue.enqueue(UnownedJob(job), executor: self)
    }
}
