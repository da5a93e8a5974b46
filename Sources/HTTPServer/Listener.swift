import Dispatch

/// Accepts connections on one listening socket and hands them to the loops round-robin.
/// Over `maxConnections` a connection is answered 503; when the process is out of file
/// descriptors (EMFILE) accepting pauses with exponential backoff instead of spinning.
final class Listener: @unchecked Sendable {
    let socket: Socket.Listening
    private let loops: [EventLoop]
    private let context: ServerContext
    private let queue: DispatchQueue
    private let source: DispatchSourceRead
    private var nextLoop = 0
    private var backoff: Duration?
    private var paused = false
    private var stopped = false
    private var onClosed: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    private static let firstBackoff = Duration.milliseconds(5)
    private static let maxBackoff = Duration.seconds(1)
    /// Accepts per readiness event, so one busy listener cannot starve its queue.
    private static let acceptBatch = 64

    init(socket: Socket.Listening, loops: [EventLoop], context: ServerContext) {
        self.socket = socket
        self.loops = loops
        self.context = context
        queue = DispatchQueue(label: "http.accept.\(socket.port)")
        source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
    }

    func start() {
        let fd = socket.fd
        source.setEventHandler { [unowned self] in self.acceptPending() }
        source.setCancelHandler { [self] in
            Socket.close(fd)
            closed = true
            for waiter in onClosed { waiter.resume() }
            onClosed = []
        }
        source.activate()
    }

    /// Stops accepting; returns once the socket is closed (so the port can be bound again).
    func stop() async {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                if closed {
                    continuation.resume()
                    return
                }
                onClosed.append(continuation)
                guard !stopped else { return }
                stopped = true
                source.cancel()
                if paused { source.resume() }
            }
        }
    }

    private func acceptPending() {
        for _ in 0..<Self.acceptBatch where !stopped && !paused {
            switch Socket.accept(socket.fd) {
            case .accepted(let fd, let remoteAddress):
                backoff = nil
                adopt(fd: fd, remoteAddress: remoteAddress)
            case .wouldBlock:
                return
            case .transient(let error):
                context.log(.debug, "\(error) on \(socket.address)")
            case .outOfResources(let error):
                pause(after: error)
                return
            }
        }
    }

    private func adopt(fd: Int32, remoteAddress: String) {
        let loop = loops[nextLoop]
        nextLoop = (nextLoop + 1) % loops.count
        let context = self.context
        if context.openConnections.add(1, ordering: .relaxed).newValue > context.limits.maxConnections {
            context.openConnections.subtract(1, ordering: .relaxed)
            guard context.refusingConnections.add(1, ordering: .relaxed).newValue <= context.maxRefusing else {
                context.refusingConnections.subtract(1, ordering: .relaxed)
                Socket.close(fd)
                return
            }
            loop.queue.async {
                Connection(fd: fd, remoteAddress: remoteAddress, loop: loop, context: context).refuse()
            }
            return
        }
        loop.queue.async {
            Connection(fd: fd, remoteAddress: remoteAddress, loop: loop, context: context).start()
        }
    }

    private func pause(after error: SocketError) {
        let delay = backoff.map { min($0 * 2, Self.maxBackoff) } ?? Self.firstBackoff
        backoff = delay
        paused = true
        source.suspend()
        context.log(.warning, "\(error) on \(socket.address): pausing accepts for \(delay)")
        let nanoseconds = Int(delay.components.seconds) * 1_000_000_000 + Int(delay.components.attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [self] in
            guard paused, !stopped else { return }
            paused = false
            source.resume()
        }
    }
}
