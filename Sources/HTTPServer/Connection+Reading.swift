/// Reading: bytes into the parser, parser events into exchanges (routing, screening, 100-continue,
/// discarding rejected bodies), and pausing while a response is owed.
extension Connection {
    /// The read source fired; `available` is what it reported the socket holds (FIONREAD).
    /// Exactly that much is read, in buffer-sized pieces, so no read ends in EAGAIN. 0 means end
    /// of input, an error or a hang-up; after a hang-up (a reset, or both directions shut)
    /// Dispatch on Linux reports 0 whatever is left and stops watching the socket, so then
    /// everything is read now, until end of input, an error or EAGAIN.
    func readable(available: Int) {
        var remaining = available > 0 ? available : Int.max
        while remaining > 0 && !isClosed && !readSuspended && !peerInputClosed {
            let count: Int?
            do {
                let piece = UnsafeMutableRawBufferPointer(rebasing: ioQueue.readBuffer[0..<min(remaining, ioQueue.readBuffer.count)])
                count = try Socket.read(fd, into: piece)
            } catch {
                close()
                return
            }
            guard let count else { return }
            if count == 0 {
                peerClosedInput()
                return
            }
            received(UnsafeRawBufferPointer(rebasing: ioQueue.readBuffer[0..<count]))
            remaining -= count
        }
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        guard machine.acceptsRequests else { return }  // draining: discard
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

    func processInbound() {
        let pending = inbound
        inbound = []
        let consumed = pending.withUnsafeBytes { process($0) }
        if consumed < pending.count && !isClosed {
            inbound.insert(contentsOf: pending[consumed...], at: 0)
        }
        if readSuspended && inbound.count < context.limits.maxPipelinedBytes && !peerInputClosed { resumeReading() }
    }

    /// A request is being handled or answered: later bytes wait in `inbound`.
    var isAwaitingResponse: Bool {
        guard let exchange else { return false }
        return exchange.phase != .receiving
    }

    /// Feeds the parser until it needs more bytes or a request awaits its response; returns the bytes consumed.
    func process(_ input: UnsafeRawBufferPointer) -> Int {
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

    func headReceived(_ parsed: ParsedRequestHead) {
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
        exchange = ExchangeInProgress(head: head, started: ioQueue.clock.now)
        exchange?.framing = parsed.framing
        let hasBody = parsed.framing.hasBody

        if let rejection = reservedRejection(head) ?? context.screen(head) ?? ServerContext.unroutedResponse(match, head: head) {
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

    /// On a reserved place only the probe paths are served.
    func reservedRejection(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard case .reserved(let overflow) = admission else { return nil }
        return context.reservedRejection(overflow, head: head)
    }

    func canDiscard(_ framing: RequestBodyFraming) -> Bool {
        if case .contentLength(let length) = framing { return length <= context.limits.maxDiscardedBodyBytes }
        return false
    }

    func requestReceived() {
        machine.bodyReceived()
        guard let exchange else { return }
        if let response = exchange.deferredResponse {
            respond(response)
        } else if let route = exchange.route, let head = exchange.head {
            let request = HTTPRequest(head: head, body: exchange.body)
            exchange.body = []  // the request owns the only reference: no copy if the handler mutates it
            dispatch(request, to: route)
        }
    }

    /// A malformed or over-limit request: answered, then the connection closes.
    func reject(_ error: RequestError) {
        machine.requestRejected()
        needsLinger = true
        if exchange == nil { exchange = ExchangeInProgress(head: nil, started: ioQueue.clock.now) }
        respond(.problem(HTTPProblem(status: error.status, detail: error.detail, path: error.path)))
    }

    func peerClosedInput() {
        peerInputClosed = true
        stopReading()  // EOF stays readable: a source left on it would fire again and again
        if exchange?.phase == .handling { handlerTask?.cancel() }  // the client gave up waiting
        if case .close = machine.peerClosed() { close() }
    }
}
