import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Header, body, idle and write timeouts over raw sockets, with timeouts of 400 ms so the
/// suite stays fast. Assertions are about outcomes, never about how long things took.
@Suite struct TimeoutTests {
    @Test func aHalfSentHeadGets408AfterTheHeaderTimeout() async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = quickLimits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(response.headers["Connection"] == "close")
                #expect(client.isClosedByServer())
            }
        }
    }

    @Test func aHalfSentBodyGets408AfterTheBodyTimeout() async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = quickLimits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(response.text.contains("request body"))
                #expect(client.isClosedByServer())
            }
        }
    }

    @Test func aConnectionThatSendsNothingIsClosedSilently() async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = quickLimits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                #expect(try client.readToEnd().isEmpty)
            }
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedSilently() async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = quickLimits() }) { server, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                #expect(try client.readToEnd().isEmpty)
            }
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test func hundredsOfHalfHeadersDoNotStopANewClientAndAreClosedByTheHeaderTimeout() async throws {
        var limits = quickLimits()
        limits.headerReadTimeout = .seconds(1)
        try await withServer(router: demoRouter(), configure: { $0.limits = limits }) { server, port in
            try await offPool {
                var slowClients: [RawClient] = []
                for _ in 0..<300 {
                    let client = try RawClient(port: port)
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nUser-Agent: slo")
                    slowClients.append(client)
                }
                let fresh = try RawClient(port: port)
                try fresh.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try fresh.readResponse().text == "hello")
                var timedOut = 0
                for client in slowClients where (try? client.readResponse().status) == 408 && client.isClosedByServer() {
                    timedOut += 1
                }
                #expect(timedOut == 300)
            }
            #expect(await eventually { server.connectionCount == 0 }, "all 301 connections were closed")
        }
    }

    @Test func aClientThatStopsReadingIsDisconnectedAfterTheWriteTimeout() async throws {
        let big = [UInt8](repeating: 0x62, count: 32 << 20)
        var router = Router()
        router.get("/big") { _ in HTTPResponse(bytes: big) }
        let exchanges = ExchangeRecorder()
        try await withServer(router: router, middleware: [exchanges], configure: { $0.limits = quickLimits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port, receiveBuffer: 4096)
                try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 1.5)
                let received = try client.readToEnd()
                #expect(received.count < big.count, "the server gave up before sending everything")
            }
            let record = try #require(await exchanges.waitForCount(1).first)
            #expect(record.finished == false)
            #expect(record.status == .ok)
        }
    }
}
