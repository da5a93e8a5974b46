#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with the call's name and errno.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    init(_ operation: String, errno: Int32 = LibC.errno) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The socket calls the server makes, in one place, so the rest reads as plain Swift. What
/// differs between Linux and Darwin (socket flags, accept4, SIGPIPE suppression) is in
/// `Socket+Glibc.swift` and `Socket+Darwin.swift`.
enum Socket {
    /// A bound, listening, non-blocking socket.
    struct Listening {
        let fd: Int32
        let address: String
        let port: Int
    }

    /// Binds every address `host` resolves to on `port` (0: one ephemeral port shared by all).
    /// `::` is dual-stack (IPv4-mapped too) and falls back to `0.0.0.0` where IPv6 is unavailable.
    static func listen(host: String, port: Int, backlog: Int32) throws -> [Listening] {
        var candidates = try resolve(host: host, port: port)
        if host == "::" {
            candidates = candidates.filter { $0.family == AF_INET6 }
        }
        var listening: [Listening] = []
        var boundPort = port
        do {
            for candidate in candidates {
                let dualStack = host == "::"
                let socket: Listening
                do {
                    socket = try bindAndListen(candidate, port: boundPort, dualStack: dualStack, backlog: backlog)
                } catch let error as SocketError where dualStack && (error.errno == EAFNOSUPPORT || error.errno == EADDRNOTAVAIL) {
                    return try self.listen(host: "0.0.0.0", port: port, backlog: backlog)
                }
                boundPort = socket.port
                listening.append(socket)
            }
        } catch {
            for socket in listening { _ = LibC.close(socket.fd) }
            throw error
        }
        guard !listening.isEmpty else { throw SocketError("getaddrinfo(\(host))", errno: EADDRNOTAVAIL) }
        return listening
    }

    private struct Candidate {
        let family: Int32
        let address: sockaddr_storage
        let length: socklen_t
    }

    private static func resolve(host: String, port: Int) throws -> [Candidate] {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw SocketError("getaddrinfo(\(host)): \(String(cString: gai_strerror(status)))", errno: EADDRNOTAVAIL)
        }
        defer { freeaddrinfo(first) }
        var candidates: [Candidate] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: info.pointee.ai_addr, count: Int(info.pointee.ai_addrlen)))
            }
            if !candidates.contains(where: { $0.family == info.pointee.ai_family && sameAddress($0.address, storage) }) {
                candidates.append(Candidate(family: info.pointee.ai_family, address: storage, length: info.pointee.ai_addrlen))
            }
            next = info.pointee.ai_next
        }
        return candidates
    }

    private static func sameAddress(_ a: sockaddr_storage, _ b: sockaddr_storage) -> Bool {
        describe(a) == describe(b)
    }

    private static func bindAndListen(_ candidate: Candidate, port: Int, dualStack: Bool, backlog: Int32) throws -> Listening {
        let fd = openStream(family: candidate.family)
        guard fd >= 0 else { throw SocketError("socket") }
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if candidate.family == AF_INET6 {
                try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, dualStack ? 0 : 1)
            }
            try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            var address = candidate.address
            setPort(&address, port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { LibC.bind(fd, $0, candidate.length) }
            }
            guard bound == 0 else { throw SocketError("bind(\(describe(address)))") }
            guard LibC.listen(fd, backlog) == 0 else { throw SocketError("listen") }
            let local = try localAddress(fd)
            return Listening(fd: fd, address: describe(local), port: self.port(of: local))
        } catch {
            _ = LibC.close(fd)
            throw error
        }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt(\(name))")
        }
    }

    static func localAddress(_ fd: Int32) throws -> sockaddr_storage {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { throw SocketError("getsockname") }
        return storage
    }

    enum AcceptResult {
        case accepted(fd: Int32, remoteAddress: String)
        case wouldBlock
        /// EMFILE, ENFILE, ENOBUFS, ENOMEM: back off before accepting again.
        case outOfResources(SocketError)
        /// The pending connection failed (ECONNABORTED, EPROTO…): accept the next one.
        case transient(SocketError)
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket with TCP_NODELAY.
    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { acceptConnection(listener, $0, &length) }
            }
            if fd >= 0 {
                var one: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return .accepted(fd: fd, remoteAddress: describe(storage))
            }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .outOfResources(SocketError("accept", errno: error))
            default: return .transient(SocketError("accept", errno: error))
            }
        }
    }

    /// Reads into `buffer`: the byte count, 0 at EOF, nil when nothing is available (EAGAIN); throws on errors.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        while true {
            let count = LibC.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError("read")
            }
        }
    }

    /// Sends the buffers in order with one `sendmsg` that never raises SIGPIPE: the bytes taken,
    /// 0 on EAGAIN; throws on errors.
    static func send(_ fd: Int32, _ buffers: UnsafeMutableBufferPointer<iovec>) throws -> Int {
        while true {
            let count = sendMessage(fd, buffers)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: throw SocketError("sendmsg")
            }
        }
    }

    /// Closes our sending side so the peer reads EOF after the last response.
    static func shutdownWrite(_ fd: Int32) {
        _ = LibC.shutdown(fd, Int32(SHUT_WR))
    }

    static func close(_ fd: Int32) {
        // Linux releases the descriptor even when close reports EINTR: never retry. A close of a
        // descriptor that is not open means a double close, which can close someone else's socket.
        let closed = LibC.close(fd) == 0 || errno != EBADF
        assert(closed, "closed descriptor \(fd) twice")
    }

    static func port(of address: sockaddr_storage) -> Int {
        var address = address
        switch Int32(address.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default:
            return 0
        }
    }

    private static func setPort(_ address: inout sockaddr_storage, _ port: Int) {
        let networkPort = UInt16(port).bigEndian
        switch Int32(address.ss_family) {
        case AF_INET:
            withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort } }
        case AF_INET6:
            withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort } }
        default:
            break
        }
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `1.2.3.4:80` or `[::1]:80`; IPv4-mapped IPv6 addresses are shown as IPv4.
    static func describe(_ address: sockaddr_storage) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                    var raw = ipv4.pointee.sin_addr
                    inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    return "\(Self.text(text)):\(UInt16(bigEndian: ipv4.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                    var raw = ipv6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    let host = Self.text(text)
                    let port = UInt16(bigEndian: ipv6.pointee.sin6_port)
                    if host.hasPrefix("::ffff:") && host.contains(".") { return "\(host.dropFirst(7)):\(port)" }
                    return "[\(host)]:\(port)"
                }
            }
        default:
            return "unknown"
        }
    }
}
