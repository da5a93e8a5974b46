import Foundation
import Glibc
@testable import HTTPServer

/// Starts a server on 127.0.0.1 and an ephemeral port, runs `body`, then shuts it down.
@discardableResult
func withServer<T>(router: Router, middleware: [any HTTPMiddleware] = [], host: String = "127.0.0.1",
                   configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                   _ body: (HTTPServer, Int) async throws -> T) async throws -> T {
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
        HTTPResponse(headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
            for index in 0..<3 { try await writer.write("data: \(index)\n\n") }
        })
    }
    router.get("/empty", execution: .ioQueue) { _ in HTTPResponse(status: .noContent) }
    return router
}

/// Runs a command, returning its exit status and standard output.
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { throw RawClient.Failure(description: "pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    close(pipe[1])
    guard spawned == 0 else {
        close(pipe[0])
        throw RawClient.Failure(description: "cannot run \(arguments[0]): \(spawned)")
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(pipe[0], &chunk, chunk.count)
        if count <= 0 { break }
        output += chunk[0..<count]
    }
    close(pipe[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
}

/// Runs blocking client code on its own thread, so it never occupies one of the few threads of
/// Swift's cooperative pool that `.concurrent` handlers need (that could deadlock on 2 cores).
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Polls `condition` every 10 ms for up to `seconds`: for effects that happen on the server's
/// queues shortly after the client observed its answer.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<Int(seconds * 100) {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
