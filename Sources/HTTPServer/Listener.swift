/// Accepts connections on one listening socket, on its home loop's thread, and hands them to
/// the loops round-robin. Over `maxConnections` a connection is answered 503; when the process
/// is out of file descriptors (EMFILE) accepting pauses with exponential backoff instead of
/// spinning. Confined to the home loop's thread, hence `@unchecked Sendable`.
final class Listener: @unchecked Sendable {
    let socket: Socket.Listening
    private let home: EventLoop
    private let loops: [EventLoop]
    private let context: ServerContext
    private var nextLoop = 0
    private var backoff: Duration?
    private var paused = false
    private var stopped = false

    private static let firstBackoff = Duration.milliseconds(5)
    private static let maxBackoff = Duration.seconds(1)
    /// Accepts per readiness event, so a flood of connections cannot starve the home loop's own.
    private static let acceptBatch = 64

    init(socket: Socket.Listening, loops: [EventLoop], context: ServerContext) {
        self.socket = socket
        self.loops = loops
        self.context = context
        home = loops[0]
    }

    func start() {
        home.send { [self] in
            do {
                try home.register(self)
            } catch {
                context.log(.error, "\(error): not accepting on \(socket.address)")
            }
        }
    }

    /// Stops accepting; returns once the socket is closed (so the port can be bound again).
    func stop() async {
        await withCheckedContinuation { continuation in
            home.send { [self] in
                if !stopped {
                    stopped = true
                    home.unregister(self)
                    Socket.close(socket.fd)
                }
                continuation.resume()
            }
        }
    }

    /// The listening socket is readable: accept what is pending.
    func acceptPending() {
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
        let refuse = context.openConnections.add(1, ordering: .relaxed).newValue > context.limits.maxConnections
        if refuse {
            context.openConnections.subtract(1, ordering: .relaxed)
            guard context.refusingConnections.add(1, ordering: .relaxed).newValue <= context.maxRefusing else {
                context.refusingConnections.subtract(1, ordering: .relaxed)
                Socket.close(fd)
                return
            }
        }
        loop.execute {
            let connection = Connection(fd: fd, remoteAddress: remoteAddress, loop: loop, context: context)
            if refuse { connection.refuse() } else { connection.start() }
        }
    }

    private func pause(after error: SocketError) {
        let delay = backoff.map { min($0 * 2, Self.maxBackoff) } ?? Self.firstBackoff
        backoff = delay
        paused = true
        home.setInterest(socket.fd, read: false, write: false)
        context.log(.warning, "\(error) on \(socket.address): pausing accepts for \(delay)")
        home.schedule(after: delay) { [self] in
            guard paused, !stopped else { return }
            paused = false
            home.setInterest(socket.fd, read: true, write: false)
        }
    }
}
