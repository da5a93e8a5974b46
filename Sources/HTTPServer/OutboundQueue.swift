#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Response bytes the kernel has not taken yet, in order. Bodies are kept by reference
/// (arrays are copy-on-write), so queueing a large response copies nothing.
struct OutboundQueue {
    private var buffers: [[UInt8]] = []
    /// How much of `buffers[0]` was already sent.
    private var sentOfFirst = 0
    private(set) var pendingBytes = 0

    var isEmpty: Bool { pendingBytes == 0 }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        buffers.append(bytes)
        pendingBytes += bytes.count
    }

    /// Queues what the kernel did not take of `bytes` (its first `sent` bytes went out); the queue must be empty.
    mutating func appendRemainder(of bytes: [UInt8], sent: Int) {
        precondition(isEmpty, "a partly sent buffer must be first in the queue")
        guard sent < bytes.count else { return }
        buffers = [bytes]
        sentOfFirst = sent
        pendingBytes = bytes.count - sent
    }

    /// Sends as much as the kernel takes (one `sendmsg` of up to 16 buffers per round):
    /// the bytes sent; stops at EAGAIN. Throws when the connection failed.
    mutating func flush(to fd: Int32) throws -> Int {
        var total = 0
        while pendingBytes > 0 {
            let sent = try withIOVectors { try Socket.send(fd, $0) }
            guard sent > 0 else { break }
            consume(sent)
            total += sent
        }
        return total
    }

    private mutating func consume(_ count: Int) {
        var rest = count
        pendingBytes -= count
        while rest > 0 {
            let available = buffers[0].count - sentOfFirst
            if rest >= available {
                rest -= available
                buffers.removeFirst()
                sentOfFirst = 0
            } else {
                sentOfFirst += rest
                rest = 0
            }
        }
        if buffers.isEmpty { buffers = [] }
    }

    private func withIOVectors<R>(_ body: (UnsafeMutableBufferPointer<iovec>) throws -> R) rethrows -> R {
        let count = min(buffers.count, 16)
        return try withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { vectors in
            try Self.withPinned(buffers[0..<count], sentOfFirst: sentOfFirst, into: vectors, at: 0, body)
        }
    }

    /// Pins each buffer's storage for the duration of the call (nested, since `withUnsafeBytes` is scoped).
    private static func withPinned<R>(
        _ buffers: ArraySlice<[UInt8]>, sentOfFirst: Int, into vectors: UnsafeMutableBufferPointer<iovec>,
        at index: Int, _ body: (UnsafeMutableBufferPointer<iovec>) throws -> R
    ) rethrows -> R {
        guard let first = buffers.first else { return try body(vectors) }
        return try first.withUnsafeBytes { raw in
            let skip = index == 0 ? sentOfFirst : 0
            vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress! + skip), iov_len: raw.count - skip)
            return try withPinned(buffers.dropFirst(), sentOfFirst: sentOfFirst, into: vectors, at: index + 1, body)
        }
    }
}
