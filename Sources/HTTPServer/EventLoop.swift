import Dispatch

/// One serial I/O queue and the connections assigned to it. Everything a connection does
/// happens on its loop's queue, so connection state needs no locks; the loop's scratch
/// buffers are shared by its connections because only one of them runs at a time.
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    let executor: EventLoopExecutor
    let clock = ContinuousClock()
    private let tickInterval: Duration
    private var timer: DispatchSourceTimer?
    private var connections: [ObjectIdentifier: Connection] = [:]
    /// Set by graceful shutdown: connections arriving later close as soon as they are idle.
    private(set) var isShuttingDown = false

    /// Where every read lands before parsing; a connection keeps only its unparsed rest.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Reused for each response head.
    var headBuffer: [UInt8] = []
    var headEncoder: ResponseHeadEncoder

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

    private static let identity = DispatchSpecificKey<ObjectIdentifier>()

    init(index: Int, serverName: String, tickInterval: Duration) {
        queue = DispatchQueue(label: "http.io.\(index)")
        executor = EventLoopExecutor(queue: queue)
        self.tickInterval = tickInterval
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        headBuffer.reserveCapacity(1024)
        headEncoder = ResponseHeadEncoder(serverName: serverName)
        queue.setSpecific(key: Self.identity, value: ObjectIdentifier(self))
    }

    deinit {
        readBuffer.deallocate()
    }

    /// True when called on this loop's queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.identity) == ObjectIdentifier(self) }

    /// Runs `work` on the loop: inline when already there, otherwise queued.
    func execute(_ work: @escaping @Sendable () -> Void) {
        if isCurrent { work() } else { queue.async(execute: work) }
    }

    func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(tickInterval.components.seconds * 1_000_000_000
            + tickInterval.components.attoseconds / 1_000_000_000))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(5))
        timer.setEventHandler { [unowned self] in self.expireDeadlines() }
        timer.activate()
        self.timer = timer
    }

    func stopTimer() {
        timer?.cancel()
        timer = nil
    }

    func register(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = connection
    }

    func unregister(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    var connectionCount: Int { connections.count }

    /// Lets each connection act on a deadline that has passed.
    private func expireDeadlines() {
        let now = clock.now
        var expired: [Connection] = []
        for connection in connections.values where connection.deadline.map({ $0 <= now }) ?? false {
            expired.append(connection)
        }
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
}

/// Runs tasks on a loop's queue: used for `HTTPHandlerExecution.ioQueue` routes so the handler
/// starts, and resumes after each await, on the connection's own queue without a thread hop.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let queue: DispatchQueue

    init(queue: DispatchQueue) { self.queue = queue }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
