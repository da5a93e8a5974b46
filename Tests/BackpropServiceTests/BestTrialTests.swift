import Foundation
import Testing

@testable import BackpropService

/// Issue 13: alphas 100, 1000, 10000 at hidden 32 end with every output 0.000 and error 0.500,
/// all "succeeded", and the run said "best α 100". Trials say whether they learned; the best is
/// only ever one that did, and there is none when none did.
@Suite struct BestTrialTests {
    @Test func noBestWhenNoTrialLearned() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody(alphas: [100, 1000, 10000], iterations: 60000, errorEvery: 1000, hiddenSize: 32))
            let run = try await service.client.waitUntilFinished(id)
            #expect(run["status"] as? String == "succeeded")
            let trials = try #require(run["trials"] as? [[String: Any]])
            #expect(trials.map { $0["final_error"] as? Double } == [0.5, 0.5, 0.5])
            #expect(trials.map { $0["learned"] as? Bool } == [false, false, false])
            let summary = try #require(run["summary"] as? [String: Any])
            #expect(summary["best"] is NSNull, "\(summary)")
            #expect(summary["trials_learned"] as? Int == 0)
            #expect(summary["trials_succeeded"] as? Int == 3)
        }
    }

    @Test func theBestIsTheLowestErrorAmongTrialsThatLearned() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody(alphas: [0.001, 10, 1000], iterations: 60000, errorEvery: 1000))
            let run = try await service.client.waitUntilFinished(id)
            let trials = try #require(run["trials"] as? [[String: Any]])
            #expect(trials.map { $0["learned"] as? Bool } == [false, true, false])
            let summary = try #require(run["summary"] as? [String: Any])
            let best = try #require(summary["best"] as? [String: Any])
            #expect(best["alpha"] as? Double == 10)
            #expect(best["trial"] as? Int == 1)
            #expect(summary["trials_learned"] as? Int == 1)
        }
    }

    @Test func aTrialThatHasNotFinishedHasNoVerdict() async throws {
        try await withService(configure: { $0.registry.workers = 1 }) { service in
            let id = try await service.client.submit(untilCancelledRunBody())
            let run = try await service.client.get("/runs/\(id)").json()
            #expect((run["trials"] as? [[String: Any]])?.first?["learned"] is NSNull)
            #expect(try await service.client.send("DELETE", "/runs/\(id)").status == 204)
        }
    }
}
