import Posix

/// What every connection of one server shares: routing, middleware, limits, counters.
final class ServerContext: Sendable {
    let router: Router
    let middleware: [any HTTPMiddleware]
    let limits: HTTPLimits
    let parserLimits: RequestParser.Limits
    let timeouts: ConnectionStateMachine<ContinuousClock>.Timeouts
    let log: HTTPServerLogger?
    let problemRenderer: HTTPProblemRenderer
    /// Who is admitted, counted per client (see `ConnectionAdmission`).
    let admission: Locked<ConnectionAdmission>
    let reservedPaths: Set<String>
    /// A reserved place's head timeout: a probe sends its head at once.
    let reservedTimeouts: ConnectionStateMachine<ContinuousClock>.Timeouts

    init(
        router: Router, middleware: [any HTTPMiddleware], limits: HTTPLimits, log: HTTPServerLogger?,
        reservedPaths: Set<String> = [],
        problemRenderer: @escaping HTTPProblemRenderer = { problem, path in problem.defaultRendering(path: path) }
    ) {
        admission = Locked(ConnectionAdmission(limits))
        self.reservedPaths = reservedPaths
        var reserved = limits
        reserved.headerReadTimeout = min(limits.headerReadTimeout, .seconds(2))
        reservedTimeouts = ConnectionStateMachine<ContinuousClock>.Timeouts(reserved)
        self.problemRenderer = problemRenderer
        self.router = router
        self.middleware = middleware
        self.limits = limits
        parserLimits = RequestParser.Limits(limits)
        timeouts = ConnectionStateMachine<ContinuousClock>.Timeouts(limits)
        self.log = log
    }

    /// Connections open (admitted, on reserved places).
    var connectionCounts: (open: Int, reserved: Int) { admission.withLock { ($0.open, $0.reservedOpen) } }

    /// The answer a connection on a reserved place gets to `head`, unless it is a probe.
    func reservedRejection(_ overflow: ConnectionAdmission.Overflow, head: HTTPRequestHead) -> HTTPResponse? {
        if (head.method == .get || head.method == .head) && reservedPaths.contains(head.path) { return nil }
        switch overflow {
        case .server:
            return .problem(.serviceUnavailable, detail: "the server is at its connection limit; retry later", headers: ["Retry-After": "1"])
        case .client:
            return .problem(
                .tooManyRequests,
                detail: "this client has \(limits.maxConnectionsPerClient) connections open, the most one client may have; close one or retry later",
                headers: ["Retry-After": "1"])
        }
    }

    func log(_ level: HTTPServerLogRecord.Level, _ message: @autoclosure () -> String) {
        log?(HTTPServerLogRecord(level: level, message: message()))
    }

    /// Runs the middleware `handle` chain around the route's handler.
    func respond(to request: HTTPRequest, with route: Route) async -> HTTPResponse {
        await respond(to: request, handler: route.handler, from: middleware.startIndex)
    }

    private func respond(to request: HTTPRequest, handler: @escaping HTTPHandler, from index: Int) async -> HTTPResponse {
        guard index < middleware.endIndex else { return await handler(request) }
        return await middleware[index].handle(request) { request in
            await self.respond(to: request, handler: handler, from: index + 1)
        }
    }

    /// The first screening middleware's response, if any.
    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        for hook in middleware {
            if let response = hook.screen(head) { return response }
        }
        return nil
    }

    /// A problem the server made (`HTTPResponse.problem`) in the application's shape.
    func rendered(_ response: HTTPResponse, head: HTTPRequestHead?) -> HTTPResponse {
        guard let problem = response.problem else { return response }
        var rendered = problemRenderer(problem, problem.path ?? head?.path)
        rendered.problem = nil
        return rendered
    }

    func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead) {
        for hook in middleware { hook.prepare(&response, for: head) }
    }

    func completed(_ exchange: HTTPExchange) {
        for hook in middleware { hook.completed(exchange) }
    }

    /// The answer to a routed head that reached no handler: 404, 405 or automatic OPTIONS.
    /// Any method a path has no route for gets 405 with `Allow`, also a token this server has
    /// never heard of (QUERY, BREW): the resource exists and the client learns what it takes,
    /// as nginx answers, and no client or API checker mistakes it for a server error (5xx).
    static func unroutedResponse(_ match: Router.Match, head: HTTPRequestHead) -> HTTPResponse? {
        let method = head.method
        switch match {
        case .found:
            return nil
        case .methodNotAllowed(let allowed):
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            if method == .options { return HTTPResponse(status: .noContent, headers: ["Allow": allow]) }
            return .problem(
                .methodNotAllowed, detail: "\(method) is not allowed on \(head.path); allowed: \(allow)",
                headers: ["Allow": allow])
        case .notFound:
            if method == .options && head.target == "*" {
                let allow = HTTPMethod.known.filter { $0 != .connect && $0 != .trace }.map(\.rawValue).joined(separator: ", ")
                return HTTPResponse(status: .noContent, headers: ["Allow": allow])
            }
            return .problem(.notFound, detail: "no resource at \(head.path)")
        }
    }
}
