import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct RunsAPITests {
    @Test func submitGivesLocationAndTheRunFinishesWithEveryTrial() async throws {
        try await withService { service in
            let result = try await service.client.send("POST", "/runs", body: quickRunBody(extra: #", "name": "demo", "labels": {"who": "test"}"#))
            #expect(result.status == 202)
            let run = try result.json()
            let id = try #require(run["id"] as? String)
            #expect(id.count == 32)
            #expect(result.headers["location"] == "/runs/\(id)")
            #expect(result.headers["etag"] == nil, "the 202 is not the run's representation: no validator for it")
            #expect(result.headers["content-type"] == "application/json")
            #expect(result.headers["x-request-id"]?.isEmpty == false)

            let finished = try await service.client.waitUntilFinished(id)
            #expect(finished["status"] as? String == "succeeded")
            #expect(finished["name"] as? String == "demo")
            #expect((finished["labels"] as? [String: String]) == ["who": "test"])
            let trials = try #require(finished["trials"] as? [[String: Any]])
            #expect(trials.map { $0["alpha"] as? Double } == [0.5, 1, 2])
            for trial in trials {
                #expect(trial["status"] as? String == "succeeded")
                #expect(trial["iterations_done"] as? Int == 300)
                let curve = try #require(trial["error_curve"] as? [[String: Any]])
                #expect(curve.first?["iteration"] as? Int == 0)
                #expect(curve.count >= 30)
                #expect((trial["synapses"] as? [Any])?.count == 2)
                #expect((trial["direction_changes"] as? [Any])?.count == 2)
                #expect(trial["final_error"] is Double)
            }
            let progress = try #require(finished["progress"] as? [String: Any])
            #expect(progress["iterations_done"] as? Int == 900)
            #expect(progress["fraction"] as? Double == 1)
            let summary = try #require(finished["summary"] as? [String: Any])
            let best = try #require(summary["best"] as? [String: Any])
            let bestError = try #require(best["final_error"] as? Double)
            #expect(trials.allSatisfy { ($0["final_error"] as? Double ?? 0) >= bestError })
            for key in ["created_at", "started_at", "finished_at"] {
                let text = try #require(finished[key] as? String)
                #expect(text.hasSuffix("Z") && text.count == 24, "\(key) = \(text)")
            }
        }
    }

    @Test func unchangedRunAnswers304AndSinceReturnsOnlyNewerPoints() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody())
            _ = try await service.client.waitUntilFinished(id)
            let first = try await service.client.get("/runs/\(id)")
            let etag = try #require(first.headers["etag"])
            let again = try await service.client.get("/runs/\(id)", headers: ["If-None-Match": etag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.headers["etag"] == etag)
            let weak = try await service.client.get("/runs/\(id)", headers: ["If-None-Match": "\"other\", W/\(etag)"])
            #expect(weak.status == 304)

            let partial = try await service.client.get("/runs/\(id)?since=200")
            let trials = try #require(try partial.json()["trials"] as? [[String: Any]])
            for trial in trials {
                let iterations = (trial["error_curve"] as? [[String: Any]] ?? []).compactMap { $0["iteration"] as? Int }
                #expect(!iterations.isEmpty)
                #expect(iterations.allSatisfy { $0 > 200 })
            }
            #expect(partial.headers["etag"] != etag)
        }
    }

    @Test func aReplicaPrefixBeginsEveryNewRunID() async throws {
        try await withService(configure: { $0.registry.instancePrefix = "07" }) { service in
            let result = try await service.client.send("POST", "/runs", body: quickRunBody())
            #expect(result.status == 202)
            let id = try #require(try result.json()["id"] as? String)
            #expect(id.hasPrefix("07") && id.count == 32)
            #expect(try await service.client.send("GET", "/runs/\(id)").status == 200)
        }
    }

    @Test func longPollWakesWhenTheRunChanges() async throws {
        // The poll's wait is far longer than any stall of a slow run (under ThreadSanitizer beside
        // another CI run, this test once took 139 s): a cancelled run before the wait is up is the
        // wake-up (at the wait's end the answer would be the same 200, only later).
        let wait = TestTime.scaled(seconds: 60)
        try await withService(configure: {
            $0.registry.workers = 1; $0.maxWaitSeconds = wait
        }) { service in
            // The first run occupies the only worker, so the second stays queued until we cancel it.
            let blocker = try await service.client.submit(untilCancelledRunBody())
            let id = try await service.client.submit(quickRunBody(alphas: [1]))
            let queued = try await service.client.get("/runs/\(id)")
            #expect(try queued.json()["status"] as? String == "queued")
            let etag = try #require(queued.headers["etag"])
            async let waited = service.client.get("/runs/\(id)?wait=\(wait)", headers: ["If-None-Match": etag])
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let cancelled = try await service.client.send("POST", "/runs/\(id)/cancel")
            #expect(cancelled.status == 200)
            let woken = try await waited
            #expect(woken.status == 200)
            #expect(try woken.json()["status"] as? String == "cancelled")
            #expect(ContinuousClock.now - started < .seconds(wait), "woken by the change, not at the end of its wait")

            let timedOut = try await service.client.get("/runs/\(id)?wait=1", headers: ["If-None-Match": woken.headers["etag"]!])
            #expect(timedOut.status == 304)
            #expect(try await service.client.send("POST", "/runs/\(blocker)/cancel").status == 200)
        }
    }

    @Test func eventStreamDeliversEveryPointThenEnds() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody(alphas: [0.5, 4], iterations: 2000, errorEvery: 20))
            let stream = try await service.client.get("/runs/\(id)/events")
            #expect(stream.status == 200)
            #expect(stream.headers["content-type"] == "text/event-stream")
            let events = parseEvents(stream.text)
            let run = try await service.client.get("/runs/\(id)").json()
            let trials = try #require(run["trials"] as? [[String: Any]])
            for (index, trial) in trials.enumerated() {
                let expected = (trial["error_curve"] as? [[String: Any]] ?? []).compactMap { $0["iteration"] as? Int }
                let streamed = events.filter { $0.name == "point" && $0.data["trial"] as? Int == index }.compactMap { $0.data["iteration"] as? Int }
                #expect(streamed == expected)
            }
            #expect(events.last?.name == "end")
            #expect(events.last?.data["status"] as? String == "succeeded")
            #expect(events.contains { $0.name == "trial" && $0.data["status"] as? String == "succeeded" })
        }
    }

    @Test func cancelStopsARunningSweepAndDeleteRemovesIt() async throws {
        try await withService { service in
            let id = try await service.client.submit(untilCancelledRunBody(alphas: [0.1, 1]))
            var status = ""
            for _ in 0..<200 where status != "running" {
                status = try await service.client.get("/runs/\(id)").json()["status"] as? String ?? ""
                try await Task.sleep(for: .milliseconds(20))
            }
            let cancelled = try await service.client.send("POST", "/runs/\(id)/cancel")
            #expect(cancelled.status == 200)
            let run = try await service.client.waitUntilFinished(id, timeout: .seconds(10))
            #expect(run["status"] as? String == "cancelled")
            let trials = try #require(run["trials"] as? [[String: Any]])
            #expect(trials.allSatisfy { $0["status"] as? String == "cancelled" })
            #expect(trials.allSatisfy { ($0["iterations_done"] as? Int ?? .max) < 10_000_000 })

            #expect(try await service.client.send("POST", "/runs/\(id)/cancel").status == 200)
            #expect(try await service.client.send("DELETE", "/runs/\(id)").status == 204)
            #expect(try await service.client.get("/runs/\(id)").status == 404)
            #expect(try await service.client.send("DELETE", "/runs/\(id)").status == 404)
            await service.registry.store.flushed()
            #expect(!FileManager.default.fileExists(atPath: service.dataDirectory + "/runs/\(id).json"))

            let done = try await service.client.submit(quickRunBody(alphas: [1], iterations: 10))
            _ = try await service.client.waitUntilFinished(done)
            let refused = try await service.client.send("POST", "/runs/\(done)/cancel")
            #expect(refused.status == 409)
            #expect(refused.headers["content-type"] == "application/problem+json")
        }
    }

    @Test func fiftyConcurrentSubmissionsAllFinishAndListPagesThroughThem() async throws {
        try await withService { service in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask { try await service.client.submit(quickRunBody(alphas: [0.5, 1], iterations: 200 + index)) }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(ids).count == 50)
            for id in ids {
                #expect(try await service.client.waitUntilFinished(id)["status"] as? String == "succeeded")
            }
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await service.client.get("/runs?limit=7&status=succeeded" + (cursor.map { "&cursor=\($0)" } ?? "")).json()
                let runs = try #require(page["runs"] as? [[String: Any]])
                #expect(runs.allSatisfy { $0["trials"] == nil && $0["status"] as? String == "succeeded" })
                listed += runs.compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(listed.count == 50)
            #expect(Set(listed) == Set(ids))
            let created = try await service.client.get("/runs?limit=50").json()["runs"] as? [[String: Any]] ?? []
            let times = created.compactMap { $0["created_at"] as? String }
            #expect(times == times.sorted(by: >))
        }
    }

    @Test func idempotencyKeyReturnsTheSameRunAndRefusesAnotherBody() async throws {
        try await withService { service in
            let body = quickRunBody(alphas: [1], iterations: 50)
            let first = try await service.client.send("POST", "/runs", body: body, headers: ["Idempotency-Key": "retry-1"])
            let again = try await service.client.send("POST", "/runs", body: body, headers: ["Idempotency-Key": "retry-1"])
            #expect(first.status == 202)
            #expect(again.status == 202)
            #expect(try first.json()["id"] as? String == again.json()["id"] as? String)
            #expect(again.headers["idempotent-replayed"] == "true")
            let other = try await service.client.send(
                "POST", "/runs", body: quickRunBody(alphas: [2], iterations: 50), headers: ["Idempotency-Key": "retry-1"])
            #expect(other.status == 422)
            #expect(try await service.client.get("/runs").json()["runs"].map { ($0 as? [Any])?.count } == 1)
        }
    }

    @Test func fullQueueAnswers429WithRetryAfter() async throws {
        try await withService(configure: {
            $0.registry.workers = 1; $0.registry.queueLimit = 4
        }) { service in
            let long = try await service.client.submit(untilCancelledRunBody())
            var running = false
            for _ in 0..<200 where !running {
                running = try await service.client.get("/runs/\(long)").json()["status"] as? String == "running"
                try await Task.sleep(for: .milliseconds(20))
            }
            _ = try await service.client.submit(quickRunBody(alphas: [1, 2, 3]))
            let refused = try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1, 2]))
            #expect(refused.status == 429)
            #expect(refused.headers["retry-after"].flatMap(Int.init) ?? 0 > 0)
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect(try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1])).status == 202)
            #expect(try await service.client.send("POST", "/runs/\(long)/cancel").status == 200)
        }
    }
}

struct ServerSentEvent {
    var name: String
    var data: [String: Any]
}

func parseEvents(_ text: String) -> [ServerSentEvent] {
    text.components(separatedBy: "\n\n").compactMap { block in
        var name = "message"
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        guard !data.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return nil }
        return ServerSentEvent(name: name, data: object)
    }
}
