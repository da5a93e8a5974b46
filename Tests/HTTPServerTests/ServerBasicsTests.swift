import Foundation
import TestSupport
import Testing

@testable import HTTPServer

@Suite struct ServerBasicsTests {
    @Test func portZeroBindsAnEphemeralPortAndReportsIt() async throws {
        try await withServer(router: demoRouter()) { server, port in
            #expect(port > 0)
            #expect(server.port == port)
            #expect(server.addresses == ["127.0.0.1:\(port)"])
        }
    }

    @Test func routesWithParametersAndKeepsTheConnectionAlive() async throws {
        try await withServer(router: demoRouter()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /runs/r%20one HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = try client.readResponse()
                #expect(first.status == 200)
                #expect(first.text == "run r one")
                #expect(first.headers["Date"] != nil)
                #expect(first.headers["Server"] == "backpropd")
                #expect(first.headers["Connection"] == nil)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let second = try client.readResponse()
                #expect(second.status == 200)
                #expect(second.text == "hello")
            }
        }
    }

    @Test func streamsAChunkedBody() async throws {
        try await withServer(router: demoRouter()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.headers["Transfer-Encoding"] == "chunked")
                #expect(response.text == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    @Test func echoesABodyByContentLength() async throws {
        try await withServer(router: demoRouter()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
                #expect(try client.readResponse().text == "hello world")
            }
        }
    }

    @Test func shutdownClosesIdleConnectionsAndStopsAccepting() async throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.ioQueues = 1
        let server = HTTPServer(configuration: configuration, router: demoRouter())
        let port = try server.start()
        let client = try await offPool { () -> RawClient in
            let client = try RawClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try client.readResponse()
            return client
        }
        await server.shutdown(gracePeriod: .seconds(2))
        #expect(server.connectionCount == 0)
        #expect(try await offPool { client.isClosedByServer() })
        #expect(throws: (any Error).self) { try RawClient(port: port) }
    }
}
