#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.1 GET over a plain socket with an overall deadline: just enough client for
/// `backpropd healthcheck`, so the image needs no curl.
struct HealthProbe {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let host: String
    let port: Int
    let path: String
    let timeoutSeconds: Int

    var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)" }

    /// The response's status code, or why there is none.
    func check() -> Result<Int, Failure> {
        let deadline = Self.now() + Double(timeoutSeconds)
        do {
            let descriptor = try connect(before: deadline)
            defer { close(descriptor) }
            let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            let request = "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: backpropd-healthcheck\r\nConnection: close\r\n\r\n"
            try send(Array(request.utf8), on: descriptor, before: deadline)
            return .success(try readStatus(from: descriptor, before: deadline))
        } catch {
            return .failure(error)
        }
    }

    private func connect(before deadline: Double) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Self.streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = Self.openSocket(family: address.pointee.ai_family)
            guard descriptor >= 0 else { lastError = Self.errorText(); continue }
            if Self.startConnecting(descriptor, to: address.pointee.ai_addr, length: address.pointee.ai_addrlen) == 0 { return descriptor }
            if errno == EINPROGRESS, wait(for: Int16(POLLOUT), on: descriptor, before: deadline) {
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if socketError == 0 { return descriptor }
                lastError = String(cString: strerror(socketError))
            } else if errno != EINPROGRESS {
                lastError = Self.errorText()
            } else {
                lastError = "connect timed out"
            }
            close(descriptor)
        }
        throw Failure(description: lastError)
    }

    private func send(_ bytes: [UInt8], on descriptor: Int32, before deadline: Double) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Self.sendWithoutSignal(descriptor, $0) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EAGAIN, wait(for: Int16(POLLOUT), on: descriptor, before: deadline) {
                continue
            } else {
                throw Failure(description: written < 0 && errno != EAGAIN ? "send: \(Self.errorText())" : "send timed out")
            }
        }
    }

    /// Reads until the status line is complete and returns its code.
    private func readStatus(from descriptor: Int32, before deadline: Double) throws(Failure) -> Int {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !received.contains(UInt8(ascii: "\n")) {
            guard received.count < 8192 else { throw Failure(description: "status line too long") }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 {
                throw Failure(description: "connection closed before a response")
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN, wait(for: Int16(POLLIN), on: descriptor, before: deadline) {
                continue
            } else {
                throw Failure(description: errno == EAGAIN ? "no response in time" : "recv: \(Self.errorText())")
            }
        }
        let line = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            throw Failure(description: "not an HTTP response: \"\(line.prefix(80))\"")
        }
        return code
    }

    /// Waits for `events` until the deadline; false when it passed.
    private func wait(for events: Int16, on descriptor: Int32, before deadline: Double) -> Bool {
        while true {
            let remaining = Int32(max(0, (deadline - Self.now()) * 1000))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, remaining)
            if ready > 0 { return true }
            if ready == 0 || errno != EINTR { return false }
        }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
