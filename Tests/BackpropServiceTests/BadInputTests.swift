import Foundation
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Each wrong field type, range, shape, body and header gets the right 4xx as problem+json
/// naming the field, and the server keeps serving.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method = "POST"
        var path = "/runs"
        var body: String?
        var contentType: String? = "application/json"
        var headers: [String: String] = [:]
        var status: Int
        var pointers: [String] = []
        var description: String { "\(method) \(path) \(body ?? "") → \(status)" }
    }

    static let cases: [Case] = [
        Case(body: "{", status: 400, pointers: [""]),
        Case(body: "", status: 400, pointers: [""]),
        Case(body: "[1, 2", status: 400, pointers: [""]),
        // Issue 13: a number beyond a double was 400 "not valid JSON", hiding every other field.
        Case(body: #"{"dataset": "xor", "alphas": [1e400], "iterations": 0}"#, status: 422, pointers: ["/alphas/0", "/iterations"]),
        // Issue 13: members given twice were accepted (the first won; JavaScript reads the last).
        Case(body: #"{"dataset": "xor", "alphas": [1], "alphas": [2]}"#, status: 422, pointers: ["/alphas"]),
        Case(body: #"{"dataset": {"inputs": [[1]], "targets": [[1]], "inputs": [[2]]}, "alphas": [1]}"#, status: 422, pointers: ["/dataset/inputs"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "iterations": 1e20}"#, status: 422, pointers: ["/iterations"]),
        Case(body: #"{"dataset": "xor", "alphas": [1]}"#, contentType: "text/plain", status: 415, pointers: ["header:Content-Type"]),
        Case(body: #"{"dataset": "xor", "alphas": [1]}"#, contentType: nil, status: 415, pointers: ["header:Content-Type"]),
        Case(body: "42", status: 422, pointers: [""]),
        Case(body: #"{"alphas": [1]}"#, status: 422, pointers: ["/dataset"]),
        Case(body: #"{"dataset": "mnist", "alphas": [1]}"#, status: 422, pointers: ["/dataset"]),
        Case(body: #"{"dataset": "xor", "alphas": [1, "fast", 0, -2]}"#, status: 422, pointers: ["/alphas/1", "/alphas/2", "/alphas/3"]),
        Case(body: #"{"dataset": "xor", "alphas": []}"#, status: 422, pointers: ["/alphas"]),
        Case(body: #"{"dataset": "xor", "alphas": [\#((1...65).map(String.init).joined(separator: ","))]}"#, status: 422, pointers: ["/alphas"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "hidden_size": "4"}"#, status: 422, pointers: ["/hidden_size"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "hidden_size": 2000}"#, status: 422, pointers: ["/hidden_size"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "iterations": 0, "seed": -1}"#, status: 422, pointers: ["/iterations", "/seed"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "iterations": 1.5}"#, status: 422, pointers: ["/iterations"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "iterations": 10000000, "error_every": 1}"#, status: 422, pointers: ["/error_every"]),
        Case(body: #"{"dataset": "xor", "alphas": [1], "extra": true}"#, status: 422, pointers: ["/extra"]),
        Case(body: #"{"dataset": {"inputs": [[0, 1]], "targets": [[0], [1]]}, "alphas": [1]}"#, status: 422, pointers: ["/dataset/targets"]),
        Case(body: #"{"dataset": {"inputs": [[0, null]], "targets": [[0]]}, "alphas": [1]}"#, status: 422, pointers: ["/dataset/inputs/0/1"]),
        Case(
            body:
                #"{"dataset": "xor", "alphas": [1, 2, 3, 4, 5, 6, 7, 8], "hidden_sizes": [1024, 1024], "iterations": 10000000, "error_every": 10000}"#,
            status: 422, pointers: ["/iterations"]),
        Case(
            body: #"{"dataset": "xor", "alphas": [1]}"#, headers: ["Idempotency-Key": String(repeating: "k", count: 300)], status: 422,
            pointers: ["header:Idempotency-Key"]),
        Case(method: "GET", path: "/runs?limit=0", status: 422, pointers: ["query:limit"]),
        Case(method: "GET", path: "/runs?status=done", status: 422, pointers: ["query:status"]),
        Case(method: "GET", path: "/runs?cursor=nonsense", status: 422, pointers: ["query:cursor"]),
        // Issue 13: unknown query parameters were ignored (`?label=` silently listed every run,
        // before issue 14 made it a filter), and only the first bad one was reported.
        Case(method: "GET", path: "/runs?tag=team:a", status: 422, pointers: ["query:tag"]),
        Case(
            method: "GET", path: "/runs?limit=0&status=done&cursor=x&tag=a", status: 422,
            pointers: ["query:tag", "query:status", "query:limit", "query:cursor"]),
        // Issue 14: the list's filters and order, CSV and curve windows.
        Case(
            method: "GET", path: "/runs?label=team&label=:x&sort=name&q=" + String(repeating: "q", count: 201) + "&format=xml", status: 422,
            pointers: ["query:format", "query:label", "query:label", "query:q", "query:sort"]),
        Case(
            method: "GET", path: "/runs/0123456789abcdef0123456789abcdef?points=3&from=-1&to=x&format=csv2", status: 422,
            pointers: ["query:points", "query:from", "query:to", "query:format"]),
        Case(method: "GET", path: "/runs/0123456789abcdef0123456789abcdef/trials/0?points=100001", status: 422, pointers: ["query:points"]),
        Case(method: "GET", path: "/runs?limit=5&limit=6", status: 422, pointers: ["query:limit"]),
        Case(
            method: "GET", path: "/runs/0123456789abcdef0123456789abcdef?wait=soon&since=x&verbose=1", status: 422,
            pointers: ["query:verbose", "query:since", "query:wait"]),
        Case(
            method: "GET", path: "/runs/0123456789abcdef0123456789abcdef/events?since=-2&from=0", status: 422,
            pointers: ["query:from", "query:since"]),
        Case(path: "/runs?dry_run=1", body: #"{"dataset": "xor", "alphas": [1]}"#, status: 422, pointers: ["query:dry_run"]),
        Case(method: "POST", path: "/runs/0123456789abcdef0123456789abcdef/cancel?force=1", status: 422, pointers: ["query:force"]),
        Case(method: "DELETE", path: "/runs/0123456789abcdef0123456789abcdef?force=1", status: 422, pointers: ["query:force"]),
        Case(method: "GET", path: "/healthz?verbose", status: 422, pointers: ["query:verbose"]),
        Case(method: "GET", path: "/datasets?name=xor", status: 422, pointers: ["query:name"]),
        Case(method: "GET", path: "/runs/0123456789abcdef0123456789abcdef", status: 404),
        Case(method: "GET", path: "/runs/not-an-id", status: 404),
        Case(method: "GET", path: "/runs/not-an-id/events", status: 404),
        Case(method: "POST", path: "/runs/0123456789abcdef0123456789abcdef/cancel", status: 404),
        Case(method: "DELETE", path: "/runs/0123456789abcdef0123456789abcdef", status: 404),
    ]

    @Test func everyBadRequestGetsAProblemNamingItsFieldsAndTheServerKeepsServing() async throws {
        try await withService(configure: { $0.limits.maxWork = 1e12 }) { service in
            for testCase in Self.cases {
                let result = try await service.client.send(
                    testCase.method, testCase.path, body: testCase.body,
                    contentType: testCase.contentType, headers: testCase.headers)
                #expect(result.status == testCase.status, "\(testCase): \(result.text)")
                #expect(result.headers["content-type"] == "application/problem+json", "\(testCase)")
                let problem = try result.json()
                #expect(problem["status"] as? Int == testCase.status, "\(testCase)")
                #expect((problem["detail"] as? String)?.isEmpty == false, "\(testCase)")
                #expect((problem["type"] as? String)?.hasPrefix("https://") == true, "\(testCase)")
                let pointers = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
                #expect(pointers == testCase.pointers, "\(testCase): \(result.text)")
            }
            #expect(try await service.client.get("/healthz").status == 200)
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 20))
            #expect(try await service.client.waitUntilFinished(id)["status"] as? String == "succeeded")
        }
    }

    /// Issue 13: the 404 said "run ids are 32 hex digits", but uppercase digits are not accepted.
    @Test func anUppercaseIdIsNotFoundAndTheMessageSaysLowercase() async throws {
        try await withService { service in
            let result = try await service.client.get("/runs/0123456789ABCDEF0123456789ABCDEF")
            #expect(result.status == 404)
            #expect((try result.json()["detail"] as? String)?.contains("32 lowercase hex digits") == true, "\(result.text)")
        }
    }

    @Test func oversizedBodyIs413AndRunsStillWork() async throws {
        try await withService(configure: { $0.maxBodyBytes = 1000 }) { service in
            let inputs = Array(repeating: "[0, 1, 0]", count: 200).joined(separator: ",")
            let body = #"{"dataset": {"inputs": [\#(inputs)], "targets": [[1]]}, "alphas": [1]}"#
            let result = try await service.client.send("POST", "/runs", body: body)
            #expect(result.status == 413)
            #expect(try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1], iterations: 10)).status == 202)
        }
    }

    @Test func curlSeesTheSameProblem() async throws {
        try await withService { service in
            let (status, output) = try await curl([
                "-w", "\n%{http_code} %{content_type}", "-X", "POST", "-H", "Content-Type: application/json",
                "-d", #"{"dataset": "xor", "alphas": [0]}"#, "http://127.0.0.1:\(service.port)/runs",
            ])
            #expect(status == 0)
            #expect(output.hasSuffix("\n422 application/problem+json"))
            #expect(output.contains(#""pointer":"/alphas/0""#))
        }
    }
}
