import Foundation
import Testing

@testable import BackpropService

/// Issue 13: POST /runs echoed the whole run (188 KB for 8 trials at hidden 256). The 202 is a
/// small document: id, status, progress and links, whatever the run's size.
@Suite struct SubmitResponseTests {
    @Test func theAcceptedDocumentIsSmallWhateverTheRunsSize() async throws {
        try await withService(configure: { $0.registry.workers = 1 }) { service in
            let body = quickRunBody(alphas: [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000], iterations: 2000, errorEvery: 1, hiddenSize: 256)
            let result = try await service.client.send("POST", "/runs", body: body, headers: ["Idempotency-Key": "big"])
            #expect(result.status == 202)
            #expect(result.body.count < 400, "\(result.body.count) bytes: \(result.text.prefix(300))")
            let document = try result.json()
            #expect(Set(document.keys) == ["id", "status", "created_at", "progress", "links"])
            let id = try #require(document["id"] as? String)
            // The run as it is when the answer goes out: on a fast machine it may have finished already.
            #expect(["queued", "running", "succeeded"].contains(document["status"] as? String))
            #expect((document["progress"] as? [String: Any])?["trials_total"] as? Int == 8)
            #expect((document["progress"] as? [String: Any])?["iterations_total"] as? Int == 16000)
            #expect(document["links"] as? [String: String] == ["self": "/runs/\(id)", "events": "/runs/\(id)/events"])
            #expect(result.headers["location"] == "/runs/\(id)")

            let replay = try await service.client.send("POST", "/runs", body: body, headers: ["Idempotency-Key": "big"])
            #expect(replay.status == 202)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(try replay.json()["id"] as? String == id)
            #expect(replay.body.count < 400)

            _ = try await service.client.waitUntilFinished(id)
            let run = try await service.client.get("/runs/\(id)")
            #expect(run.body.count > 100_000, "the run itself is large: \(run.body.count) bytes")
            let late = try await service.client.send("POST", "/runs", body: body, headers: ["Idempotency-Key": "big"])
            #expect(late.body.count < 400, "a replay after the run finished is still small")
            #expect(try late.json()["status"] as? String == "succeeded")
        }
    }
}
