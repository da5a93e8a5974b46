import Foundation
import TestSupport
import Testing

/// The real binary: start-up, kill -9 and restart, SIGTERM. Serialized: each test trains on
/// both cores.
@Suite(.serialized) struct ServeProcessTests {
    /// Runs long enough (a few hundred ms to seconds on 2 cores) to be caught mid-training.
    static let sweeps: [String] = [
        #"{"dataset": "xor", "alphas": [0.5, 1, 2, 4, 8], "hidden_size": 16, "iterations": 400000, "error_every": 4000}"#,
        #"{"dataset": "xor", "alphas": [0.1, 1], "hidden_sizes": [2, 8], "iterations": 300000, "error_every": 3000, "seed": 5}"#,
        #"{"dataset": "first-column", "alphas": [1, 3], "hidden_size": 0, "iterations": 200000, "error_every": 2000}"#,
        #"{"dataset": "xor", "alphas": [0.01, 10], "hidden_size": 32, "iterations": 200000, "error_every": 2000}"#,
    ]

    @Test func killMinus9MidTrainingThenRestartFinishesWithTheResultsOfAnUninterruptedServer() async throws {
        let directory = temporaryDirectory("kill9")
        let first = try await ServerProcess.start(["--data-dir", directory, "--checkpoint-interval", "50", "--workers", "2"])
        var ids: [String] = []
        for body in Self.sweeps {
            let (status, text) = try await request("POST", first.port, "/runs", body: body)
            #expect(status == 202)
            ids.append(jsonObject(text)["id"] as? String ?? "")
        }
        // Kill as soon as some training happened and some is left.
        var caughtMidway = false
        for _ in 0..<2000 where !caughtMidway {
            let statuses = try await ids.asyncMap { id in try await request("GET", first.port, "/runs/\(id)").text }
                .map { jsonObject($0) }
            let done = statuses.map { ($0["progress"] as? [String: Any])?["iterations_done"] as? Int ?? 0 }
            caughtMidway = done.contains { $0 > 0 } && statuses.contains { $0["status"] as? String != "succeeded" }
            if !caughtMidway { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(caughtMidway)
        first.signal(SIGKILL)
        #expect(await first.waitForExit(timeout: 10) != nil)

        let restarted = try await ServerProcess.start(["--data-dir", directory, "--workers", "2"])
        #expect(restarted.log.contains("requeued="))
        let resumed = try await ids.asyncMap { try await finishedTrials(of: $0, port: restarted.port) }
        restarted.signal(SIGTERM)
        #expect(await restarted.waitForExit(timeout: 10) == 0)

        let reference = try await ServerProcess.start(["--data-dir", temporaryDirectory("reference"), "--workers", "2"])
        var expected: [String] = []
        for body in Self.sweeps {
            let id = jsonObject(try await request("POST", reference.port, "/runs", body: body).text)["id"] as? String ?? ""
            expected.append(try await finishedTrials(of: id, port: reference.port))
        }
        reference.signal(SIGTERM)
        #expect(await reference.waitForExit(timeout: 10) == 0)
        for (index, (got, want)) in zip(resumed, expected).enumerated() {
            #expect(got == want, "run \(index) differs after kill -9 and restart")
        }
    }

    @Test func sigtermExitsZeroQuicklyAndLosesNothing() async throws {
        let directory = temporaryDirectory("sigterm")
        let server = try await ServerProcess.start(["--data-dir", directory, "--workers", "1"])
        let quick = jsonObject(try await request("POST", server.port, "/runs", body: #"{"dataset": "xor", "alphas": [1], "iterations": 100}"#).text)["id"] as? String ?? ""
        let long = jsonObject(try await request("POST", server.port, "/runs", body: Self.sweeps[0]).text)["id"] as? String ?? ""
        var running = false
        for _ in 0..<2000 where !running {
            running = jsonObject(try await request("GET", server.port, "/runs/\(long)").text)["status"] as? String == "running"
            if !running { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(running)
        let signalled = Date()
        server.signal(SIGTERM)
        #expect(await server.waitForExit(timeout: 10) == 0)
        #expect(Date().timeIntervalSince(signalled) < TestTime.scaled(10))
        #expect(server.log.contains("stopped"))

        let stored = try String(contentsOfFile: directory + "/runs/\(long).json", encoding: .utf8)
        #expect(jsonObject(stored)["status"] as? String == "queued")
        let restarted = try await ServerProcess.start(["--data-dir", directory])
        #expect(jsonObject(try await request("GET", restarted.port, "/runs/\(quick)").text)["status"] as? String == "succeeded")
        _ = try await finishedTrials(of: long, port: restarted.port)
        restarted.signal(SIGINT)
        #expect(await restarted.waitForExit(timeout: 10) == 0)
    }

    @Test func unusableDataDirectoryIsAClearStartUpError() async throws {
        let (status, output) = try await runProcess(ServerProcess.executable, ["--port", "0", "--data-dir", "/proc/version/data"])
        #expect(status == 1)
        #expect(output.contains("data directory /proc/version/data is not usable"))
        #expect(output.contains("--data-dir"))
    }

    @Test func helpListsFlagsWithTheirVariablesAndJSONLogsAreOneObjectPerLine() async throws {
        let (status, help) = try await runProcess(ServerProcess.executable, ["serve", "--help"])
        #expect(status == 0)
        #expect(help.contains("--api-token TOKEN") && help.contains("BACKPROPD_API_TOKEN"))

        let server = try await ServerProcess.start(["--data-dir", temporaryDirectory("json-log")], environment: ["BACKPROPD_LOG_FORMAT": "json"])
        _ = try await request("GET", server.port, "/healthz")
        server.signal(SIGTERM)
        #expect(await server.waitForExit(timeout: 10) == 0)
        let lines = server.log.split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = jsonObject(String(line))
            #expect(object["time"] is String && object["level"] is String && object["msg"] is String, "\(line)")
        }
        let access = lines.map { jsonObject(String($0)) }.first { $0["msg"] as? String == "http" }
        #expect(access?["path"] as? String == "/healthz")
        // Issue 13: numbers were written as strings ("status":"200").
        #expect(access?["status"] as? Int == 200, "\(access ?? [:])")
        #expect((access?["bytes"] as? Int ?? 0) > 0)
        #expect(access?["duration_ms"] is Double || access?["duration_ms"] is Int)
        #expect(!(access?["duration_ms"] is String))
        #expect((access?["request_id"] as? String)?.isEmpty == false)
        #expect(access?["method"] as? String == "GET")
        let listening = lines.map { jsonObject(String($0)) }.first { ($0["msg"] as? String)?.hasPrefix("listening on") == true }
        #expect(listening?["workers"] as? Int ?? 0 >= 1, "\(listening ?? [:])")
    }
}

/// Waits for the run to finish and returns its trials' JSON text without `batch_duration_ms`
/// (the one field allowed to differ between servers).
func finishedTrials(of id: String, port: Int) async throws -> String {
    let deadline = Date().addingTimeInterval(TestTime.scaled(600))
    while Date() < deadline {
        let (_, text) = try await request("GET", port, "/runs/\(id)?wait=10")
        let status = jsonObject(text)["status"] as? String
        if status == "succeeded" {
            guard let start = text.firstRange(of: "\"trials\":") else { return "" }
            return String(text[start.lowerBound...]).replacing(/"batch_duration_ms":[-0-9.eE+]+/, with: "")
        }
        #expect(status == "queued" || status == "running")
    }
    throw ServerProcess.Failure(description: "run \(id) did not finish")
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
