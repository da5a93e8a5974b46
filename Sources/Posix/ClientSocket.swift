#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection to a server in which every step (connect, send, receive) ends by a deadline:
/// the client of `backpropd healthcheck` and of the tests that speak raw bytes. Non-blocking
/// underneath, waiting in `poll(2)`; sends never raise SIGPIPE. Used by one thread at a time.
public final class ClientSocket: @unchecked Sendable {
    /// A failed step: the call, and errno (ETIMEDOUT when the deadline passed first; 0 when
    /// `operation` says it all).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let operation: String
        public let errno: Int32

        public var timedOut: Bool { errno == ETIMEDOUT }
        public var wasReset: Bool { errno == ECONNRESET }
        public var description: String { errno == 0 ? operation : "\(operation): \(String(cString: strerror(errno)))" }
    }

    public let descriptor: Int32
    private let isClosed = Locked(false)

    /// Connects to the first address of `host` (a name, or a numeric IPv4 or IPv6 address) that
    /// accepts. `source` binds the socket to that local address first (127.0.0.2: another client);
    /// `receiveBuffer` sets SO_RCVBUF before connecting, so the TCP window is small from the start.
    public init(
        host: String, port: Int, source: String? = nil, receiveBuffer: Int32? = nil,
        before deadline: Deadline
    ) throws(Failure) {
        descriptor = try Self.connect(host: host, port: port, source: source, receiveBuffer: receiveBuffer, before: deadline)
    }

    deinit { close() }

    /// Closes the socket now (otherwise the deinitializer does); later calls do nothing, so a
    /// descriptor number the process has reused since is never closed by mistake.
    public func close() {
        guard
            !isClosed.withLock({ closed in
                defer { closed = true }; return closed
            })
        else { return }
        _ = systemClose(descriptor)
    }

    /// Sends every byte, waiting for room in the send buffer until `deadline`.
    public func send(_ bytes: [UInt8], before deadline: Deadline) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Self.sendWithoutSignal(descriptor, $0) }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EINTR {
                continue
            } else if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), before: deadline, operation: "send")
            } else {
                throw Failure(operation: "send", errno: errno)
            }
        }
    }

    /// Up to `limit` bytes as soon as any arrive; empty at the end of the stream. A reset
    /// connection throws with errno ECONNRESET.
    public func receive(upTo limit: Int = 65536, before deadline: Deadline) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(buffer[..<count]) }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw Failure(operation: "recv", errno: errno) }
            try wait(for: Int16(POLLIN), before: deadline, operation: "recv")
        }
    }

    /// Ends our sending side: the server reads EOF, the connection stays open for its answer.
    public func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Makes closing send a reset (SO_LINGER 0) instead of a FIN.
    public func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    public func setReceiveBuffer(_ bytes: Int32) {
        Self.setOption(descriptor, SO_RCVBUF, bytes)
    }

    private func wait(for events: Int16, before deadline: Deadline, operation: String) throws(Failure) {
        guard Self.poll(descriptor, events, before: deadline) else { throw Failure(operation: operation, errno: ETIMEDOUT) }
    }

    /// Whether `events` came before the deadline.
    private static func poll(_ descriptor: Int32, _ events: Int16, before deadline: Deadline) -> Bool {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = systemPoll(&entry, 1, deadline.pollMilliseconds)
            if ready > 0 { return true }
            if ready == 0 || errno != EINTR { return false }
        }
    }

    private static func setOption(_ descriptor: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(descriptor, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func connect(
        host: String, port: Int, source: String?, receiveBuffer: Int32?,
        before deadline: Deadline
    ) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(operation: "cannot resolve \(host): \(String(cString: gai_strerror(status)))", errno: 0)
        }
        defer { freeaddrinfo(first) }
        var lastFailure = Failure(operation: "connect to \(host): no address", errno: 0)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = openStream(family: address.pointee.ai_family)
            guard descriptor >= 0 else {
                lastFailure = Failure(operation: "socket", errno: errno)
                continue
            }
            do throws(Failure) {
                if let receiveBuffer { setOption(descriptor, SO_RCVBUF, receiveBuffer) }
                if let source { try bind(descriptor, to: source, family: address.pointee.ai_family) }
                try connect(descriptor, to: address.pointee.ai_addr, length: address.pointee.ai_addrlen, before: deadline)
                return descriptor
            } catch {
                lastFailure = error
                _ = systemClose(descriptor)
            }
        }
        throw lastFailure
    }

    private static func bind(_ descriptor: Int32, to source: String, family: Int32) throws(Failure) {
        var hints = addrinfo()
        hints.ai_family = family
        hints.ai_socktype = streamType
        hints.ai_flags = AI_NUMERICHOST
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(source, "0", &hints, &list) == 0, let local = list else {
            throw Failure(operation: "cannot bind to \(source): not a numeric address of the server's family", errno: 0)
        }
        defer { freeaddrinfo(local) }
        guard systemBind(descriptor, local.pointee.ai_addr, local.pointee.ai_addrlen) == 0 else {
            throw Failure(operation: "bind to \(source)", errno: errno)
        }
    }

    private static func connect(
        _ descriptor: Int32, to address: UnsafeMutablePointer<sockaddr>, length: socklen_t,
        before deadline: Deadline
    ) throws(Failure) {
        if systemConnect(descriptor, address, length) == 0 { return }
        guard errno == EINPROGRESS || errno == EINTR else { throw Failure(operation: "connect", errno: errno) }
        guard poll(descriptor, Int16(POLLOUT), before: deadline) else { throw Failure(operation: "connect", errno: ETIMEDOUT) }
        var socketError: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &size)
        guard socketError == 0 else { throw Failure(operation: "connect", errno: socketError) }
    }
}

// At file scope, where these names are the C library's and not ClientSocket's methods.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemPoll(_ entry: UnsafeMutablePointer<pollfd>, _ count: nfds_t, _ milliseconds: Int32) -> Int32 {
    poll(entry, count, milliseconds)
}
private func systemBind(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(descriptor, address, length)
}
private func systemConnect(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
