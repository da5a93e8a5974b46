import Foundation
import Testing

@testable import HTTPServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End to end through Foundation's URLSession (libcurl underneath on Linux).
@Suite struct URLSessionTests {
    static func router() -> Router {
        var router = demoRouter()
        router.post("/runs") { request in
            HTTPResponse(
                status: .created, headers: ["Content-Type": "application/json", "Location": "/runs/r1"],
                bytes: Array(#"{"received":\#(request.body.count)}"#.utf8))
        }
        return router
    }

    @Test func getsPostsAndStreamsOverOneSession() async throws {
        try await withServer(router: Self.router()) { _, port in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let base = "http://127.0.0.1:\(port)"

            let (hello, helloResponse) = try await session.data(from: URL(string: "\(base)/runs/abc%20d")!)
            #expect((helloResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: hello, as: UTF8.self) == "run abc d")

            var post = URLRequest(url: URL(string: "\(base)/runs")!)
            post.httpMethod = "POST"
            post.setValue("application/json", forHTTPHeaderField: "Content-Type")
            post.httpBody = Data(repeating: 0x20, count: 100_000)
            let (created, createdResponse) = try await session.data(for: post)
            let http = try #require(createdResponse as? HTTPURLResponse)
            #expect(http.statusCode == 201)
            #expect(http.value(forHTTPHeaderField: "Location") == "/runs/r1")
            #expect(String(decoding: created, as: UTF8.self) == #"{"received":100000}"#)

            let (streamed, _) = try await session.data(from: URL(string: "\(base)/stream")!)
            #expect(String(decoding: streamed, as: UTF8.self) == "data: 0\n\ndata: 1\n\ndata: 2\n\n")

            let (query, _) = try await session.data(from: URL(string: "\(base)/query?q=a%26b+c")!)
            #expect(String(decoding: query, as: UTF8.self) == "q=a&b c")

            let (_, missing) = try await session.data(from: URL(string: "\(base)/missing")!)
            #expect((missing as? HTTPURLResponse)?.statusCode == 404)
        }
    }

    @Test func manySequentialRequestsReuseConnections() async throws {
        try await withServer(router: Self.router()) { server, port in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            for index in 0..<50 {
                let (data, _) = try await session.data(from: URL(string: "http://127.0.0.1:\(port)/runs/\(index)")!)
                #expect(String(decoding: data, as: UTF8.self) == "run \(index)")
            }
            #expect(server.connectionCount <= 2, "kept alive rather than one connection per request")
        }
    }
}
