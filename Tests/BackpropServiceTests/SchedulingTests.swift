import Backprop
import Foundation
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct SchedulingTests {
    @Test func aRunIsSharedOutAsWorkSplitSaysInJobsOfAtMostTheBatchSizeAndEachJobHasOneHiddenSize() async throws {
        try await withService(configure: {
            $0.registry.workers = 2; $0.registry.batchSize = 8
        }) { service in
            let xor = Dataset.builtIn(named: "xor")!
            let run = Run(
                request: RunRequest(
                    datasetName: "xor", sweep: Sweep(dataset: xor, alphas: [1, 2, 3, 4, 5, 6, 7], hiddenSizes: [4, 8], iterations: 10)))
            let batches = service.registry.batches(for: run).map(\.job.trialIndices)
            #expect(batches == WorkSplit.shares(of: run.trials.map(\.spec), dataset: xor, workers: 2).map(\.trials))
            #expect(batches.allSatisfy { batch in Set(batch.map { run.trials[$0].spec.hiddenSize }).count == 1 })

            let big = Run(
                request: RunRequest(
                    datasetName: "xor", sweep: Sweep(dataset: xor, alphas: (1...64).map(Double.init), hiddenSizes: [4], iterations: 10)))
            let jobs = service.registry.batches(for: big)
            #expect(jobs.map(\.cost) == Array(repeating: 8, count: 8))
            #expect(jobs.flatMap(\.job.trialIndices).sorted() == Array(0..<64))
        }
    }

    @Test func aLaterOneAlphaRunIsNotHeldBackByABigSweep() async throws {
        try await withService(configure: {
            $0.registry.workers = 1; $0.registry.batchSize = 2
        }) { service in
            let sweep = try await service.client.submit(
                quickRunBody(alphas: (1...32).map { Double($0) / 10 }, iterations: 60_000, errorEvery: 600, hiddenSize: 8))
            let small = try await service.client.submit(quickRunBody(alphas: [1], iterations: 60_000, errorEvery: 600))
            let finished = try await service.client.waitUntilFinished(small)
            #expect(finished["status"] as? String == "succeeded")
            // Round-robin by run: the one-alpha run trains right after the sweep's current batch,
            // so it finishes before the sweep does, however fast the machine (FIFO would not).
            let big = try await service.client.get("/runs/\(sweep)").json()
            let smallFinishedAt = try #require(finished["finished_at"] as? String)
            if let bigFinishedAt = big["finished_at"] as? String {
                #expect(smallFinishedAt < bigFinishedAt, "the sweep finished at \(bigFinishedAt), before the small run (\(smallFinishedAt))")
            } else {
                let done = (big["progress"] as? [String: Any])?["trials_done"] as? Int ?? 0
                #expect(done < 32)
            }
            // Cancelled to end the test sooner; it may have finished meanwhile on a fast machine.
            #expect([200, 409].contains(try await service.client.send("POST", "/runs/\(sweep)/cancel").status))
        }
    }

    @Test func maxRunsEvictsTheOldestFinishedRunsFromMemoryAndDisk() async throws {
        try await withService(configure: { $0.registry.maxRuns = 3 }) { service in
            var ids: [String] = []
            for _ in 0..<5 {
                let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 20))
                _ = try await service.client.waitUntilFinished(id)
                ids.append(id)
            }
            let listed = try await service.client.get("/runs").json()["runs"] as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["id"] as? String } == ids.suffix(3).reversed())
            #expect(try await service.client.get("/runs/\(ids[0])").status == 404)
            await service.registry.store.flushed()
            let files = try FileManager.default.contentsOfDirectory(atPath: service.dataDirectory + "/runs").filter { $0.hasSuffix(".json") }
            #expect(Set(files) == Set(ids.suffix(3).map { $0 + ".json" }))
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 20))
            _ = try await service.client.waitUntilFinished(id)
            let get = try await service.client.get("/runs/\(id)")
            let head = try await service.client.send("HEAD", "/runs/\(id)")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["etag"] == get.headers["etag"])
        }
    }
}
