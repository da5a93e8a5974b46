import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct StorageFailureTests {
    /// The runs directory turns into a plain file (every write fails, even for root): submissions
    /// get a clear 503, readiness says why, nothing is half-written; when the directory returns,
    /// submissions work again and the run that finished meanwhile reaches the disk.
    /// The run ends by a cancel, not by its training: how fast it trains (a fast CPU, TSan) never
    /// decides whether it finished before or after the directory went away.
    @Test func unwritableStorageRefusesSubmissionsAndRecovers() async throws {
        try await withService(configure: {
            $0.registry.checkpointMilliseconds = 50; $0.registry.workers = 1
        }) { service in
            let runs = service.dataDirectory + "/runs"
            let finishing = try await service.client.submit(untilCancelledRunBody(alphas: [1, 2]))
            try FileManager.default.moveItem(atPath: runs, toPath: runs + ".away")
            #expect(FileManager.default.createFile(atPath: runs, contents: Data("not a directory".utf8)))

            let refused = try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1], iterations: 10))
            #expect(refused.status == 503)
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect(try refused.json()["detail"] as? String ?? "" != "")
            let ready = try await service.client.get("/readyz")
            #expect(ready.status == 503)
            #expect((try ready.json()["reasons"] as? [String])?.first?.hasPrefix("storage:") == true)
            #expect(try await service.client.get("/runs").json()["runs"].map { ($0 as? [Any])?.count } == 1)
            #expect(try await service.client.send("POST", "/runs/\(finishing)/cancel").status == 200)
            #expect(try await service.client.waitUntilFinished(finishing)["status"] as? String == "cancelled")
            await waitUntil(service, unsaved: 1)

            try FileManager.default.removeItem(atPath: runs)
            try FileManager.default.moveItem(atPath: runs + ".away", toPath: runs)
            #expect(try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1], iterations: 10)).status == 202)
            var stored = ""
            for _ in 0..<500 where !stored.contains("\"cancelled\"") {
                try await Task.sleep(for: .milliseconds(20))
                stored = (try? String(contentsOfFile: runs + "/\(finishing).json", encoding: .utf8)) ?? ""
            }
            #expect(stored.contains("\"status\":\"cancelled\""))
            #expect(try await service.client.get("/readyz").status == 200)
        }
    }

    /// Many finished runs that could not be written: while writes keep failing, one of them
    /// probes the disk per checkpoint (not all, which on a full disk kept a core busy and a
    /// submission waiting behind the backlog); when the disk returns, every one is written.
    /// The runs end by cancels while the directory is away (ci on 2026-12-07 failed when runs that
    /// were meant to finish after the move had finished before it under TSan).
    @Test func whileWritesFailOneUnsavedRunProbesPerCheckpointThenAllAreWritten() async throws {
        try await withService(configure: { $0.registry.checkpointMilliseconds = 50 }) { service in
            let runs = service.dataDirectory + "/runs"
            var ids: [String] = []
            for _ in 0..<12 { ids.append(try await service.client.submit(untilCancelledRunBody(alphas: [1, 2]))) }
            try FileManager.default.moveItem(atPath: runs, toPath: runs + ".away")
            #expect(FileManager.default.createFile(atPath: runs, contents: Data("not a directory".utf8)))
            for id in ids {
                #expect(try await service.client.send("POST", "/runs/\(id)/cancel").status == 200)
                #expect(try await service.client.waitUntilFinished(id)["status"] as? String == "cancelled")
            }
            await waitUntil(service, unsaved: ids.count)

            let started = ContinuousClock.now
            let before = try await storageFailures(service)
            try await Task.sleep(for: .milliseconds(600))
            let failed = try await storageFailures(service) - before
            let checkpoints = Int((ContinuousClock.now - started) / .milliseconds(50)) + 2
            #expect(failed <= checkpoints, "\(failed) failed writes in \(checkpoints) checkpoints with \(ids.count) unsaved runs")
            #expect(service.registry.checkpointer.unsavedCount == ids.count)
            let refused = try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1], iterations: 10))
            #expect(refused.status == 503)

            try FileManager.default.removeItem(atPath: runs)
            try FileManager.default.moveItem(atPath: runs + ".away", toPath: runs)
            var written = 0
            for _ in 0..<1500 where written < ids.count {
                try await Task.sleep(for: .milliseconds(20))
                written =
                    ids.filter { ((try? String(contentsOfFile: runs + "/\($0).json", encoding: .utf8)) ?? "").contains("\"status\":\"cancelled\"") }
                    .count
            }
            #expect(written == ids.count)
        }
    }

    /// Failed writes are noted when the store answers, after the cancel: waits for them.
    private func waitUntil(_ service: TestService, unsaved count: Int) async {
        _ = await eventually(within: TestTime.scaled(60.0)) { service.registry.checkpointer.unsavedCount >= count }
        #expect(service.registry.checkpointer.unsavedCount == count, "runs finished while writes failed")
    }

    private func storageFailures(_ service: TestService) async throws -> Int {
        let text = try await service.client.get("/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("backpropd_storage_failures_total ") }
        return Int(Double(line?.split(separator: " ").last ?? "") ?? -1)
    }

    @Test func outOfSpaceIs507() {
        let full = RunStore.Failure(operation: "write", path: "/data/runs/x.json.tmp", code: ENOSPC)
        #expect(full.isOutOfSpace)
        #expect(!RunStore.Failure(operation: "write", path: "x", code: EIO).isOutOfSpace)
        #expect(Problem.insufficientStorage(full.description).status == 507)
        #expect(full.description.contains("No space left on device"))
    }
}
