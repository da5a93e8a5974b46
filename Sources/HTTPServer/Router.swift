/// Where a route's handler (and the middleware `handle` around it) runs.
public enum HTTPHandlerExecution: Sendable, Hashable {
    /// The default: a task on Swift's global concurrent executor, off the I/O queues. Right for
    /// any handler that computes, touches disk, takes locks or may block in any way.
    case concurrent
    /// A task on the connection's own serial I/O queue: a handler that answers without
    /// suspending runs and is written out in the same turn of the queue, with no thread hop
    /// (see BENCHMARKS.md). Only for handlers that never block and return within microseconds,
    /// such as serving a cached representation; awaiting is fine (it frees the queue), computing
    /// or blocking is not, because every connection on that queue waits meanwhile.
    case ioQueue
}

/// A registered handler.
struct Route: Sendable {
    let method: HTTPMethod
    let pattern: String
    let execution: HTTPHandlerExecution
    let handler: HTTPHandler
}

/// Method + path-pattern routing. Patterns are literal segments and whole-segment `{name}`
/// parameters (`/runs/{id}/events`); a literal segment wins over a parameter. A GET route also
/// answers HEAD (the body is dropped, the headers kept); OPTIONS is answered with `Allow`
/// unless routed explicitly; a known path with another method gets 405 with `Allow`.
public struct Router: Sendable {
    private struct Entry: Sendable {
        let pattern: RoutePattern
        /// A short list: cheaper to scan than to hash the method.
        var routes: [Route]

        func route(for method: HTTPMethod) -> Route? {
            routes.first { $0.method == method }
        }
    }

    private var entries: [Entry] = []

    public init() {}

    /// Registers `handler`; registering the same method and pattern twice is a programming error.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, execution: HTTPHandlerExecution = .concurrent,
        _ handler: @escaping HTTPHandler
    ) {
        let parsed = RoutePattern(pattern)
        let route = Route(method: method, pattern: pattern, execution: execution, handler: handler)
        if let index = entries.firstIndex(where: { $0.pattern == parsed }) {
            precondition(entries[index].route(for: method) == nil, "route registered twice: \(method) \(pattern)")
            entries[index].routes.append(route)
        } else {
            let position = entries.firstIndex { parsed.isMoreSpecific(than: $0.pattern) } ?? entries.endIndex
            entries.insert(Entry(pattern: parsed, routes: [route]), at: position)
        }
    }

    public mutating func get(_ pattern: String, execution: HTTPHandlerExecution = .concurrent, _ handler: @escaping HTTPHandler) {
        add(.get, pattern, execution: execution, handler)
    }

    public mutating func post(_ pattern: String, execution: HTTPHandlerExecution = .concurrent, _ handler: @escaping HTTPHandler) {
        add(.post, pattern, execution: execution, handler)
    }

    public mutating func put(_ pattern: String, execution: HTTPHandlerExecution = .concurrent, _ handler: @escaping HTTPHandler) {
        add(.put, pattern, execution: execution, handler)
    }

    public mutating func delete(_ pattern: String, execution: HTTPHandlerExecution = .concurrent, _ handler: @escaping HTTPHandler) {
        add(.delete, pattern, execution: execution, handler)
    }

    public mutating func patch(_ pattern: String, execution: HTTPHandlerExecution = .concurrent, _ handler: @escaping HTTPHandler) {
        add(.patch, pattern, execution: execution, handler)
    }

    /// The outcome of routing one request.
    enum Match: Sendable {
        case found(Route, parameters: [String: String])
        /// The path exists with other methods; answer 405 (or 204 to OPTIONS) with this `Allow`.
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    /// Routes `method` on `rawPath`, the path as sent (percent-encoded, no query).
    func match(_ method: HTTPMethod, rawPath: Substring) -> Match {
        rawPath.utf8.withContiguousStorageIfAvailable { match(method, path: $0) }
            ?? Array(rawPath.utf8).withUnsafeBufferPointer { match(method, path: $0) }
    }

    private func match(_ method: HTTPMethod, path: UnsafeBufferPointer<UInt8>) -> Match {
        var allowed: [HTTPMethod] = []
        for entry in entries {
            guard let parameters = entry.pattern.match(path: path) else { continue }
            if let route = entry.route(for: method) ?? (method == .head ? entry.route(for: .get) : nil) {
                return .found(route, parameters: parameters)
            }
            for candidate in entry.routes.map(\.method) where !allowed.contains(candidate) { allowed.append(candidate) }
        }
        guard !allowed.isEmpty else { return .notFound }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        if !allowed.contains(.options) { allowed.append(.options) }
        return .methodNotAllowed(allowed: allowed.sorted { $0.rawValue < $1.rawValue })
    }
}
