import Dispatch
import Posix

/// Accepts connections on one listening socket from a Dispatch read source on its own serial
/// queue, and hands them to the I/O queues round-robin. `ConnectionAdmission` decides which are
/// served, which take a reserved place (probes only) and which are closed at once. When the process is out of file descriptors (EMFILE) accepting pauses with
/// exponential backoff instead of spinning: the source is cancelled and a new one made when
/// the pause ends (a source suspended from its own handler is not re-armed reliably on Linux).
/// Confined to its queue, hence `@unchecked Sendable`.
final class Listener: @unchecked Sendable {
    let socket: Socket.Listening
    private let ioQueues: [IOQueue]
    private let context: ServerContext
    private let queue: DispatchQueue
    private var source: DispatchSourceRead?
    /// Sources not yet cancelled; the socket closes once stopped and none is left.
    private var liveSources = 0
    private var nextQueue = 0
    private var backoff: Duration?
    private var stopped = false
    private var closed = false
    private var onClosed: [CheckedContinuation<Void, Never>] = []

    private static let firstBackoff = Duration.milliseconds(5)
    private static let maxBackoff = Duration.seconds(1)
    /// Accepts per event, so a flood of connections cannot hold the queue.
    private static let acceptBatch = 64

    init(socket: Socket.Listening, ioQueues: [IOQueue], context: ServerContext) {
        self.socket = socket
        self.ioQueues = ioQueues
        self.context = context
        queue = DispatchQueue(label: "http.accept.\(socket.port)", qos: .userInitiated)
    }

    func start() {
        queue.async { [self] in watch() }
    }

    /// Stops accepting; returns once the socket is closed (so the port can be bound again).
    func stop() async {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                onClosed.append(continuation)
                if !stopped {
                    stopped = true
                    source?.cancel()
                    source = nil
                }
                closeIfDone()
            }
        }
    }

    private func watch() {
        guard !stopped else { return }
        let source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
        source.setEventHandler { [unowned self] in acceptPending() }
        source.setCancelHandler { [self] in
            liveSources -= 1
            closeIfDone()
        }
        liveSources += 1
        self.source = source
        source.activate()
    }

    private func closeIfDone() {
        guard stopped, liveSources == 0, !closed else { return }
        closed = true
        Socket.close(socket.fd)
        for waiter in onClosed { waiter.resume() }
        onClosed = []
    }

    /// The listening socket is readable: accept what is pending.
    private func acceptPending() {
        for _ in 0..<Self.acceptBatch where source != nil {
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
        let client = ConnectionAdmission.client(of: remoteAddress)
        let admission = context.admission.withLock { $0.admit(client: client) }
        guard admission != .refused else {
            Socket.close(fd)
            return
        }
        let ioQueue = ioQueues[nextQueue]
        nextQueue = (nextQueue + 1) % ioQueues.count
        let context = self.context
        ioQueue.async {
            Connection(fd: fd, remoteAddress: remoteAddress, client: client, admission: admission, ioQueue: ioQueue, context: context).start()
        }
    }

    private func pause(after error: SocketError) {
        let delay = backoff.map { min($0 * 2, Self.maxBackoff) } ?? Self.firstBackoff
        backoff = delay
        source?.cancel()
        source = nil
        context.log(.warning, "\(error) on \(socket.address): pausing accepts for \(delay)")
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay / .nanoseconds(1)))) { [self] in watch() }
    }
}
