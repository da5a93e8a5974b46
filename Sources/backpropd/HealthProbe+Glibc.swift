#if canImport(Glibc)
import Glibc

/// Linux: the probe's socket is non-blocking and close-on-exec from the start; sends pass MSG_NOSIGNAL.
extension HealthProbe {
    static let streamType = Int32(SOCK_STREAM.rawValue)

    static func openSocket(family: Int32) -> Int32 {
        socket(family, streamType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    static func startConnecting(_ descriptor: Int32, to address: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> Int32 {
        cConnect(descriptor, address, length)
    }

    static func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        cSend(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
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
