import Dispatch
import Glibc

/// One accepted socket: performs the I/O that the parser and the lifecycle state machine ask
/// for. Confined to its loop's queue (every method runs there), hence `@unchecked Sendable`.
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
    private var isProcessing = false
    private var peerInputClosed = false
    /// The client may still be sending bytes we will not read (a rejected body, a pipelined
    /// request): after the last response, read and discard them for a while instead of closing
    /// at once, so our close does not reset the connection before the client read the response.
    private var needsLinger = false

    private let readSource: DispatchSourceRead
    private var readSuspended = false
    private var writeSource: DispatchSourceWrite?
    private(set) var isWriteArmed = false
    private var openSources = 0
    /// Answered 503 at the connection limit: counted in `refusingConnections`, not `openConnections`.
    private var isRefusal = false

    /// Takes ownership of `fd` (non-blocking). Call `start` on the loop's queue.
    init(fd: Int32, remoteAddress: String, loop: EventLoop, context: ServerContext) {
        self.fd = fd
        self.loop = loop
        self.context = context
        self.remoteAddress = remoteAddress
        machine = ConnectionStateMachine(clock: loop.clock, timeouts: context.timeouts)
        parser = RequestParser(limits: context.parserLimits)
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: loop.queue)
    }

    var deadline: ContinuousClock.Instant? { machine.deadline }

    func start() {
        loop.register(self)
        openSources = 1
        readSource.setEventHandler { [unowned self] in self.readable() }
        readSource.setCancelHandler { [self] in self.sourceCancelled() }
        readSource.activate()
        if loop.isShuttingDown { shutdownRequested() }
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

    // MARK: reading

    private func readable() {
        while !isClosed {
            let count: Int?
            do {
                count = try Socket.read(fd, into: loop.readBuffer)
            } catch {
                close()
                return
            }
            guard let count else { return }
            if count == 0 {
                peerClosedInput()
                return
            }
            received(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
            if count < loop.readBuffer.count || readSuspended { return }
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard machine.acceptsRequests else { return }   // draining: discard
        machine.bytesReceived()
        if isAwaitingResponse {
            inbound.append(contentsOf: bytes)
            if inbound.count >= context.limits.maxPipelinedBytes { suspendReading() }
            return
        }
        if inbound.isEmpty {
            let consumed = process(bytes)
            if consumed < bytes.count && !isClosed {
                inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            }
        } else {
            inbound.append(contentsOf: bytes)
            processInbound()
        }
    }

    private func processInbound() {
        let pending = inbound
        inbound = []
        let consumed = pending.withUnsafeBytes { process($0) }
        if consumed < pending.count && !isClosed {
            inbound.insert(contentsOf: pending[consumed...], at: 0)
        }
        if readSuspended && inbound.count < context.limits.maxPipelinedBytes && !peerInputClosed { resumeReading() }
    }

    /// A request is being handled or answered: later bytes wait in `inbound`.
    private var isAwaitingResponse: Bool {
        guard let exchange else { return false }
        return exchange.phase != .receiving
    }

    /// Feeds the parser until it needs more bytes or a request awaits its response; returns the bytes consumed.
    private func process(_ input: UnsafeRawBufferPointer) -> Int {
        isProcessing = true
        defer { isProcessing = false }
        var offset = 0
        while !isClosed && !isAwaitingResponse && machine.acceptsRequests {
            switch parser.parse(input, offset: &offset) {
            case .needMoreData:
                return offset
            case .head(let parsed):
                headReceived(parsed)
            case .body(let slice):
                exchange?.receiveBody(slice)
            case .end:
                requestReceived()
            case .error(let error):
                reject(error)
            }
        }
        return offset
    }

    private func headReceived(_ parsed: ParsedRequestHead) {
        var head = parsed.head
        head.remoteAddress = remoteAddress
        let match = context.router.match(head.method, rawPath: parsed.rawPath[...])
        var route: Route?
        if case .found(let found, let parameters) = match {
            route = found
            head.routePattern = found.pattern
            head.pathParameters = parameters
        }
        if !head.wantsKeepAlive { machine.closeAfterResponse() }
        exchange = ExchangeInProgress(head: head, started: loop.clock.now)
        exchange?.framing = parsed.framing
        let hasBody = parsed.framing.hasBody

        if let rejection = context.screen(head) ?? ServerContext.unroutedResponse(match, head: head) {
            if hasBody && (parsed.expectsContinue || !canDiscard(parsed.framing)) {
                // The body is not wanted: answer now and close rather than read it.
                machine.requestRejected()
                needsLinger = true
                respond(rejection)
                return
            }
            exchange?.discardsBody = true
            exchange?.deferredResponse = rejection
            machine.headReceived(expectsBody: hasBody)
            return
        }
        exchange?.route = route
        if case .contentLength(let length) = parsed.framing { exchange?.body.reserveCapacity(length) }
        if parsed.expectsContinue { sendInterim(ResponseHeadEncoder.continueHead) }
        machine.headReceived(expectsBody: hasBody)
    }

    private func canDiscard(_ framing: RequestBodyFraming) -> Bool {
        if case .contentLength(let length) = framing { return length <= context.limits.maxDiscardedBodyBytes }
        return false
    }

    private func requestReceived() {
        machine.bodyReceived()
        guard let exchange else { return }
        if let response = exchange.deferredResponse {
            respond(response)
        } else if let route = exchange.route, let head = exchange.head {
            let request = HTTPRequest(head: head, body: exchange.body)
            exchange.body = []   // the request owns the only reference: no copy if the handler mutates it
            dispatch(request, to: route)
        }
    }

    /// A malformed or over-limit request: answered, then the connection closes.
    private func reject(_ error: RequestError) {
        machine.requestRejected()
        needsLinger = true
        if exchange == nil { exchange = ExchangeInProgress(head: nil, started: loop.clock.now) }
        respond(.problem(error.status, detail: error.detail))
    }

    private func peerClosedInput() {
        peerInputClosed = true
        suspendReading()   // EOF stays readable: without this the source would spin
        if exchange?.phase == .handling { handlerTask?.cancel() }   // the client gave up waiting
        if case .close = machine.peerClosed() { close() }
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

    // MARK: sources

    private func suspendReading() {
        guard !readSuspended, !isClosed else { return }
        readSuspended = true
        readSource.suspend()
    }

    private func resumeReading() {
        guard readSuspended, !isClosed else { return }
        readSuspended = false
        readSource.resume()
    }

    func armWriting() {
        guard !isWriteArmed, !isClosed else { return }
        isWriteArmed = true
        if let writeSource {
            writeSource.resume()
            return
        }
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
        source.setEventHandler { [unowned self] in self.writable() }
        source.setCancelHandler { [self] in self.sourceCancelled() }
        openSources += 1
        writeSource = source
        source.activate()
    }

    func disarmWriting() {
        guard isWriteArmed, let writeSource else { return }
        isWriteArmed = false
        writeSource.suspend()
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
        readSource.cancel()
        if readSuspended { readSource.resume() }
        if let writeSource {
            writeSource.cancel()
            if !isWriteArmed { writeSource.resume() }
        }
    }

    private func sourceCancelled() {
        openSources -= 1
        guard openSources == 0 else { return }
        Socket.close(fd)
        if isRefusal {
            context.refusingConnections.subtract(1, ordering: .relaxed)
        } else {
            context.openConnections.subtract(1, ordering: .relaxed)
        }
    }
}
