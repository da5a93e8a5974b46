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
        // The stored runs load after the server listens (start-up never blocks on them).
        for _ in 0..<Int(TestTime.scaled(20) / 0.02) where !restarted.log.contains("runs loaded") {
            try await Task.sleep(for: .milliseconds(20))
        }
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
        let quick =
            jsonObject(try await request("POST", server.port, "/runs", body: #"{"dataset": "xor", "alphas": [1], "iterations": 100}"#).text)["id"]
            as? String ?? ""
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

    /// Issue 16: `--host 0.0.0.0` with no token started without a warning; `--api-token` on
    /// the command line shows in `ps` without a word.
    @Test func aReachableAddressNeedsATokenOrAnExplicitOptOut() async throws {
        let (status, output) = try await runProcess(
            ServerProcess.executable,
            [
                "serve", "--host", "0.0.0.0", "--port", "0",
                "--data-dir", temporaryDirectory("open"),
            ], mergingErrors: true)
        #expect(status == 1)
        #expect(output.contains("refusing to serve 0.0.0.0 without an API token") && output.contains("--allow-unauthenticated"), "\(output)")

        let allowed = try await ServerProcess.start(
            ["--data-dir", temporaryDirectory("allowed"), "--host", "127.0.0.1"],
            environment: ["BACKPROPD_ALLOW_UNAUTHENTICATED": "1"])
        allowed.signal(SIGTERM)
        #expect(await allowed.waitForExit(timeout: 10) == 0)

        let visible = try await ServerProcess.start([
            "--data-dir", temporaryDirectory("visible"), "--api-token", "a-token-long-enough-to-give-no-warning",
        ])
        #expect(try await request("GET", visible.port, "/runs").status == 401)
        visible.signal(SIGTERM)
        #expect(await visible.waitForExit(timeout: 10) == 0)
        #expect(visible.log.contains("WARNING --api-token on the command line is visible"), "\(visible.log)")
    }

    /// Issue 16: a FIFO named `runs/<id>.json` blocked start-up forever; a newer version's file
    /// was renamed `*.corrupt-…` and not counted; runs loaded before the server listened, while
    /// SIGTERM was ignored.
    @Test func startUpListensFirstSkipsWhatItCannotReadAndHonoursSIGTERMWhileLoading() async throws {
        let directory = temporaryDirectory("startup")
        let first = try await ServerProcess.start(["--data-dir", directory])
        // 64,000 curve points: a file the debug build takes a second or two to decode.
        let alphas = (1...64).map { String(Double($0) / 8) }.joined(separator: ", ")
        let big = #"{"dataset": "xor", "alphas": [\#(alphas)], "hidden_size": 4, "iterations": 10000, "error_every": 10}"#
        let (status, text) = try await request("POST", first.port, "/runs", body: big)
        try #require(status == 202, "\(text)")
        let id = jsonObject(text)["id"] as? String ?? ""
        _ = try await finishedTrials(of: id, port: first.port)
        first.signal(SIGTERM)
        #expect(await first.waitForExit(timeout: 10) == 0)

        let runs = directory + "/runs/"
        let stored = try String(contentsOfFile: runs + id + ".json", encoding: .utf8)
        for copy in 0..<6 {
            let other = String(format: "%032x", copy + 1)
            try stored.replacing(id, with: other).write(toFile: runs + other + ".json", atomically: true, encoding: .utf8)
        }
        let fifo = runs + String(repeating: "f", count: 32) + ".json"
        #expect(mkfifo(fifo, 0o600) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: runs + String(repeating: "e", count: 32) + ".json", withDestinationPath: runs + id + ".json")
        let newer = runs + String(repeating: "d", count: 32) + ".json"
        try #"{"format": 99, "id": "dddddddddddddddddddddddddddddddd"}"#.write(toFile: newer, atomically: true, encoding: .utf8)

        // Listening before the runs are read; SIGTERM while they are is honoured at once.
        let loading = try await ServerProcess.start(["--data-dir", directory], waitForRuns: false)
        #expect(try await request("GET", loading.port, "/healthz").status == 200)
        let ready = try await request("GET", loading.port, "/readyz")
        #expect(ready.status == 503 || loading.log.contains("runs loaded"), "\(ready.text)")
        loading.signal(SIGTERM)
        #expect(await loading.waitForExit(timeout: 10) == 0, "\(loading.log)")

        let server = try await ServerProcess.start(["--data-dir", directory], waitForRuns: false)
        var readiness = 0
        for _ in 0..<Int(TestTime.scaled(600)) where readiness != 200 {
            readiness = try await request("GET", server.port, "/readyz").status
            if readiness != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(readiness == 200)
        let listed = jsonObject(try await request("GET", server.port, "/runs?limit=100").text)["runs"] as? [Any]
        #expect(listed?.count == 7)
        let metrics = try await request("GET", server.port, "/metrics").text
        #expect(metrics.contains(#"backpropd_run_files_skipped{reason="not_regular"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"backpropd_run_files_skipped{reason="unknown_format"} 1"#))
        server.signal(SIGTERM)
        #expect(await server.waitForExit(timeout: 10) == 0)
        #expect(server.log.contains("run file left where it is file=\(fifo) reason=not_regular"), "\(server.log)")
        #expect(server.log.contains("file=\(newer) reason=unknown_format detail=\"format 99"))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(FileManager.default.fileExists(atPath: newer))
    }

    /// Issue 16: with umask 022 run files were 0644 (inline datasets readable by all).
    @Test func runFilesArePrivateWhateverTheUmask() async throws {
        for mask in ["022", "277"] {
            let directory = temporaryDirectory("umask") + "/data"
            let server = try await ServerProcess.start(["--data-dir", directory], umask: mask)
            let id =
                jsonObject(try await request("POST", server.port, "/runs", body: #"{"dataset": "xor", "alphas": [1], "iterations": 100}"#).text)["id"]
                as? String ?? ""
            server.signal(SIGTERM)
            #expect(await server.waitForExit(timeout: 10) == 0)
            func mode(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
            #expect(mode(directory) == 0o700, "umask \(mask)")
            #expect(mode(directory + "/runs") == 0o700, "umask \(mask)")
            #expect(mode(directory + "/runs/\(id).json") == 0o600, "umask \(mask)")
        }
    }

    @Test func unusableDataDirectoryIsAClearStartUpError() async throws {
        let (status, output) = try await runProcess(
            ServerProcess.executable, ["--port", "0", "--data-dir", "/proc/version/data"], mergingErrors: true)
        #expect(status == 1)
        #expect(output.contains("data directory /proc/version/data is not usable"))
        #expect(output.contains("--data-dir"))
    }

    @Test func helpListsFlagsWithTheirVariablesAndJSONLogsAreOneObjectPerLine() async throws {
        let (status, help) = try await runProcess(ServerProcess.executable, ["serve", "--help"], mergingErrors: true)
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
        let access = lines.map { jsonObject(String($0)) }.first { $0["msg"] as? String == "http" && $0["path"] as? String == "/healthz" }
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
