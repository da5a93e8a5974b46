import Foundation
import Posix
import TestSupport
import Testing

@testable import HTTPServer

/// The four middleware hooks as the service uses them: auth screening, wrapping, decorating, observing.
@Suite struct MiddlewareTests {
    struct RequireToken: HTTPMiddleware {
        func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
            guard head.routePattern == "/echo", head.headers["Authorization"] != "Bearer ok" else { return nil }
            return .problem(.unauthorized, detail: "missing token", headers: ["WWW-Authenticate": "Bearer"])
        }
    }

    struct Tag: HTTPMiddleware {
        let name: String
        func handle(_ request: HTTPRequest, next: HTTPHandler) async -> HTTPResponse {
            var response = await next(request)
            response.headers.add("X-Order", name)
            return response
        }
        func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead) {
            response.headers["X-Prepared-\(name)"] = head.routePattern ?? "none"
        }
    }

    static let middleware: [any HTTPMiddleware] = [RequireToken(), Tag(name: "outer"), Tag(name: "inner")]

    @Test func screeningAnswersAnExpectContinueRequestBeforeItsBody() async throws {
        try await withServer(router: demoRouter(), middleware: Self.middleware) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 401, "no 100 Continue first")
                #expect(response.headers["WWW-Authenticate"] == "Bearer")
                #expect(response.headers["X-Prepared-outer"] == "/echo", "prepare runs on screened responses")

                let authorized = try RawClient(port: port)
                try authorized.send("POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\nContent-Length: 2\r\n\r\nok")
                #expect(try authorized.readResponse().text == "ok")
            }
        }
    }

    @Test func handleWrapsInArrayOrderAndPrepareSeesEveryResponse() async throws {
        try await withServer(router: demoRouter(), middleware: Self.middleware) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /runs/7 HTTP/1.1\r\nHost: x\r\n\r\n")
                let routed = try client.readResponse()
                #expect(routed.headers.values(for: "X-Order") == ["inner", "outer"], "outer is outermost")
                #expect(routed.headers["X-Prepared-inner"] == "/runs/{id}")
                try client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
                let missing = try client.readResponse()
                #expect(missing.status == 404)
                #expect(missing.headers["X-Order"] == nil, "handle only wraps routed requests")
                #expect(missing.headers["X-Prepared-outer"] == "none")
            }
        }
    }

    @Test func completedSeesRoutePatternStatusAndByteCounts() async throws {
        let recorder = ExchangeRecorder()
        try await withServer(router: demoRouter(), middleware: [recorder]) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                _ = try client.readResponse()
                try client.send("GET /runs/abc HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = try client.readResponse()
                try client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = try client.readResponse()
                try client.send("GET /x HTTP/1.1\r\nHost : x\r\n\r\n")
                _ = try client.readResponse()
            }
            let records = await recorder.waitForCount(4)
            try #require(records.count == 4, "\(records.map { "\($0.status) \($0.head?.target ?? "-") \($0.finished)" })")
            #expect(records[0].routePattern == "/echo")
            #expect(records[0].requestBodyBytes == 5)
            #expect(records[0].responseBodyBytes == 5)
            #expect(records[0].status == .ok)
            #expect(records[0].finished)
            #expect(records[0].remoteAddress.hasPrefix("127.0.0.1:"))
            #expect(records[1].routePattern == "/runs/{id}")
            #expect(records[1].head?.pathParameters == ["id": "abc"])
            #expect(records[1].responseBodyBytes == "run abc".utf8.count)
            #expect(records[2].routePattern == nil)
            #expect(records[2].status == .notFound)
            #expect(records[3].head == nil, "rejected before a head was parsed")
            #expect(records[3].status == .badRequest)
            #expect(records.allSatisfy { $0.duration >= .zero })
        }
    }

    @Test func serverDiagnosticsGoToTheLogHook() async throws {
        let lines = Locked<[String]>([])
        try await withServer(
            router: demoRouter(),
            configure: { configuration in
                configuration.log = { record in lines.withLock { $0.append(record.description) } }
            }
        ) { _, port in
            #expect(lines.withLock { $0 }.contains { $0.contains("listening on 127.0.0.1:\(port)") })
        }
        #expect(lines.withLock { $0 }.contains { $0.contains("stopped") })
    }
}
