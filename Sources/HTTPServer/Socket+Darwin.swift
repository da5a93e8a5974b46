#if canImport(Darwin)
import Darwin

/// Darwin has no SOCK_NONBLOCK, SOCK_CLOEXEC, accept4 or MSG_NOSIGNAL: the flags are set with
/// `fcntl` and SIGPIPE is turned off per socket with SO_NOSIGPIPE.
extension Socket {
    static let streamType = SOCK_STREAM

    /// A non-blocking, close-on-exec TCP socket that never raises SIGPIPE (-1 and errno on failure).
    static func openStream(family: Int32) -> Int32 {
        let fd = Darwin.socket(family, streamType, 0)
        if fd >= 0 { configure(fd) }
        return fd
    }

    static func acceptConnection(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
        let fd = Darwin.accept(listener, address, length)
        if fd >= 0 { configure(fd) }
        return fd
    }

    private static func configure(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// One `sendmsg` (SO_NOSIGPIPE is set on every socket).
    static func sendMessage(_ fd: Int32, _ buffers: UnsafeMutableBufferPointer<iovec>) -> Int {
        var message = msghdr()
        message.msg_iov = buffers.baseAddress
        message.msg_iovlen = Int32(buffers.count)
        return sendmsg(fd, &message, 0)
    }
}

/// The libc calls whose names `Socket`'s own methods shadow.
enum LibC {
    static var errno: Int32 { Darwin.errno }
    static func close(_ fd: Int32) -> Int32 { Darwin.close(fd) }
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
    static func bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 { Darwin.bind(fd, address, length) }
    static func listen(_ fd: Int32, _ backlog: Int32) -> Int32 { Darwin.listen(fd, backlog) }
    static func shutdown(_ fd: Int32, _ how: Int32) -> Int32 { Darwin.shutdown(fd, how) }
}
#endif
