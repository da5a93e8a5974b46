import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Keep-alive, pipelining, chunked bodies, 100-continue and HEAD over raw sockets.
@Suite struct ConnectionTests {
    static func router() -> Router {
        var router = demoRouter()
        router.get("/slow") { request in
            try? await Task.sleep(for: .milliseconds(Int(request.queryValue("ms") ?? "0") ?? 0))
            return HTTPResponse(bytes: Array("slow \(request.queryValue("ms") ?? "")".utf8))
        }
        router.get("/not-modified") { _ in HTTPResponse(status: .notModified, headers: ["ETag": "\"1\""], bytes: Array("x".utf8)) }
        router.post("/close") { _ in HTTPResponse(headers: ["Connection": "close"], bytes: Array("bye".utf8)) }
        return router
    }

    @Test func keepsAliveAcrossManyRequests() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                for index in 0..<20 {
                    try client.send("GET /runs/\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().text == "run \(index)")
                }
            }
        }
    }

    @Test func answersPipelinedRequestsInOrderEvenWhenTheFirstIsSlowest() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send(
                    "GET /slow?ms=150 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\npipeGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "slow 150")
                #expect(try client.readResponse().text == "slow 0")
                #expect(try client.readResponse().text == "pipe")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    @Test func aPipelinedFloodIsAnsweredInOrderWithoutLoss() async throws {
        // The sender never waits for answers: the server must stop reading (its pipelined buffer is
        // bounded by maxPipelinedBytes) rather than buffer everything, and lose nothing.
        try await withServer(router: Self.router()) { _, port in
            let client = try RawClient(port: port)
            let count = 3000
            async let sent: Void = offPool {
                for batch in stride(from: 0, to: count, by: 100) {
                    try client.send((batch..<batch + 100).map { "GET /runs/\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
                }
            }
            let answers = try await offPool { try (0..<count).map { _ in try client.readResponse().text } }
            try await sent
            #expect(answers == (0..<count).map { "run \($0)" })
        }
    }

    @Test func decodesAChunkedRequestBody() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                try client.send("5;ext=1\r\nhello\r\n")
                try client.send("6\r\n world\r\n0\r\nX-Trailer: ignored\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.text == "hello world")
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    @Test func sends100ContinueBeforeReadingTheBody() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                let interim = try client.readResponse()
                #expect(interim.status == 100)
                try client.send("body")
                let final = try client.readResponse()
                #expect(final.status == 200)
                #expect(final.text == "body")
            }
        }
    }

    @Test func answersARejectedExpectContinueAtOnceWithoutReadingTheBody() async throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1000
        try await withServer(router: Self.router(), configure: { $0.limits = limits }) { _, port in
            try await offPool {
                for (request, status) in [("POST /nowhere", 404), ("PUT /echo", 405)] {
                    let client = try RawClient(port: port)
                    try client.send("\(request) HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 500\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.status == status)
                    #expect(response.headers["Connection"] == "close")
                }
                let tooBig = try RawClient(port: port)
                try tooBig.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
                #expect(try tooBig.readResponse().status == 413)
            }
        }
    }

    @Test func headGetsTheGetHeadersWithoutABody() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let head = try client.readResponse(forHead: true)
                #expect(head.status == 200)
                #expect(head.headers["Content-Length"] == "5")
                #expect(head.headers["Content-Type"] == "text/plain")
                try client.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n")
                let streamed = try client.readResponse(forHead: true)
                #expect(streamed.headers["Transfer-Encoding"] == "chunked")
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello", "no body bytes were left on the wire")
            }
        }
    }

    @Test func sendsNoBodyWith204And304() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send(
                    "GET /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /not-modified HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let noContent = try client.readResponse()
                #expect(noContent.status == 204)
                #expect(noContent.headers["Content-Length"] == nil)
                let notModified = try client.readResponse()
                #expect(notModified.status == 304)
                #expect(notModified.headers["ETag"] == "\"1\"")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    @Test func honoursConnectionCloseFromTheClientAndTheHandler() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.headers["Connection"] == "close")
                #expect(client.isClosedByServer())
                let other = try RawClient(port: port)
                try other.send("POST /close HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                #expect(try other.readResponse().headers["Connection"] == "close")
                #expect(other.isClosedByServer())
            }
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let plain = try RawClient(port: port)
                try plain.send("GET /hello HTTP/1.0\r\n\r\n")
                let response = try plain.readResponse()
                #expect(response.text == "hello")
                #expect(response.headers["Connection"] == "close")
                #expect(plain.isClosedByServer())

                let keepAlive = try RawClient(port: port)
                try keepAlive.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try keepAlive.readResponse().headers["Connection"] == "keep-alive")
                try keepAlive.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let streamed = try keepAlive.readResponse()
                #expect(streamed.headers["Transfer-Encoding"] == nil, "HTTP/1.0 has no chunked coding")
                #expect(streamed.text == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
            }
        }
    }

    @Test func answersOptionsWithAllowAndUnknownMethodsWith405() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("OPTIONS /runs/1 HTTP/1.1\r\nHost: x\r\n\r\n")
                let options = try client.readResponse()
                #expect(options.status == 204)
                #expect(options.headers["Allow"] == "GET, HEAD, OPTIONS")
                try client.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let notAllowed = try client.readResponse()
                #expect(notAllowed.status == 405)
                #expect(notAllowed.headers["Allow"] == "GET, HEAD, OPTIONS")
                try client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
                let missing = try client.readResponse()
                #expect(missing.status == 404)
                #expect(missing.headers["Content-Type"] == "application/problem+json")
                // A method the server has never heard of on a known path: 405 with Allow, as
                // nginx answers, never a 5xx (schemathesis's default checks send QUERY).
                for method in ["BREW", "QUERY", "get"] {
                    try client.send("\(method) /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    let unknown = try client.readResponse()
                    #expect(unknown.status == 405, "\(method)")
                    #expect(unknown.headers["Allow"] == "GET, HEAD, OPTIONS", "\(method)")
                    #expect(unknown.headers["Content-Type"] == "application/problem+json", "\(method)")
                }
                try client.send("QUERY /missing HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                let unknownPath = try client.readResponse()
                #expect(unknownPath.status == 404, "an unknown path stays 404 whatever the method")
                #expect(unknownPath.headers["Allow"] == nil)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200, "404 and 405 keep the connection")
            }
        }
    }

    @Test func discardsTheSmallBodyOfARejectedRequestAndKeepsTheConnection() async throws {
        try await withServer(router: Self.router()) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde")
                let missing = try client.readResponse()
                #expect(missing.status == 404)
                #expect(missing.headers["Connection"] == nil)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    /// With IPv6 (loopback `::1` configured): serves `::1`, and `::` serves IPv6 and IPv4 clients.
    /// Without it: `::` falls back to `0.0.0.0`.
    @Test func servesIPv6AndDualStack() async throws {
        let hasIPv6 =
            (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8))?
            .contains("00000000000000000000000000000001") ?? false
        if hasIPv6 {
            try await withServer(router: Self.router(), host: "::1") { server, port in
                #expect(server.addresses == ["[::1]:\(port)"])
                try await offPool {
                    let client = try RawClient(port: port, host: "::1")
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.text == "hello")
                }
            }
        }
        try await withServer(router: Self.router(), host: "::") { server, port in
            #expect(server.addresses == [hasIPv6 ? "[::]:\(port)" : "0.0.0.0:\(port)"])
            try await offPool {
                for host in hasIPv6 ? ["::1", "127.0.0.1"] : ["127.0.0.1"] {
                    let client = try RawClient(port: port, host: host)
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().text == "hello")
                }
            }
        }
    }
}
