import CLinux
import Glibc

/// One I/O thread running an epoll loop over the connections assigned to it (issue 3's "one
/// event loop per core"). Everything a connection does happens on its loop's thread, so
/// connection state needs no locks, and the loop's scratch buffers are shared by its connections
/// because only one of them runs at a time.
///
/// Per request this costs one `epoll_wait` (shared by every ready connection), one `read` and
/// one `sendmsg`. A Dispatch read source costs about seven system calls per request on Linux
/// (see BENCHMARKS.md). Work from other threads (handler results, stream chunks) arrives through
/// a locked inbox and an eventfd wake-up.
final class EventLoop: @unchecked Sendable {
    let clock = ContinuousClock()
    private let epoll: Int32
    private let wakeup: Int32
    private let tickInterval: Duration
    private let name: String

    // Loop-thread state.
    private var connections: [Connection?] = []      // indexed by file descriptor
    private var connectionCount = 0
    private var listeners: [Int32: Listener] = [:]
    private var timers: [(deadline: ContinuousClock.Instant, work: () -> Void)] = []
    private var localWork: [() -> Void] = []
    private var stopped = false
    /// Set by graceful shutdown: connections arriving later close as soon as they are idle.
    private(set) var isShuttingDown = false

    // Cross-thread inbox; `closed` once the thread has ended (later work then runs on the sender's thread).
    private let inbox = Locked<(work: [@Sendable () -> Void], wakePending: Bool, closed: Bool)>(([], false, false))

    /// Where every read lands before parsing; a connection keeps only its unparsed rest.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Reused for each response head.
    private var headBuffer: [UInt8] = []
    var headEncoder: ResponseHeadEncoder

    private static let currentLoopKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    init(index: Int, serverName: String, tickInterval: Duration) throws {
        name = "http-io-\(index)"
        self.tickInterval = tickInterval
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SocketError("epoll_create1") }
        wakeup = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard wakeup >= 0 else {
            Glibc.close(epoll)
            throw SocketError("eventfd")
        }
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        headBuffer.reserveCapacity(1024)
        headEncoder = ResponseHeadEncoder(serverName: serverName)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeup))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
    }

    deinit {
        readBuffer.deallocate()
        Glibc.close(epoll)
        Glibc.close(wakeup)
    }

    /// Starts the loop's thread.
    func start() throws {
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { raw in
            let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
            loop.run()
            return nil
        }, retained)
        guard status == 0 else {
            Unmanaged<EventLoop>.fromOpaque(retained).release()
            throw SocketError("pthread_create", errno: status)
        }
        pthread_detach(thread)
    }

    /// Ends the loop's thread once it has run the work already queued.
    func stop() {
        execute { [self] in stopped = true }
    }

    /// True when called on this loop's thread.
    var isCurrent: Bool {
        pthread_getspecific(Self.currentLoopKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `work` on the loop: inline when already there, otherwise queued and the loop woken.
    func execute(_ work: @escaping @Sendable () -> Void) {
        if isCurrent {
            work()
        } else {
            send(work)
        }
    }

    /// Queues `work` from another thread.
    func send(_ work: @escaping @Sendable () -> Void) {
        let (wake, closed) = inbox.withLock { inbox -> (Bool, Bool) in
            if inbox.closed { return (false, true) }
            inbox.work.append(work)
            defer { inbox.wakePending = true }
            return (!inbox.wakePending, false)
        }
        if closed {
            work()   // the loop is gone and nothing else runs there: no race
        } else if wake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeup, &one, 8)
        }
    }

    /// Runs `work` after the current event, on the loop thread (which must be the caller's).
    func enqueueLocal(_ work: @escaping () -> Void) {
        localWork.append(work)
    }

    // MARK: connections

    func register(_ connection: Connection) {
        let fd = Int(connection.fd)
        if fd >= connections.count { connections += Array(repeating: nil, count: fd + 1 - connections.count + 64) }
        connections[fd] = connection
        connectionCount += 1
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: connection.fd))
        if epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fd, &event) != 0 {
            connection.close()
        }
    }

    /// Which readiness the socket waits for.
    func setInterest(_ fd: Int32, read: Bool, write: Bool) {
        var events: UInt32 = 0
        if read { events |= EPOLLIN.rawValue }
        if write { events |= EPOLLOUT.rawValue }
        var event = epoll_event(events: events, data: epoll_data_t(fd: fd))
        epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    func register(_ listener: Listener) throws {
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: listener.socket.fd))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, listener.socket.fd, &event) == 0 else { throw SocketError("epoll_ctl") }
        listeners[listener.socket.fd] = listener
    }

    func unregister(_ listener: Listener) {
        guard listeners.removeValue(forKey: listener.socket.fd) != nil else { return }
        epoll_ctl(epoll, EPOLL_CTL_DEL, listener.socket.fd, nil)
    }

    /// Runs `work` on the loop thread after `delay` (call on the loop thread).
    func schedule(after delay: Duration, _ work: @escaping () -> Void) {
        timers.append((clock.now.advanced(by: delay), work))
    }

    /// Forgets the connection; the caller closes its descriptor afterwards.
    func unregister(_ connection: Connection) {
        let fd = Int(connection.fd)
        guard fd < connections.count, connections[fd] === connection else { return }
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
        connections[fd] = nil
        connectionCount -= 1
    }

    // MARK: the loop

    private func run() {
        pthread_setspecific(Self.currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
        _ = pthread_setname_np(pthread_self(), name)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var nextTick = clock.now.advanced(by: tickInterval)
        while !stopped {
            let timeout: Int32
            if !localWork.isEmpty {
                timeout = 0
            } else {
                let wake = timers.reduce(nextTick) { min($0, $1.deadline) }
                let wait = clock.now.duration(to: wake)
                timeout = wait <= .zero ? 0 : Int32(min(wait / .milliseconds(1), 1000).rounded(.up))
            }
            let count = epoll_wait(epoll, events, Int32(capacity), timeout)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                let fd = event.data.fd
                if fd == wakeup {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeup, &value, 8)
                    continue
                }
                if Int(fd) < connections.count, let connection = connections[Int(fd)] {
                    connection.handle(readiness: event.events)
                } else if let listener = listeners[fd] {
                    listener.acceptPending()
                }
            }
            runInbox()
            runLocalWork()
            let now = clock.now
            if now >= nextTick {
                expireDeadlines(now: now)
                nextTick = now.advanced(by: tickInterval)
            }
            if !timers.isEmpty { runTimers(now: now) }
        }
        let leftover = inbox.withLock { inbox in
            inbox.closed = true
            defer { inbox.work = [] }
            return inbox.work
        }
        for item in leftover { item() }
        runLocalWork()
        pthread_setspecific(Self.currentLoopKey, nil)
    }

    private func runTimers(now: ContinuousClock.Instant) {
        let due = timers.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.work() }
    }

    private func runInbox() {
        let work = inbox.withLock { inbox in
            defer {
                inbox.work = []
                inbox.wakePending = false
            }
            return inbox.work
        }
        for item in work { item() }
    }

    /// Runs the work queued so far (not what it queues in turn, so I/O is never starved).
    private func runLocalWork() {
        guard !localWork.isEmpty else { return }
        let work = localWork
        localWork = []
        for item in work { item() }
    }

    /// Lets each connection act on a deadline that has passed.
    private func expireDeadlines(now: ContinuousClock.Instant) {
        guard connectionCount > 0 else { return }
        for connection in connections.compactMap({ $0 }) where connection.deadline.map({ $0 <= now }) ?? false {
            connection.deadlinePassed()
        }
    }

    /// Graceful shutdown: idle connections close, busy ones close after their current response.
    func requestShutdown() {
        isShuttingDown = true
        for connection in connections.compactMap({ $0 }) { connection.shutdownRequested() }
    }

    /// The grace period is over: close everything still open.
    func closeAll() {
        for connection in connections.compactMap({ $0 }) { connection.close() }
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

/// Runs tasks on a loop's thread: used for `HTTPHandlerExecution.ioQueue` routes so the handler
/// starts, and resumes after each await, on the connection's own loop without a thread hop.
/// (Not stored by the loop, which would make a reference cycle; each connection keeps one.)
final class EventLoopExecutor: TaskExecutor, Sendable {
    let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if loop.isCurrent {
            loop.enqueueLocal { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        } else {
            loop.send { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }
}
