#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Running handlers and writing their responses.
extension Connection {
    func dispatch(_ request: HTTPRequest, to route: Route) {
        exchange?.phase = .handling
        generation &+= 1
        let generation = self.generation
        let context = self.context
        let started = exchange?.started ?? ioQueue.clock.now
        let operation: @Sendable () async -> Void = {
            let response = await context.respond(to: request, with: route)
            // Back on the I/O queue: inline for an `.ioQueue` handler, `queue.async` otherwise.
            self.ioQueue.execute { self.deliver(response, generation: generation, head: request.head, started: started) }
        }
        guard route.execution == .ioQueue else {
            handlerTask = Task(operation: operation)
            return
        }
        if #available(macOS 26.0, *) {
            // Runs here at once, on this queue: a handler that does not suspend has answered (and
            // its response is written) before this returns; after a suspension it resumes on the queue.
            let task = Task.immediate(executorPreference: executor, operation: operation)
            if generation == self.generation && exchange?.phase == .handling { handlerTask = task }
        } else {
            handlerTask = Task(executorPreference: executor, operation: operation)
        }
    }

    /// A handler's answer. If the client left meanwhile, it is only reported to `completed`.
    private func deliver(_ response: HTTPResponse, generation: UInt64, head: HTTPRequestHead, started: ContinuousClock.Instant) {
        guard generation == self.generation, !isClosed, exchange?.phase == .handling else {
            context.completed(
                HTTPExchange(
                    head: head, status: response.status, responseHeaders: response.headers,
                    requestBodyBytes: 0, responseBodyBytes: 0,
                    duration: started.duration(to: ioQueue.clock.now), finished: false,
                    remoteAddress: remoteAddress))
            return
        }
        respond(response)
    }

    /// Writes `response` for the current exchange: head and body in one `sendmsg`, or the head
    /// followed by the stream's chunks.
    func respond(_ response: HTTPResponse) {
        guard let exchange, !isClosed else { return }
        var response = response
        if response.status.code < 200 {
            response = .problem(.internalServerError, detail: "the handler answered with an interim status")
        }
        response = context.rendered(response, head: exchange.head)
        if let head = exchange.head { context.prepare(&response, for: head) }
        if response.headers.hasToken("close", in: "Connection") { machine.closeAfterResponse() }
        let version = exchange.head?.version ?? .http1_1
        let sendsBody = response.status.allowsBody && exchange.head?.method != .head
        var body: [UInt8] = []
        var produce: (@Sendable (HTTPBodyWriter) async throws -> Void)?
        let framing: ResponseFraming
        switch response.body {
        case .bytes(let bytes):
            framing = response.status.allowsBody ? .contentLength(bytes.count) : .noBody
            if sendsBody { body = bytes }
        case .stream(let producer):
            if !response.status.allowsBody {
                framing = .noBody
            } else if version == .http1_0 {
                framing = .closeDelimited
                machine.closeAfterResponse()
            } else {
                framing = .chunked
            }
            if sendsBody { produce = producer }
        }
        let close = machine.closeRequested
        var head = ioQueue.takeHeadBuffer()
        ioQueue.headEncoder.encode(
            status: response.status, headers: response.headers, framing: framing, close: close,
            keepAliveHeader: !close && version == .http1_0, into: &head)
        exchange.status = response.status
        exchange.responseHeaders = response.headers
        exchange.responseBodyBytes = body.count
        exchange.responseFraming = framing
        exchange.phase = produce == nil ? .writing : .streaming
        let written = send(head: head, body: body)
        ioQueue.returnHeadBuffer(head)
        guard written else { return }
        if let produce {
            startStream(produce)
        } else if outbound.isEmpty {
            responseWritten()
        }
    }

    /// Sends head and body with one `sendmsg` when nothing is queued; queues what the kernel did
    /// not take. False when the connection failed (it is then closed).
    private func send(head: [UInt8], body: [UInt8]) -> Bool {
        guard outbound.isEmpty else {
            outbound.append(head)
            outbound.append(body)
            return true
        }
        do {
            let sent = try head.withUnsafeBytes { headBytes in
                try body.withUnsafeBytes { bodyBytes in
                    try withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
                        vectors[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: headBytes.baseAddress), iov_len: headBytes.count)
                        vectors[1] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress), iov_len: bodyBytes.count)
                        return try Socket.send(fd, UnsafeMutableBufferPointer(rebasing: vectors[0..<(body.isEmpty ? 1 : 2)]))
                    }
                }
            }
            if sent < head.count {
                outbound.append(Array(head[sent...]))
                outbound.append(body)
            } else if sent < head.count + body.count {
                outbound.appendRemainder(of: body, sent: sent - head.count)
            }
        } catch {
            close()
            return false
        }
        if !outbound.isEmpty { writeBlocked() }
        return true
    }

    /// Sends `100 Continue` before reading an expected body.
    func sendInterim(_ head: [UInt8]) {
        _ = send(head: head, body: [])
    }

    private func writeBlocked() {
        machine.writeBlocked()
        armWriting()
    }

    /// The write source fired: the kernel has room again.
    func writable() {
        guard flushOutbound() else { return }
        if !streamWaiters.isEmpty && outbound.pendingBytes <= context.limits.streamBufferBytes {
            let waiters = streamWaiters
            streamWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        if outbound.isEmpty {
            disarmWriting()
            machine.writeDrained()
            if exchange?.phase == .writing { responseWritten() }
        }
    }

    /// False when the connection failed (it is then closed).
    private func flushOutbound() -> Bool {
        do {
            if try outbound.flush(to: fd) > 0 { machine.writeProgressed() }
            return true
        } catch {
            close()
            return false
        }
    }

    /// The last byte of the response went to the kernel.
    private func responseWritten() {
        guard let exchange else { return }
        if !context.middleware.isEmpty {
            context.completed(exchange.record(finished: true, remoteAddress: remoteAddress, now: ioQueue.clock.now))
        }
        switch machine.responseFinished() {
        case .none, .respondRequestTimeout: readyForNextRequest()
        case .drain: startDraining()
        case .close: close()
        }
    }

    // MARK: streamed bodies

    private func startStream(_ produce: @escaping @Sendable (HTTPBodyWriter) async throws -> Void) {
        let generation = self.generation
        let writer = HTTPBodyWriter(sink: ConnectionBodySink(connection: self, generation: generation))
        let preference: (any TaskExecutor)? = exchange?.route?.execution == .ioQueue ? executor : nil
        handlerTask = Task(executorPreference: preference) {
            let failed: Bool
            do {
                try await produce(writer)
                failed = false
            } catch {
                failed = true
            }
            self.ioQueue.execute { self.streamFinished(generation: generation, failed: failed) }
        }
    }

    func writeStreamChunk(_ bytes: [UInt8], generation: UInt64, continuation: CheckedContinuation<Void, any Error>) {
        guard generation == self.generation, !isClosed, exchange?.phase == .streaming else {
            continuation.resume(throwing: HTTPBodyWriterError(reason: "the connection closed"))
            return
        }
        exchange?.responseBodyBytes += bytes.count
        if exchange?.responseFraming == .chunked {
            outbound.append(ResponseHeadEncoder.chunkPrefix(bytes.count))
            outbound.append(bytes)
            outbound.append(ResponseHeadEncoder.chunkSuffix)
        } else {
            outbound.append(bytes)
        }
        guard flushQueued() else {
            continuation.resume(throwing: HTTPBodyWriterError(reason: "the connection failed"))
            return
        }
        if outbound.pendingBytes > context.limits.streamBufferBytes {
            streamWaiters.append(continuation)
        } else {
            continuation.resume()
        }
    }

    /// Flushes newly queued bytes unless a write is already waiting for the kernel. False when closed.
    private func flushQueued() -> Bool {
        guard !isWriteArmed else { return true }
        guard flushOutbound() else { return false }
        if !outbound.isEmpty { writeBlocked() }
        return true
    }

    private func streamFinished(generation: UInt64, failed: Bool) {
        guard generation == self.generation, !isClosed, exchange?.phase == .streaming else { return }
        if failed {
            close()  // no last chunk: the client sees a truncated body, not a complete one
            return
        }
        if exchange?.responseFraming == .chunked { outbound.append(ResponseHeadEncoder.lastChunk) }
        exchange?.phase = .writing
        guard flushQueued() else { return }
        if outbound.isEmpty { responseWritten() }
    }
}

/// Routes a body writer's chunks to its connection's I/O queue.
struct ConnectionBodySink: ResponseBodySink {
    let connection: Connection
    let generation: UInt64

    func writeBodyChunk(_ bytes: [UInt8]) async throws {
        try Task.checkCancellation()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connection.ioQueue.execute {
                connection.writeStreamChunk(bytes, generation: generation, continuation: continuation)
            }
        }
    }
}
