/// The connection's bookkeeping for the request it is receiving or answering (a class: it is
/// updated in many small steps, which would copy a struct of this size each time).
final class ExchangeInProgress {
    enum Phase: Hashable {
        case receiving
        /// The handler task is running.
        case handling
        /// The whole response is queued; waiting for the kernel to take it.
        case writing
        /// A streamed body's producer is running.
        case streaming
    }

    /// nil for requests rejected before a head was parsed.
    var head: HTTPRequestHead?
    var started: ContinuousClock.Instant
    var phase = Phase.receiving
    var framing = RequestBodyFraming.none
    var route: Route?
    var body: [UInt8] = []
    var requestBodyBytes = 0
    /// The request was rejected at its head; its (small) body is read and dropped, then
    /// `deferredResponse` is sent and the connection kept.
    var discardsBody = false
    var deferredResponse: HTTPResponse?
    var status: HTTPStatus?
    var responseHeaders = HTTPHeaders()
    var responseBodyBytes = 0
    var responseFraming = ResponseFraming.noBody

    init(head: HTTPRequestHead?, started: ContinuousClock.Instant) {
        self.head = head
        self.started = started
    }

    func receiveBody(_ slice: UnsafeRawBufferPointer) {
        requestBodyBytes += slice.count
        if !discardsBody { body.append(contentsOf: slice) }
    }

    func record(finished: Bool, remoteAddress: String, now: ContinuousClock.Instant) -> HTTPExchange {
        HTTPExchange(
            head: head, status: status ?? .internalServerError, responseHeaders: responseHeaders,
            requestBodyBytes: requestBodyBytes, responseBodyBytes: responseBodyBytes,
            duration: started.duration(to: now), finished: finished, remoteAddress: remoteAddress)
    }
}
