import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Every rejection gets a response (then a close where framing is unreliable), over raw sockets.
@Suite struct RejectionTests {
    static let cases: [RequestCase] = [
        RequestCase(name: "bad request line", request: "GET /\r\nHost: x\r\n\r\n", status: 400),
        RequestCase(name: "bad header", request: "GET / HTTP/1.1\r\nHost: x\r\nBad\u{1}Name: y\r\n\r\n", status: 400),
        RequestCase(name: "obs-fold", request: "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n", status: 400),
        RequestCase(name: "whitespace before colon", request: "GET / HTTP/1.1\r\nHost : x\r\n\r\n", status: 400),
        RequestCase(name: "bare CR", request: "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", status: 400),
        RequestCase(
            name: "Content-Length and Transfer-Encoding",
            request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        RequestCase(
            name: "differing Content-Length",
            request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", status: 400),
        RequestCase(name: "chunked not last", request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n", status: 400),
        RequestCase(name: "missing Host", request: "GET /hello HTTP/1.1\r\n\r\n", status: 400),
        RequestCase(
            name: "unknown transfer coding", request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br, chunked\r\n\r\n", status: 501),
        RequestCase(name: "bad version", request: "GET /hello HTTP/3.0\r\nHost: x\r\n\r\n", status: 505),
        RequestCase(name: "URI too long", request: "GET /" + String(repeating: "u", count: 300) + " HTTP/1.1\r\nHost: x\r\n\r\n", status: 414),
        RequestCase(
            name: "headers too large", request: "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "h", count: 2000) + "\r\n\r\n", status: 431),
        RequestCase(name: "body too large", request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", status: 413),
        RequestCase(
            name: "unknown expectation", request: "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", status: 417),
    ]

    static func limits() -> HTTPLimits {
        var limits = HTTPLimits()
        limits.maxURIBytes = 256
        limits.maxHeaderBytes = 1024
        limits.maxBodyBytes = 1000
        return limits
    }

    @Test(arguments: cases)
    func answersThenCloses(_ testCase: RequestCase) async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = Self.limits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send(testCase.request)
                let response = try client.readResponse()
                #expect(response.status == testCase.status)
                #expect(response.headers["Connection"] == "close")
                #expect(response.headers["Content-Type"] == "application/problem+json")
                #expect(response.text.contains("\"status\":\(testCase.status)"))
                #expect(client.isClosedByServer())
            }
        }
    }

    @Test func a413ReachesAClientThatKeepsSendingItsBody() async throws {
        try await withServer(router: demoRouter(), configure: { $0.limits = Self.limits() }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n")
                // Keep sending the body the server refused: the server reads and discards it while
                // lingering, so the 413 is not destroyed by a reset.
                let chunk = [UInt8](repeating: 0x61, count: 20000)
                for _ in 0..<5 { try client.send(chunk) }
                let response = try client.readResponse()
                #expect(response.status == 413)
            }
        }
    }

    @Test func over_the_connection_limit_a_client_gets_503() async throws {
        var limits = HTTPLimits()
        limits.maxConnections = 2
        try await withServer(router: demoRouter(), configure: { $0.limits = limits }) { server, port in
            try await offPool {
                let first = try RawClient(port: port)
                let second = try RawClient(port: port)
                for client in [first, second] {
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                }
                // Over the limit a connection takes a reserved place: its request is read (it
                // might be a probe, see ConnectionAdmissionTests) and anything else gets 503.
                let third = try RawClient(port: port)
                try third.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let refused = try third.readResponse()
                #expect(refused.status == 503)
                #expect(refused.headers["Retry-After"] == "1")
                #expect(third.isClosedByServer())
                try first.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try first.readResponse().status == 200, "the open connections are unaffected")
            }
            #expect(server.connectionCount <= 2)
        }
    }
}
