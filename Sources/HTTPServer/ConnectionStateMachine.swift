/// The lifecycle of one connection, as a state machine: the I/O code reports events and
/// performs the returned actions; the machine decides timeouts, keep-alive and closing.
/// Time comes from `C`, so tests drive it with a manual clock instead of sleeping.
///
///     awaitingRequest ─bytes→ readingHead ─head→ readingBody ─body→ responding ─keep-alive→ awaitingRequest
///            │                     │                 │                  └─close→ draining ─EOF/linger→ closed
///            └─ idle/header timeout: closed           └─ 408 ──────────────→ responding
struct ConnectionStateMachine<C: Clock> where C.Duration == Duration {
    struct Timeouts: Hashable, Sendable {
        var headerRead: Duration
        var bodyRead: Duration
        var idle: Duration
        var write: Duration
        var linger: Duration

        init(_ limits: HTTPLimits) {
            headerRead = limits.headerReadTimeout
            bodyRead = limits.bodyReadTimeout
            idle = limits.idleTimeout
            write = limits.writeTimeout
            linger = limits.lingerTimeout
        }
    }

    enum State: Hashable {
        /// Between requests. A fresh connection's deadline is the header timeout from accept;
        /// a kept-alive one's is the idle timeout. Either expires silently.
        case awaitingRequest(deadline: C.Instant, fresh: Bool)
        case readingHead(deadline: C.Instant)
        case readingBody(deadline: C.Instant)
        /// A handler is running or a response is being written. Only a write that stopped
        /// making progress has a deadline.
        case responding(writeDeadline: C.Instant?)
        /// Our side is shut down after the last response; unread request bytes are discarded
        /// until the peer closes or the linger deadline, so it sees the response, not a reset.
        case draining(deadline: C.Instant)
        case closed
    }

    enum Action: Hashable {
        case none
        /// Close the socket now.
        case close
        /// Answer 408, then close (the response's completion reports `responseFinished`).
        case respondRequestTimeout
        /// Shut down writing and discard input until EOF or the deadline.
        case drain
    }

    let clock: C
    let timeouts: Timeouts
    private(set) var state: State
    /// No further request will be read: `Connection: close`, HTTP/1.0, EOF, a rejection or shutdown.
    private(set) var closeRequested = false

    init(clock: C, timeouts: Timeouts) {
        self.clock = clock
        self.timeouts = timeouts
        state = .awaitingRequest(deadline: clock.now.advanced(by: timeouts.headerRead), fresh: true)
    }

    /// When `timeoutFired` must be called next; nil while nothing is timed.
    var deadline: C.Instant? {
        switch state {
        case .awaitingRequest(let deadline, _), .readingHead(let deadline), .readingBody(let deadline), .draining(let deadline):
            deadline
        case .responding(let writeDeadline):
            writeDeadline
        case .closed:
            nil
        }
    }

    /// Request bytes arrived. Starts the header timeout of a kept-alive connection's next request.
    mutating func bytesReceived() {
        if case .awaitingRequest(let deadline, let fresh) = state {
            state = .readingHead(deadline: fresh ? deadline : clock.now.advanced(by: timeouts.headerRead))
        }
    }

    /// A complete head was accepted; the body timeout starts if a body follows.
    mutating func headReceived(expectsBody: Bool) {
        guard !isTerminal else { return }
        state = expectsBody ? .readingBody(deadline: clock.now.advanced(by: timeouts.bodyRead)) : .responding(writeDeadline: nil)
    }

    mutating func bodyReceived() {
        guard !isTerminal else { return }
        state = .responding(writeDeadline: nil)
    }

    /// The request cannot be continued (malformed, over a limit, rejected with an unread body):
    /// its response is the connection's last.
    mutating func requestRejected() {
        guard !isTerminal else { return }
        closeRequested = true
        state = .responding(writeDeadline: nil)
    }

    /// The client asked for this response to be the last (`Connection: close`, HTTP/1.0).
    mutating func closeAfterResponse() {
        closeRequested = true
    }

    /// The kernel refused bytes (EAGAIN): the write timeout runs until progress.
    mutating func writeBlocked() {
        if case .responding(nil) = state {
            state = .responding(writeDeadline: clock.now.advanced(by: timeouts.write))
        }
    }

    /// Some pending bytes were written: the write timeout starts over.
    mutating func writeProgressed() {
        if case .responding(.some) = state {
            state = .responding(writeDeadline: clock.now.advanced(by: timeouts.write))
        }
    }

    mutating func writeDrained() {
        if case .responding = state { state = .responding(writeDeadline: nil) }
    }

    /// The whole response was handed to the kernel.
    mutating func responseFinished() -> Action {
        guard case .responding = state else { return isTerminal ? .none : .close }
        if closeRequested {
            state = .draining(deadline: clock.now.advanced(by: timeouts.linger))
            return .drain
        }
        state = .awaitingRequest(deadline: clock.now.advanced(by: timeouts.idle), fresh: false)
        return .none
    }

    /// The deadline passed (the I/O code may call this early; it then does nothing).
    mutating func timeoutFired() -> Action {
        guard let deadline, clock.now >= deadline else { return .none }
        switch state {
        case .readingHead, .readingBody:
            closeRequested = true
            state = .responding(writeDeadline: nil)
            return .respondRequestTimeout
        case .awaitingRequest, .responding, .draining:
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    /// The peer closed its side (EOF). A response in progress is still written.
    mutating func peerClosed() -> Action {
        closeRequested = true
        switch state {
        case .responding:
            return .none
        case .closed:
            return .none
        default:
            state = .closed
            return .close
        }
    }

    /// Graceful shutdown: an idle connection closes now; one with a request in progress
    /// finishes it (with `Connection: close`) and then closes.
    mutating func shutdownRequested() -> Action {
        closeRequested = true
        if case .awaitingRequest = state {
            state = .closed
            return .close
        }
        return .none
    }

    /// An I/O error or a forced close.
    mutating func failed() {
        state = .closed
    }

    /// False once the connection is draining or closed: no more requests are parsed.
    var acceptsRequests: Bool { !isTerminal }

    private var isTerminal: Bool {
        switch state {
        case .draining, .closed: true
        default: false
        }
    }
}
