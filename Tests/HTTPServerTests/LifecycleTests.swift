import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Graceful shutdown, rebinding, resets from clients.
@Suite struct LifecycleTests {
    static func router(cancelled: Counter? = nil) -> Router {
        var router = demoRouter()
        router.get("/sleep") { request in
            let milliseconds = Int(request.queryValue("ms") ?? "0") ?? 0
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                cancelled?.increment()
            }
            return HTTPResponse(bytes: Array("slept".utf8))
        }
        return router
    }

    @Test func shutdownLetsAnInFlightRequestFinishWithConnectionClose() async throws {
        let started = Counter()
        let release = AsyncStream<Void>.makeStream()
        var router = Self.router()
        router.get("/held") { _ in
            started.increment()
            for await _ in release.stream { break }
            return HTTPResponse(bytes: Array("released".utf8))
        }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.ioQueues = 1
        let server = HTTPServer(configuration: configuration, router: router)
        let port = try server.start()
        let client = try await offPool { () -> RawClient in
            let client = try RawClient(port: port)
            try client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
            return client
        }
        #expect(await eventually { started.count == 1 })
        async let stopped: Void = server.shutdown(gracePeriod: .seconds(30))
        // Shutdown closes the listener first, then tells the loop; the handler's answer is queued
        // on the same loop after that, so it must carry Connection: close.
        #expect(await eventually { (try? RawClient(port: port)) == nil }, "no longer accepting")
        release.continuation.finish()
        let answered = try await offPool { try client.readResponse() }
        await stopped
        #expect(answered.text == "released")
        #expect(answered.headers["Connection"] == "close")
        #expect(server.connectionCount == 0)
    }

    @Test func afterTheGracePeriodHandlersAreCancelledAndConnectionsClosed() async throws {
        let cancelled = Counter()
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: Self.router(cancelled: cancelled))
        let port = try server.start()
        let client = try await offPool { () -> RawClient in
            let client = try RawClient(port: port)
            try client.send("GET /sleep?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
            return client
        }
        try await Task.sleep(for: .milliseconds(50))
        await server.shutdown(gracePeriod: .milliseconds(200))
        #expect(server.connectionCount == 0)
        #expect(try await offPool { try client.readToEnd() }.isEmpty, "closed without a response")
        #expect(await eventually { cancelled.count == 1 }, "the handler's task was cancelled")
    }

    @Test func theClientClosingCancelsItsPendingHandler() async throws {
        let cancelled = Counter()
        try await withServer(router: Self.router(cancelled: cancelled)) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /sleep?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(await eventually { cancelled.count == 1 })
        }
    }

    @Test func theSamePortCanBeBoundAgainRightAfterShutdown() async throws {
        let first = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: Self.router())
        let port = try first.start()
        try await offPool {
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            _ = try client.readResponse()
            #expect(client.isClosedByServer(), "the server closed first, leaving TIME_WAIT on its port")
        }
        await first.shutdown()
        let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), router: Self.router())
        #expect(try second.start() == port, "SO_REUSEADDR")
        await second.shutdown()
    }

    @Test func aResetFromTheClientMidResponseDoesNotHurtTheServer() async throws {
        let big = [UInt8](repeating: 0x7A, count: 8 << 20)
        var router = Self.router()
        router.get("/big") { _ in HTTPResponse(bytes: big) }
        try await withServer(router: router) { server, port in
            try await offPool {
                for _ in 0..<5 {
                    let client = try RawClient(port: port, receiveBuffer: 4096)
                    try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
                    client.resetOnClose()
                }
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test func startRaisesTheOpenFileSoftLimitToTheHardLimit() async throws {
        try await withServer(router: Self.router()) { _, _ in
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            #expect(limit.rlim_cur == min(limit.rlim_max, 1 << 20))
        }
    }

    @Test func aSecondStartThrows() async throws {
        try await withServer(router: Self.router()) { server, _ in
            #expect(throws: SocketError.self) { try server.start() }
        }
    }

    @Test func bindingABusyPortThrows() async throws {
        try await withServer(router: Self.router()) { _, port in
            let other = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), router: Self.router())
            #expect(throws: SocketError.self) { try other.start() }
        }
    }
}
