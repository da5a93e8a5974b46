#if canImport(Darwin)
import Darwin

/// Darwin: no SOCK_NONBLOCK, SOCK_CLOEXEC or MSG_NOSIGNAL; `fcntl` and SO_NOSIGPIPE instead.
extension ClientSocket {
    static let streamType = SOCK_STREAM

    static func openStream(family: Int32) -> Int32 {
        let descriptor = socket(family, streamType, 0)
        guard descriptor >= 0 else { return descriptor }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    static func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        Darwin.send(descriptor, bytes.baseAddress, bytes.count, 0)
    }
}
#endif
