import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Issue 13: the server's own problems (no route, wrong method, rejected requests) had a shape of
/// their own (`about:blank`, no `instance`); the application now shapes them, and HTTPServer only
/// says what happened.
@Suite struct ProblemRendererTests {
    /// Renders `status|detail|path|Allow` as text, so each test sees exactly what the server passed.
    static let renderer: HTTPProblemRenderer = { problem, path in
        var headers = problem.headers
        headers["Content-Type"] = "application/problem+json"
        let text = "\(problem.status.code)|\(problem.detail)|\(path ?? "-")|\(problem.headers["Allow"] ?? "-")"
        return HTTPResponse(status: problem.status, headers: headers, bytes: Array(text.utf8))
    }

    @Test(arguments: [
        ("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", "404|no resource at /nowhere|/nowhere|-"),
        ("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n", "405|DELETE is not allowed on /hello; allowed: GET, HEAD, OPTIONS|/hello|GET, HEAD, OPTIONS"),
        ("GET /hello HTTP/1.1\r\nHost: x\r\nBad\u{1}Name: y\r\n\r\n", "400|"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", "413|request body larger than 1000 bytes|/echo|-"),
        ("GET /hello?x HTTP/1.1\r\n\r\n", "400|missing Host header (required in HTTP/1.1)|/hello|-"),
    ])
    func everyProblemTheServerMakesGoesThroughTheRenderer(request: String, expected: String) async throws {
        try await withServer(
            router: demoRouter(),
            configure: {
                $0.limits = RejectionTests.limits()
                $0.problemRenderer = Self.renderer
            }
        ) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send(request)
                let response = try client.readResponse()
                #expect(response.text.hasPrefix(expected), "\(response.text)")
                #expect(response.status == Int(expected.prefix(3)))
                #expect(response.headers["Content-Type"] == "application/problem+json")
            }
        }
    }

    @Test func aHandlersOwnResponsesAreLeftAlone() async throws {
        try await withServer(router: demoRouter(), configure: { $0.problemRenderer = Self.renderer }) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }
    }

    @Test func theDefaultRenderingNamesTheInstanceWhenItIsKnown() {
        let response = HTTPProblem(status: .notFound, detail: "no resource at /x").defaultRendering(path: "/x")
        guard case .bytes(let bytes) = response.body else { Issue.record("not bytes"); return }
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"type":"about:blank","title":"Not Found","status":404,"detail":"no resource at /x","instance":"/x"}"#)
    }

    @Test func reasonPhrasesComeFromOneTable() {
        #expect(HTTPStatus(code: 422).reasonPhrase == "Unprocessable Content")
        #expect(HTTPStatus(code: 507).reasonPhrase == "Insufficient Storage")
        #expect(HTTPStatus(code: 299).reasonPhrase == "Unknown")
        #expect(Set(HTTPStatus.standard.map(\.code)).count == HTTPStatus.standard.count)
    }
}
