import Foundation
import Glibc
import Posix
import TestSupport

@testable import HTTPServer

/// Starts a server on 127.0.0.1 and an ephemeral port, runs `body`, then shuts it down.
@discardableResult
func withServer<T>(
    router: Router, middleware: [any HTTPMiddleware] = [], host: String = "127.0.0.1",
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, Int) async throws -> T
) async throws -> T {
    var configuration = HTTPServerConfiguration(host: host, port: 0)
    configuration.ioQueues = 2
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, router: router, middleware: middleware)
    let port = try server.start()
    do {
        let result = try await body(server, port)
        await server.shutdown(gracePeriod: .seconds(2))
        return result
    } catch {
        await server.shutdown(gracePeriod: .seconds(2))
        throw error
    }
}

/// Limits small enough that timeout tests finish in about a second.
func quickLimits() -> HTTPLimits {
    var limits = HTTPLimits()
    limits.headerReadTimeout = .milliseconds(400)
    limits.bodyReadTimeout = .milliseconds(400)
    limits.idleTimeout = .milliseconds(400)
    limits.writeTimeout = .milliseconds(400)
    limits.lingerTimeout = .milliseconds(400)
    return limits
}

/// A router with the routes most tests use.
func demoRouter() -> Router {
    var router = Router()
    router.get("/hello") { _ in HTTPResponse(headers: ["Content-Type": "text/plain"], bytes: Array("hello".utf8)) }
    router.get("/runs/{id}") { request in
        HTTPResponse(headers: ["Content-Type": "text/plain"], bytes: Array("run \(request.pathParameters["id"] ?? "?")".utf8))
    }
    router.post("/echo") { request in
        HTTPResponse(headers: ["Content-Type": "application/octet-stream"], bytes: request.body)
    }
    router.get("/query") { request in
        HTTPResponse(bytes: Array("q=\(request.queryValue("q") ?? "nil")".utf8))
    }
    router.get("/stream") { _ in
        HTTPResponse(
            headers: ["Content-Type": "text/event-stream"],
            body: .stream { writer in
                for index in 0..<3 { try await writer.write("data: \(index)\n\n") }
            })
    }
    router.get("/empty", execution: .ioQueue) { _ in HTTPResponse(status: .noContent) }
    return router
}
