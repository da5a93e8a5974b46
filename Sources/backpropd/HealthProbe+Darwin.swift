#if canImport(Darwin)
import Darwin

/// Darwin: no SOCK_NONBLOCK, SOCK_CLOEXEC or MSG_NOSIGNAL; `fcntl` and SO_NOSIGPIPE instead.
extension HealthProbe {
    static let streamType = SOCK_STREAM

    static func openSocket(family: Int32) -> Int32 {
        let descriptor = socket(family, streamType, 0)
        guard descriptor >= 0 else { return descriptor }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    static func startConnecting(_ descriptor: Int32, to address: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> Int32 {
        cConnect(descriptor, address, length)
    }

    static func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        cSend(descriptor, bytes.baseAddress, bytes.count, 0)
    }
}

// At file scope, where `connect` and `send` are the C library's and not HealthProbe's methods.
private func cConnect(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}

private func cSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(descriptor, bytes, count, flags)
}
#endif
