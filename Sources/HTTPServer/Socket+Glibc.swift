#if canImport(Glibc)
import Glibc

/// Linux: sockets are created and accepted non-blocking and close-on-exec in one call each, and
/// sends pass MSG_NOSIGNAL.
extension Socket {
    static let streamType = Int32(SOCK_STREAM.rawValue)

    /// A non-blocking, close-on-exec TCP socket (-1 and errno on failure).
    static func openStream(family: Int32) -> Int32 {
        Glibc.socket(family, streamType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// Glibc's Swift module leaves out the GNU extensions (no `_GNU_SOURCE`), `accept4` among
    /// them, so it is looked up once in the C library itself.
    private static let accept4: Accept4? = dlsym(nil, "accept4").map { unsafeBitCast($0, to: Accept4.self) }

    /// `accept4` with SOCK_NONBLOCK | SOCK_CLOEXEC: no window in which a child process could
    /// inherit the socket, and two system calls fewer than `accept` + `fcntl`.
    static func acceptConnection(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
        if let accept4 {
            return accept4(listener, address, length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        }
        let fd = Glibc.accept(listener, address, length)
        if fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return fd
    }

    /// One `sendmsg` with MSG_NOSIGNAL: a peer that went away gives EPIPE, never SIGPIPE.
    static func sendMessage(_ fd: Int32, _ buffers: UnsafeMutableBufferPointer<iovec>) -> Int {
        var message = msghdr()
        message.msg_iov = buffers.baseAddress
        message.msg_iovlen = buffers.count
        return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
    }
}

/// The libc calls whose names `Socket`'s own methods shadow.
enum LibC {
    static var errno: Int32 { Glibc.errno }
    static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
    static func bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 { Glibc.bind(fd, address, length) }
    static func listen(_ fd: Int32, _ backlog: Int32) -> Int32 { Glibc.listen(fd, backlog) }
    static func shutdown(_ fd: Int32, _ how: Int32) -> Int32 { Glibc.shutdown(fd, how) }
}
#endif
