import Posix

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
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        do throws(ClientSocket.Failure) {
            let socket = try ClientSocket(host: host, port: port, before: deadline)
            let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            let request = "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: backpropd-healthcheck\r\nConnection: close\r\n\r\n"
            try socket.send(Array(request.utf8), before: deadline)
            return readStatus(from: socket, before: deadline)
        } catch {
            return .failure(Failure(description: error.timedOut ? "\(error.operation) timed out" : error.description))
        }
    }

    /// Reads until the status line is complete and returns its code.
    private func readStatus(from socket: ClientSocket, before deadline: Deadline) -> Result<Int, Failure> {
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")) {
            guard received.count < 8192 else { return .failure(Failure(description: "status line too long")) }
            do throws(ClientSocket.Failure) {
                let bytes = try socket.receive(upTo: 1024, before: deadline)
                guard !bytes.isEmpty else { return .failure(Failure(description: "connection closed before a response")) }
                received += bytes
            } catch {
                return .failure(Failure(description: error.timedOut ? "no response in time" : error.description))
            }
        }
        let line = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            return .failure(Failure(description: "not an HTTP response: \"\(line.prefix(80))\""))
        }
        return .success(code)
    }
}
