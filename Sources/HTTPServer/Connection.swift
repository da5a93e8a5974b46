import Dispatch
import Posix

/// One accepted socket: performs the I/O that the parser and the lifecycle state machine ask
/// for. Its read source lives as long as the connection reads; a write source exists only while
/// output is pending. Confined to its I/O
/// queue (every method runs there), hence `@unchecked Sendable`.
final class Connection: @unchecked Sendable {
    let fd: Int32
    let ioQueue: IOQueue
    let context: ServerContext
    let remoteAddress: String
    /// `remoteAddress` without the port: what `ConnectionAdmission` counts.
    let client: String
    /// Admitted, or on a reserved place (one request, probes only).
    let admission: ConnectionAdmission.Decision

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

    private var readSource: DispatchSourceRead?
    private(set) var readSuspended = false
    /// Only while output is pending (`armWriting`, `disarmWriting`).
    private var writeSource: DispatchSourceWrite?
    /// Sources not yet cancelled: the descriptor is closed once none is left, never while
    /// Dispatch may still watch it.
    private var liveSources = 0
    var isWriteArmed: Bool { writeSource != nil }
    /// Runs `.ioQueue` handlers on this connection's queue.
    private(set) lazy var executor = IOQueueExecutor(queue: ioQueue)
    /// Takes ownership of `fd` (non-blocking), counted by `context.admission` as `admission`.
    /// Call `start` on the I/O queue.
    init(
        fd: Int32, remoteAddress: String, client: String, admission: ConnectionAdmission.Decision,
        ioQueue: IOQueue, context: ServerContext
    ) {
        self.fd = fd
        self.ioQueue = ioQueue
        self.context = context
        self.remoteAddress = remoteAddress
        self.client = client
        self.admission = admission
        let isReserved = if case .reserved = admission { true } else { false }
        machine = ConnectionStateMachine(clock: ioQueue.clock, timeouts: isReserved ? context.reservedTimeouts : context.timeouts)
        if isReserved { machine.closeAfterResponse() }
        parser = RequestParser(limits: context.parserLimits)
    }

    var deadline: ContinuousClock.Instant? { machine.deadline }

    func start() {
        ioQueue.register(self)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: ioQueue.queue)
        source.setEventHandler { [unowned self] in
            ioQueue.run { readable(available: Int(readSource?.data ?? 0)) }
        }
        source.setCancelHandler { [self] in sourceCancelled() }
        readSource = source
        liveSources += 1
        source.activate()
        if ioQueue.isShuttingDown { shutdownRequested() }
    }

    func deadlinePassed() {
        switch machine.timeoutFired() {
        case .none, .drain:
            break
        case .close:
            close()
        case .respondRequestTimeout:
            needsLinger = true
            if exchange == nil { exchange = ExchangeInProgress(head: nil, started: ioQueue.clock.now) }
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

    // MARK: sources

    func suspendReading() {
        guard !readSuspended, let readSource else { return }
        readSuspended = true
        readSource.suspend()
    }

    func resumeReading() {
        guard readSuspended, let readSource else { return }
        readSuspended = false
        readSource.resume()
    }

    /// Input is over (end of stream, or the connection closes): the read source goes away.
    func stopReading() {
        guard let readSource else { return }
        self.readSource = nil
        readSource.cancel()
        if readSuspended {
            readSuspended = false
            readSource.resume()  // a suspended source delivers its cancellation only once resumed
        }
    }

    /// Output is pending: a write source watches for room in the socket until it has drained.
    func armWriting() {
        guard writeSource == nil, !isClosed else { return }
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: ioQueue.queue)
        source.setEventHandler { [unowned self] in ioQueue.run { writable() } }
        source.setCancelHandler { [self] in sourceCancelled() }
        writeSource = source
        liveSources += 1
        source.activate()
    }

    /// Nothing is pending any more: the write source goes away.
    func disarmWriting() {
        guard let writeSource else { return }
        self.writeSource = nil
        writeSource.cancel()
    }

    /// Closes at once: cancels the handler, fails a waiting writer, cancels the sources; the
    /// descriptor is released when the last cancellation arrives.
    func close() {
        guard !isClosed else { return }
        if let exchange, exchange.status != nil, exchange.phase != .receiving {
            context.completed(exchange.record(finished: false, remoteAddress: remoteAddress, now: ioQueue.clock.now))
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
        ioQueue.unregister(self)
        stopReading()
        disarmWriting()
        if liveSources == 0 { release() }
    }

    private func sourceCancelled() {
        liveSources -= 1
        if liveSources == 0 && isClosed { release() }
    }

    /// Gives the descriptor back and the connection's place (see `ConnectionAdmission`).
    private func release() {
        Socket.close(fd)
        context.admission.withLock { $0.release(client: client, decision: admission) }
    }
}
