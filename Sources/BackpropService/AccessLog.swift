import HTTPServer
import Posix

/// Gives every response an `X-Request-Id` (the client's, when it sent a sane one) and, once the
/// response is written, logs one access line and records the request metrics.
struct AccessLog: HTTPMiddleware {
    let log: Logger
    let metrics: ServiceMetrics

    func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead) {
        let id = head.headers["X-Request-Id"].flatMap(Self.acceptable) ?? Self.randomID()
        response.headers["X-Request-Id"] = id
    }

    /// 128 random bits, like a run id: a counter would tell any client how busy the server is.
    static func randomID() -> String { RunID().description }

    func completed(_ exchange: HTTPExchange) {
        let seconds = Double(exchange.duration.components.seconds) + Double(exchange.duration.components.attoseconds) / 1e18
        metrics.recordRequest(
            route: exchange.routePattern ?? (exchange.head == nil ? "rejected" : "unmatched"),
            code: exchange.status.code, seconds: seconds)
        guard log.level <= .info else { return }
        var fields: [(String, any LogValue)] = [
            ("method", exchange.head?.method.rawValue ?? "-"),
            ("path", exchange.head?.path ?? "-"),
            ("status", exchange.status.code),
            ("bytes", exchange.responseBodyBytes),
            ("duration_ms", (seconds * 1e6).rounded() / 1e3),
            ("request_id", exchange.responseHeaders["X-Request-Id"] ?? "-"),
            ("remote", exchange.remoteAddress),
        ]
        if !exchange.finished { fields.append(("aborted", true)) }
        log.info("http", fields)
    }

    private static func acceptable(_ id: String) -> String? {
        guard (1...128).contains(id.utf8.count),
            id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") })
        else { return nil }
        return id
    }
}
