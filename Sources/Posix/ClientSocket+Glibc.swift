#if canImport(Glibc)
import Glibc

/// Linux: the socket is non-blocking and close-on-exec from the start; sends pass MSG_NOSIGNAL.
extension ClientSocket {
    static let streamType = Int32(SOCK_STREAM.rawValue)

    static func openStream(family: Int32) -> Int32 {
        socket(family, streamType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    static func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    }
}
#endif
