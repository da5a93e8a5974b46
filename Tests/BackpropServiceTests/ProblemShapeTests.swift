import Foundation
import Testing

@testable import BackpropService

/// Issue 13: one problem+json shape everywhere. An unknown path, a method a path does not take
/// and a body over the limit were answered by HTTPServer as `about:blank` documents without
/// `instance`; the API's own errors had `https://backpropd.dev/problems/…` types.
@Suite struct ProblemShapeTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var body: String?
        var status: Int
        var reason: String
        var title: String
        var instance: String?
        var description: String { "\(method) \(path) → \(status)" }
    }

    static let cases: [Case] = [
        Case(method: "GET", path: "/nowhere", status: 404, reason: "Not Found", title: "Not found", instance: "/nowhere"),
        Case(
            method: "GET", path: "/runs/0123456789abcdef0123456789abcdef", status: 404, reason: "Not Found", title: "Not found",
            instance: "/runs/0123456789abcdef0123456789abcdef"),
        Case(method: "DELETE", path: "/runs", status: 405, reason: "Method Not Allowed", title: "Method not allowed", instance: "/runs"),
        Case(method: "PUT", path: "/healthz", status: 405, reason: "Method Not Allowed", title: "Method not allowed", instance: "/healthz"),
        Case(
            method: "POST", path: "/runs", body: String(repeating: " ", count: 2000), status: 413, reason: "Content Too Large",
            title: "Content too large", instance: "/runs"),
        Case(method: "POST", path: "/runs", body: "{", status: 400, reason: "Bad Request", title: "Malformed JSON", instance: "/runs"),
        Case(method: "GET", path: "/runs?limit=x", status: 422, reason: "Unprocessable Content", title: "Invalid request", instance: "/runs"),
    ]

    @Test func everyErrorHasTheAPIsShape() async throws {
        try await withService(configure: { $0.maxBodyBytes = 1000 }) { service in
            for testCase in Self.cases {
                let (status, output) = try await curl(
                    ["-s", "-i", "-X", testCase.method, "-H", "Content-Type: application/json"]
                        + (testCase.body.map { ["--data-binary", $0] } ?? []) + ["http://127.0.0.1:\(service.port)\(testCase.path)"])
                #expect(status == 0)
                let parts = output.components(separatedBy: "\r\n\r\n")
                let head = parts[0]
                #expect(head.hasPrefix("HTTP/1.1 \(testCase.status) \(testCase.reason)\r\n"), "\(testCase): \(head)")
                #expect(head.lowercased().contains("content-type: application/problem+json"), "\(testCase)")
                let problem = try #require(
                    try JSONSerialization.jsonObject(with: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8)) as? [String: Any],
                    "\(testCase): \(output)")
                #expect(problem["status"] as? Int == testCase.status, "\(testCase)")
                #expect(problem["title"] as? String == testCase.title, "\(testCase)")
                let slug = testCase.title.lowercased().replacing(" ", with: "-")
                #expect(problem["type"] as? String == "https://backpropd.dev/problems/\(slug)", "\(testCase): \(problem)")
                #expect(problem["instance"] as? String == testCase.instance, "\(testCase): \(problem)")
                #expect((problem["detail"] as? String)?.isEmpty == false, "\(testCase)")
                if testCase.status == 405 { #expect(head.contains("\r\nAllow: "), "\(testCase): \(head)") }
            }
        }
    }
}
