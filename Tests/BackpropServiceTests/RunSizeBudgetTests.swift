import Backprop
import Foundation
import TestSupport
import Testing

@testable import BackpropService

/// Issue 16: a run's size is known before it is accepted (`--max-run-bytes`, 422) and the kept
/// runs' files are bounded in all (`--max-data-bytes`, 507).
@Suite struct RunSizeBudgetTests {
    private func request(_ json: String, limits: ServiceLimits = ServiceLimits()) throws(Problem) -> RunRequest {
        try RunRequest(parsing: Array(json.utf8), limits: limits)
    }

    private func problem(_ json: String, limits: ServiceLimits = ServiceLimits()) -> Problem? {
        do {
            _ = try request(json, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// The issue's 468-byte POST made a 106 MB file and a 331 MB GET: refused with 422 at
    /// /error_every, saying the budget, by how much, and what would fit; what it advises fits.
    @Test func theSmallPostOfAHugeRunIsRefusedWithAdviceThatFits() throws {
        let alphas = (1...64).map { String($0) }.joined(separator: ",")
        let attack =
            #"{"dataset":"xor","alphas":[\#(alphas)],"hidden_sizes":[\#(Array(repeating: "0", count: 16).joined(separator: ","))],"iterations":10000,"error_every":1}"#
        #expect(attack.utf8.count < 600)
        let refused = try #require(problem(attack))
        #expect(refused.status == 422)
        let issue = try #require(refused.errors.first)
        #expect(refused.errors.count == 1)
        #expect(issue.pointer == "/error_every")
        #expect(issue.message.contains("--max-run-bytes is 16 MiB"), "\(issue.message)")
        #expect(issue.message.contains("1024 trials × 10002 curve points"), "\(issue.message)")
        #expect(issue.message.contains("× over"), "\(issue.message)")
        let advised = try #require(issue.message.split(separator: "error_every ≥ ").last?.prefix { $0.isNumber })
        let fitting = attack.replacingOccurrences(of: #""error_every":1}"#, with: #""error_every":\#(advised)}"#)
        let accepted = try request(fitting)
        #expect(RunSizeBound(accepted).served <= 16 << 20)
        // One step finer does not fit: the advice is the least error_every, not a guess.
        let finer = attack.replacingOccurrences(of: #""error_every":1}"#, with: #""error_every":\#(Int(advised)! - 1)}"#)
        #expect(problem(finer)?.errors.first?.pointer == "/error_every")
    }

    /// 1024 samples × 64 targets over 1024 trials stored ~1 GB of outputs: even without curve
    /// points it cannot fit, so the advice is fewer trials.
    @Test func outputsOfManyTrialsCountToo() throws {
        let inputs = (0..<1024).map { row in "[" + (0..<4).map { String((row >> $0) & 1) }.joined(separator: ",") + "]" }
        let targets = (0..<1024).map { row in "[" + (0..<64).map { String((row >> ($0 % 10)) & 1) }.joined(separator: ",") + "]" }
        let alphas = (1...64).map { String(Double($0) * 0.05) }.joined(separator: ",")
        let body =
            #"{"dataset":{"inputs":[\#(inputs.joined(separator: ","))],"targets":[\#(targets.joined(separator: ","))]},"alphas":[\#(alphas)],"hidden_sizes":[\#(Array(repeating: "4", count: 16).joined(separator: ","))],"iterations":100,"error_every":100}"#
        var limits = ServiceLimits()
        limits.maxDatasetValues = 1 << 20
        limits.maxWork = .infinity
        limits.maxRunWeights = .max
        let refused = try #require(problem(body, limits: limits))
        #expect(refused.errors.map(\.pointer) == ["/alphas"])
        #expect(refused.errors[0].message.contains("even without curve points it does not fit"), "\(refused.errors[0].message)")
    }

    @Test func theLimitIsConfigurableAndTheNotebookSweepFitsTheDefault() throws {
        let notebook = #"{"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000]}"#
        let bound = RunSizeBound(try request(notebook))
        #expect(bound.served < 1 << 20)
        var limits = ServiceLimits()
        limits.maxRunBytes = bound.served - 1
        #expect(problem(notebook, limits: limits)?.errors.map(\.pointer) == ["/error_every"])
        limits.maxRunBytes = bound.served
        #expect(problem(notebook, limits: limits) == nil)
    }

    /// The bounds hold for what the service really writes and serves, and are not loose by more
    /// than 3× for runs whose numbers are long (errors and weights of many digits).
    @Test func theBoundsHoldForTheFileAndTheGet() async throws {
        let bodies = [
            quickRunBody(alphas: [0.5, 1, 2], iterations: 300, errorEvery: 1),
            quickRunBody(alphas: [10, 100], iterations: 200, errorEvery: 3, hiddenSize: 0),
            #"{"dataset": {"inputs": [[0,0,1],[0,1,1],[1,0,1],[1,1,1],[0.5,0.25,1]], "targets": [[0,1],[1,0],[1,1],[0,0],[0.5,0.5]]}, "alphas": [0.3, 3], "hidden_sizes": [2, 7], "iterations": 150, "error_every": 7, "name": "a name \u2028 with \"quotes\"", "labels": {"k": "v\n"}}"#,
            quickRunBody(
                extra:
                    #", "name": "\#(String(repeating: "\u{2028}", count: 200))", "labels": {\#((0..<32).map { #""k\#($0)\#(String(repeating: "é", count: 60))": "\#(String(repeating: #"\""#, count: 256))""# }.joined(separator: ","))}"#
            ),
        ]
        try await withService { service in
            for body in bodies {
                let id = try await service.client.submit(body)
                _ = try await service.client.waitUntilFinished(id)
                let served = try await service.client.get("/runs/\(id)").body.count
                let stored = try await offPool {
                    try FileManager.default.attributesOfItem(atPath: service.dataDirectory + "/runs/\(id).json")[.size] as! Int
                }
                let bound = RunSizeBound(try request(body))
                #expect(served <= bound.served, "\(body)")
                #expect(stored <= bound.stored, "\(body)")
                #expect(bound.served <= 3 * served + 4096, "served \(served), bound \(bound.served): \(body)")
            }
        }
    }

    /// `--max-data-bytes`: a run whose file would pass it gets 507 naming the budget, nothing
    /// kept is evicted for it, deleting a run makes room again, and /metrics shows the count.
    @Test func theDataBudgetRefusesWith507AndDeletingMakesRoom() async throws {
        let body = quickRunBody(iterations: 200, errorEvery: 1)
        let bound = RunSizeBound(try request(body)).stored
        try await withService(configure: { $0.registry.maxDataBytes = 2 * bound + bound / 2 }) { service in
            let first = try await service.client.submit(body)
            let second = try await service.client.submit(body)
            let refused = try await service.client.send("POST", "/runs", body: body)
            #expect(refused.status == 507)
            #expect(refused.headers["content-type"] == "application/problem+json")
            let detail = try refused.json()["detail"] as? String ?? ""
            #expect(detail.contains("--max-data-bytes"), "\(detail)")
            #expect(detail.contains("DELETE /runs/{id}"), "\(detail)")
            for id in [first, second] { #expect(try await service.client.get("/runs/\(id)").status == 200) }
            let metrics = try await service.client.get("/metrics").text
            #expect(metrics.contains("backpropd_data_bytes{state=\"kept\"} \(2 * bound)"), "\(metrics)")
            // A PATCH of the labels moves the bound by their bytes.
            let patched = try await service.client.send(
                "PATCH", "/runs/\(second)", body: #"{"labels": {"team": "numerics"}}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200, "\(patched.text)")
            let grown =
                2 * bound + RunSizeBound.metadataBytes(name: nil, labels: ["team": "numerics"]) - RunSizeBound.metadataBytes(name: nil, labels: [:])
            let after = try await service.client.get("/metrics").text
            #expect(after.contains("backpropd_data_bytes{state=\"kept\"} \(grown)"), "\(after)")
            _ = try await service.client.waitUntilFinished(first)
            #expect(try await service.client.send("DELETE", "/runs/\(first)").status == 204)
            _ = try await service.client.submit(body)
        }
    }

    /// Stored runs over the budget (it was lowered, or they came from elsewhere) are all loaded:
    /// nothing kept is dropped; only new runs are refused.
    @Test func storedRunsOverTheBudgetStayAndNewOnesAreRefused() async throws {
        let directory = temporaryDirectory("data-budget")
        let body = quickRunBody(iterations: 100, errorEvery: 1)
        let ids = try await withService(dataDirectory: directory) { service in
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await service.client.submit(body)) }
            for id in ids { _ = try await service.client.waitUntilFinished(id) }
            return ids
        }
        let bound = RunSizeBound(try request(body)).stored
        try await withService(dataDirectory: directory, configure: { $0.registry.maxDataBytes = bound }) { service in
            for id in ids {
                let stored = try await service.client.get("/runs/\(id)")
                #expect(stored.status == 200)
            }
            let refused = try await service.client.send("POST", "/runs", body: body)
            #expect(refused.status == 507)
        }
    }

    /// Checkpoints store what a restart uses: while no trial finishes, a training run's file is
    /// not rewritten however often the interval passes (it was re-encoded in full every 2 s).
    @Test func checkpointsDoNotRewriteARunForProgressAlone() async throws {
        let body = #"{"dataset": "xor", "alphas": [1], "hidden_sizes": [4, 8], "iterations": 400000, "error_every": 1000}"#
        try await withService(configure: {
            $0.registry.checkpointMilliseconds = 20; $0.registry.workers = 1
        }) { service in
            let id = try await service.client.submit(body)
            let path = service.dataDirectory + "/runs/\(id).json"
            func inode() async throws -> UInt64 {
                try await offPool { (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as! NSNumber).uint64Value }
            }
            var seen: Set<UInt64> = []
            var samples = 0
            var settled = false
            while true {
                let run = try await service.client.get("/runs/\(id)").json()
                let progress = run["progress"] as! [String: Any]
                guard run["status"] as? String == "running", progress["trials_done"] as? Int == 0,
                    progress["iterations_done"] as? Int ?? 0 > 0
                else {
                    if run["status"] as? String == "queued" { try await Task.sleep(for: .milliseconds(20)); continue }
                    break
                }
                // The write of the `running` state may still be on its way: let it land first.
                if !settled { try await Task.sleep(for: .milliseconds(300)); settled = true; continue }
                let now = try await inode()
                // Training must still be going on after the sample, or the write could be the last trial's.
                let after = try await service.client.get("/runs/\(id)").json()
                guard (after["progress"] as! [String: Any])["trials_done"] as? Int == 0 else { break }
                seen.insert(now)
                samples += 1
                try await Task.sleep(for: .milliseconds(60))
            }
            #expect(seen.count <= 1, "the file was rewritten \(seen.count - 1) times while only progress changed (\(samples) samples)")
            _ = try await service.client.waitUntilFinished(id)
            let stored = try await offPool { try String(contentsOfFile: path, encoding: .utf8) }
            #expect(stored.contains("\"status\":\"succeeded\""))
        }
    }
}
