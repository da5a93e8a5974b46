import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// End to end through the real `curl` binary (installed by scripts/test).
@Suite struct CurlTests {
    static func router() -> Router {
        var router = demoRouter()
        router.post("/size") { request in HTTPResponse(bytes: Array("\(request.body.count)".utf8)) }
        return router
    }

    struct RequireToken: HTTPMiddleware {
        func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
            head.headers["Authorization"] == nil ? .problem(.unauthorized, detail: "token required") : nil
        }
    }

    static func bigFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).json").path
        let element = #"{"alpha":0.5,"inputs":[[0,0,1],[0,1,1],[1,0,1],[1,1,1]]},"#
        try Data(("[" + String(repeating: element, count: 40_000) + "{}]").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs curl: its exit status, verbose trace (interim and final status lines show as
    /// "< HTTP/1.1 …") and the body of the last response.
    static func curl(_ arguments: [String]) async throws -> (status: Int32, output: String, body: String) {
        let bodyPath = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: bodyPath) }
        let result = try await runProcess("/usr/bin/env", ["curl", "-sS", "-v", "--stderr", "-", "--max-time", "20", "-o", bodyPath] + arguments)
        let body = (try? String(contentsOfFile: bodyPath, encoding: .utf8)) ?? ""
        return (result.status, result.output, body)
    }

    @Test func expectContinueUploadGetsA100ContinueRatherThanCurlsOneSecondWait() async throws {
        let path = try Self.bigFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        try await withServer(router: Self.router()) { _, port in
            let result = try await Self.curl([
                "-H", "Expect: 100-continue", "--expect100-timeout", "15",
                "--data-binary", "@\(path)", "http://127.0.0.1:\(port)/size",
            ])
            #expect(result.status == 0)
            #expect(result.output.contains("< HTTP/1.1 100 Continue"), "the server asked for the body")
            #expect(result.output.contains("< HTTP/1.1 200 OK"))
            #expect(result.body == "\(size ?? -1)", "the whole body arrived")
        }
    }

    @Test func aScreenedExpectContinueUploadIsRefusedWithoutSendingTheBody() async throws {
        let path = try Self.bigFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withServer(router: Self.router(), middleware: [RequireToken()]) { _, port in
            let result = try await Self.curl([
                "-H", "Expect: 100-continue", "--expect100-timeout", "15",
                "--data-binary", "@\(path)", "http://127.0.0.1:\(port)/size",
            ])
            #expect(result.output.contains("< HTTP/1.1 401 Unauthorized"))
            #expect(!result.output.contains("100 Continue"))
        }
    }

    @Test func http10() async throws {
        try await withServer(router: Self.router()) { _, port in
            let result = try await Self.curl(["--http1.0", "http://127.0.0.1:\(port)/hello"])
            #expect(result.status == 0)
            #expect(result.output.contains("> GET /hello HTTP/1.0"))
            #expect(result.output.contains("< Connection: close"))
            #expect(result.body == "hello")
        }
    }

    @Test func reusesTheConnectionHeadAndChunkedUpload() async throws {
        let path = try Self.bigFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withServer(router: Self.router()) { _, port in
            let base = "http://127.0.0.1:\(port)"
            let twice = try await Self.curl(["\(base)/runs/1", "\(base)/runs/2"])
            #expect(twice.body == "run 1")
            #expect(twice.output.contains("run 2"), "the second URL's body goes to stdout")
            #expect(
                twice.output.lowercased().contains("re-using existing connection")
                    || twice.output.lowercased().contains("reusing existing connection"))

            let head = try await Self.curl(["-I", "\(base)/hello"])
            #expect(head.output.contains("< Content-Length: 5"))

            let chunked = try await Self.curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "@\(path)", "\(base)/size"])
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            #expect(chunked.output.contains("> Transfer-Encoding: chunked"))
            #expect(chunked.body == "\(size ?? -1)")
        }
    }
}
