import CLinux
import Glibc

/// One accepted socket: performs the I/O that the parser and the lifecycle state machine ask
/// for. Confined to its loop's thread (every method runs there), hence `@unchecked Sendable`.
final class Connection: @unchecked Sendable {
    let fd: Int32
    let loop: EventLoop
    let context: ServerContext
    let remoteAddress: String

    var machine: ConnectionStateMachine<ContinuousClock>
    var parser: RequestParser
    /// Request being received or answered; nil between requests.
    var exchange: ExchangeInProgress?
    /// Unparsed bytes: a partial head or pipelined requests waiting for the current response.
    var inbound: [UInt8] = []
    var outbound = OutboundQueue()
    var handlerTask: Task<Void, Never>?
    /// Streaming writes waiting for the unsent bytes to fall below the stream buffer size.
    var streamWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Bumped per request, so answers from a handler of an earlier request (or after close) are ignored.
    var generation: UInt64 = 0
    private(set) var isClosed = false
    var isProcessing = false
    var peerInputClosed = false
    /// The client may still be sending bytes we will not read (a rejected body, a pipelined
    /// request): after the last response, read and discard them for a while instead of closing
    /// at once, so our close does not reset the connection before the client read the response.
    var needsLinger = false

    private(set) var readSuspended = false
    private(set) var isWriteArmed = false
    /// Runs `.ioQueue` handlers on this connection's loop.
    private(set) lazy var executor = EventLoopExecutor(loop: loop)
    /// Answered 503 at the connection limit: counted in `refusingConnections`, not `openConnections`.
    private var isRefusal = false

    /// Takes ownership of `fd` (non-blocking). Call `start` on the loop's thread.
    init(fd: Int32, remoteAddress: String, loop: EventLoop, context: ServerContext) {
        self.fd = fd
        self.loop = loop
        self.context = context
        self.remoteAddress = remoteAddress
        machine = ConnectionStateMachine(clock: loop.clock, timeouts: context.timeouts)
        parser = RequestParser(limits: context.parserLimits)
    }

    var deadline: ContinuousClock.Instant? { machine.deadline }

    func start() {
        loop.register(self)
        if loop.isShuttingDown { shutdownRequested() }
    }

    /// The loop saw readiness (`epoll_event.events`) on the socket.
    func handle(readiness events: UInt32) {
        if events & EPOLLERR.rawValue != 0 {
            close()
            return
        }
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue) != 0 {
            if !readSuspended {
                readable()
            } else if events & EPOLLHUP.rawValue != 0 {
                close()   // both directions are gone; nothing left to write to
                return
            }
        }
        if !isClosed && events & EPOLLOUT.rawValue != 0 && isWriteArmed { writable() }
    }

    /// Answers 503 and closes: the connection is over `maxConnections`.
    func refuse() {
        isRefusal = true
        needsLinger = true
        start()
        machine.requestRejected()
        exchange = ExchangeInProgress(head: nil, started: loop.clock.now)
        respond(.problem(.serviceUnavailable, detail: "the server is at its connection limit; retry later",
                         headers: ["Retry-After": "1"]))
    }

    func deadlinePassed() {
        switch machine.timeoutFired() {
        case .none, .drain:
            break
        case .close:
            close()
        case .respondRequestTimeout:
            needsLinger = true
            if exchange == nil { exchange = ExchangeInProgress(head: nil, started: loop.clock.now) }
            handlerTask?.cancel()
            generation &+= 1
            let what = exchange?.head == nil ? "request head" : "request body"
            respond(.problem(.requestTimeout, detail: "the \(what) did not arrive in time"))
        }
    }

    func shutdownRequested() {
        if case .close = machine.shutdownRequested() { close() }
    }

    /// After a kept-alive response: parses whatever the client pipelined meanwhile.
    func readyForNextRequest() {
        exchange = nil
        handlerTask = nil
        if !isProcessing && !inbound.isEmpty { processInbound() }
        if readSuspended && !peerInputClosed { resumeReading() }
        if peerInputClosed && exchange == nil && inbound.isEmpty { close() }
    }

    /// After the last response: closes, or (see `needsLinger`) shuts down our side and discards
    /// input until the peer closes or the linger deadline passes.
    func startDraining() {
        exchange = nil
        handlerTask = nil
        let linger = needsLinger || !inbound.isEmpty
        inbound = []
        guard linger && !peerInputClosed else {
            close()
            return
        }
        Socket.shutdownWrite(fd)
        if readSuspended { resumeReading() }
    }

    // MARK: readiness interest

    func suspendReading() {
        guard !readSuspended, !isClosed else { return }
        readSuspended = true
        loop.setInterest(fd, read: false, write: isWriteArmed)
    }

    func resumeReading() {
        guard readSuspended, !isClosed else { return }
        readSuspended = false
        loop.setInterest(fd, read: true, write: isWriteArmed)
    }

    func armWriting() {
        guard !isWriteArmed, !isClosed else { return }
        isWriteArmed = true
        loop.setInterest(fd, read: !readSuspended, write: true)
    }

    func disarmWriting() {
        guard isWriteArmed, !isClosed else { return }
        isWriteArmed = false
        loop.setInterest(fd, read: !readSuspended, write: false)
    }

    /// Closes at once: cancels the handler, fails a waiting writer, releases the socket.
    func close() {
        guard !isClosed else { return }
        if let exchange, exchange.status != nil, exchange.phase != .receiving {
            context.completed(exchange.record(finished: false, remoteAddress: remoteAddress, now: loop.clock.now))
        }
        isClosed = true
        machine.failed()
        handlerTask?.cancel()
        handlerTask = nil
        exchange = nil
        generation &+= 1
        for waiter in streamWaiters { waiter.resume(throwing: HTTPBodyWriterError(reason: "the connection closed")) }
        streamWaiters = []
        inbound = []
        outbound = OutboundQueue()
        loop.unregister(self)
        Socket.close(fd)
        if isRefusal {
            context.refusingConnections.subtract(1, ordering: .relaxed)
        } else {
            context.openConnections.subtract(1, ordering: .relaxed)
        }
    }
}
