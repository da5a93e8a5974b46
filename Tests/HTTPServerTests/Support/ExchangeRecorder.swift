import Posix

@testable import HTTPServer

/// Middleware that records every completed exchange.
final class ExchangeRecorder: HTTPMiddleware {
    private let records = Locked<[HTTPExchange]>([])

    func completed(_ exchange: HTTPExchange) {
        records.withLock { $0.append(exchange) }
    }

    var all: [HTTPExchange] { records.withLock { $0 } }

    /// Waits (up to 5 s) until at least `count` exchanges completed.
    func waitForCount(_ count: Int) async -> [HTTPExchange] {
        for _ in 0..<500 where all.count < count {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return all
    }
}
