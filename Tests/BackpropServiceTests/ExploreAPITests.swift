import Backprop
import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 14 over HTTP: list filters and orders, PATCH, CSV, one trial, curve windows and what a
/// run records about what trained it.
@Suite struct ExploreAPITests {
    static func ids(_ result: HTTPResult) throws -> [String] {
        try #require(try result.json()["runs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test func listFiltersOrdersAndPagesOverHTTP() async throws {
        try await withService { service in
            let client = service.client
            // Each alpha learns XOR in 300 iterations, to a different error (1: 0.24, 8: 0.021).
            let specs: [(name: String, team: String, alpha: Double)] = [
                ("Baseline, small", "red", 1), ("BASELINE large", "blue", 8), ("ablation", "red", 2), ("other", "red", 4),
            ]
            var ids: [String] = []
            for spec in specs {
                ids.append(
                    try await client.submit(
                        quickRunBody(alphas: [spec.alpha], extra: #", "name": "\#(spec.name)", "labels": {"team": "\#(spec.team)", "project": "x"}"#))
                )
            }
            for id in ids { _ = try await client.waitUntilFinished(id) }
            let cancelled = try await client.submit(
                untilCancelledRunBody(extra: #", "labels": {"team": "red"}"#))
            _ = try await client.send("POST", "/runs/\(cancelled)/cancel")

            #expect(try Self.ids(try await client.get("/runs")) == [cancelled] + ids.reversed(), "newest first by default")
            #expect(try Self.ids(try await client.get("/runs?label=team:red")) == [cancelled, ids[3], ids[2], ids[0]])
            #expect(try Self.ids(try await client.get("/runs?label=team:red&label=project:x")) == [ids[3], ids[2], ids[0]], "every label must match")
            #expect(try Self.ids(try await client.get("/runs?label=team:green")).isEmpty)
            #expect(try Self.ids(try await client.get("/runs?q=baseline")) == [ids[1], ids[0]], "q: case-insensitive, in the name")
            #expect(try Self.ids(try await client.get("/runs?q=\(Self.encoded("line, s"))")) == [ids[0]])
            #expect(try Self.ids(try await client.get("/runs?status=cancelled")) == [cancelled])
            #expect(try Self.ids(try await client.get("/runs?status=succeeded&label=team:red&q=A")) == [ids[2], ids[0]], "every filter at once")

            let byError = try await client.get("/runs?sort=best_error")
            let runs = try #require(try byError.json()["runs"] as? [[String: Any]])
            let errors = runs.map { (($0["summary"] as? [String: Any])?["best"] as? [String: Any])?["final_error"] as? Double }
            let known = errors.prefix { $0 != nil }.map { $0! }
            #expect(known.count == 4 && known == known.sorted(), "lowest first: \(errors)")
            #expect(runs.last?["id"] as? String == cancelled, "a run without a result comes last")

            // Pages of 2 in best_error order, each cursor from the one before: the same runs in the same order.
            var paged: [String] = []
            var path = "/runs?sort=best_error&limit=2"
            while true {
                let page = try await client.get(path)
                paged += try Self.ids(page)
                guard let cursor = try page.json()["next_cursor"] as? String else {
                    #expect(page.headers["link"] == nil)
                    break
                }
                let link = try #require(page.headers["link"])
                #expect(
                    link.hasPrefix("</runs?") && link.hasSuffix(">; rel=\"next\"") && link.contains("sort=best_error") && link.contains("cursor="))
                path = "/runs?sort=best_error&limit=2&cursor=\(cursor)"
            }
            #expect(paged == runs.compactMap { $0["id"] as? String })
        }
    }

    @Test func patchRenamesAndRelabelsWithMergeSemanticsAndPreconditions() async throws {
        let directory = temporaryDirectory("explore-patch")
        let id = try await withService(dataDirectory: directory) { service in
            let client = service.client
            let id = try await client.submit(quickRunBody(extra: #", "name": "first", "labels": {"a": "1", "b": "2"}"#))
            _ = try await client.waitUntilFinished(id)
            let before = try await client.get("/runs/\(id)")
            let etag = try #require(before.headers["etag"])
            let mergePatch = "application/merge-patch+json"

            let renamed = try await client.send(
                "PATCH", "/runs/\(id)", body: #"{"name": "second", "labels": {"a": null, "c": "3"}}"#,
                contentType: mergePatch, headers: ["If-Match": etag])
            #expect(renamed.status == 200, "\(renamed.text)")
            let summary = try renamed.json()
            #expect(summary["name"] as? String == "second")
            #expect(summary["labels"] as? [String: String] == ["b": "2", "c": "3"])
            #expect(summary["trials"] == nil, "the answer is the run as the list shows it")
            let newTag = try #require(renamed.headers["etag"])
            #expect(newTag != etag)
            let after = try await client.get("/runs/\(id)")
            #expect(after.headers["etag"] == newTag, "the answer's ETag is the run's")
            #expect(try after.json()["name"] as? String == "second")
            #expect((try after.json()["request"] as? [String: Any])?["name"] as? String == "first", "the request stays as submitted")
            #expect(try Self.ids(try await client.get("/runs?label=c:3")) == [id])
            #expect(try Self.ids(try await client.get("/runs?label=a:1")).isEmpty)
            #expect(try Self.ids(try await client.get("/runs?q=SECOND")) == [id])

            // A stale tag: 412, nothing changed.
            let stale = try await client.send(
                "PATCH", "/runs/\(id)", body: #"{"name": "third"}"#, contentType: mergePatch, headers: ["If-Match": etag])
            #expect(stale.status == 412)
            #expect(stale.headers["content-type"] == "application/problem+json")
            #expect(try await client.get("/runs/\(id)").headers["etag"] == newTag)
            let weak = try await client.send(
                "PATCH", "/runs/\(id)", body: #"{"name": "third"}"#, contentType: mergePatch, headers: ["If-Match": "W/\(newTag)"])
            #expect(weak.status == 412, "If-Match compares strongly")
            let any = try await client.send("PATCH", "/runs/\(id)", body: #"{"name": null}"#, contentType: mergePatch, headers: ["If-Match": "*"])
            let anyName = try any.json()["name"]
            #expect(any.status == 200 && anyName is NSNull)

            // Only name and labels: the others are named, nothing changes.
            let forbidden = try await client.send(
                "PATCH", "/runs/\(id)", body: #"{"alphas": [2], "status": "queued", "name": "x"}"#, contentType: mergePatch)
            #expect(forbidden.status == 422)
            let pointers = try #require(try forbidden.json()["errors"] as? [[String: Any]]).compactMap { $0["pointer"] as? String }
            #expect(pointers == ["/alphas", "/status"])
            #expect(try await client.get("/runs/\(id)").json()["name"] is NSNull)

            let tooMany = "{" + (0..<32).map { "\"k\($0)\": \"v\"" }.joined(separator: ", ") + "}"
            let overLimit = try await client.send("PATCH", "/runs/\(id)", body: #"{"labels": \#(tooMany)}"#, contentType: mergePatch)
            #expect(overLimit.status == 422, "2 labels + 32 new > 32")
            #expect(overLimit.text.contains("\"pointer\":\"/labels\""))

            let json = try await client.send("PATCH", "/runs/\(id)", body: #"{"name": "x"}"#, contentType: "application/json")
            #expect(json.status == 415)
            #expect(json.headers["accept-patch"] == mergePatch)
            #expect(try await client.send("PATCH", "/runs/0123456789abcdef0123456789abcdef", body: "{}", contentType: mergePatch).status == 404)
            #expect(try await client.send("PATCH", "/runs/\(id)", body: "{", contentType: mergePatch).status == 400)

            let final = try await client.send(
                "PATCH", "/runs/\(id)", body: #"{"name": "kept, \"quoted\""}"#, contentType: "application/merge-patch+json; charset=utf-8")
            #expect(final.status == 200)
            return id
        }
        // The change is stored: after a restart the run has its new name and labels, and its ETag.
        try await withService(dataDirectory: directory) { service in
            let run = try await service.client.get("/runs/\(id)").json()
            #expect(run["name"] as? String == "kept, \"quoted\"")
            #expect(run["labels"] as? [String: String] == ["b": "2", "c": "3"])
            #expect(try Self.ids(try await service.client.get("/runs?label=c:3")) == [id])
        }
    }

    @Test func csvOfARunAndOfTheListReadBackAsTheJSONSays() async throws {
        try await withService { service in
            let client = service.client
            let awkward = "Sweep, \"quoted\"\nsecond line"
            let nameJSON = awkward.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            let id = try await client.submit(
                quickRunBody(alphas: [0.5, 2], hiddenSize: 3, extra: #", "name": "\#(nameJSON)", "labels": {"team": "a,b", "zeta": "z"}"#))
            let other = try await client.submit(quickRunBody(alphas: [1], extra: #", "labels": {"alpha": "first"}"#))
            let run = try await client.waitUntilFinished(id)
            _ = try await client.waitUntilFinished(other)

            let byAccept = try await client.get("/runs/\(id)", headers: ["Accept": "text/csv"])
            let byQuery = try await client.get("/runs/\(id)?format=csv")
            #expect(byAccept.status == 200)
            #expect(byAccept.headers["content-type"] == "text/csv; charset=utf-8")
            #expect(byAccept.headers["vary"]?.contains("Accept") == true)
            #expect(byAccept.headers["content-disposition"] == "attachment; filename=\"run-\(id).csv\"")
            #expect(byAccept.body == byQuery.body)
            #expect(byAccept.headers["etag"] != (try await client.get("/runs/\(id)")).headers["etag"], "CSV and JSON are different representations")
            let rows = CSVWriterTests.parse(byAccept.text)
            #expect(rows.first == ["trial", "alpha", "hidden_size", "iteration", "error"])
            // The JSON read exactly (JSONSerialization rounds some doubles), each number as Swift writes it.
            let exact = try JSONValue.parse(Array(try await client.get("/runs/\(id)").body))
            var expected: [[String]] = []
            for (index, trial) in (exact["trials"]?.items ?? []).enumerated() {
                for point in trial["error_curve"]?.items ?? [] {
                    expected.append([
                        String(index), index == 0 ? "0.5" : "2", "3", String(Int(point["iteration"]!.number!)), String(point["error"]!.number!),
                    ])
                }
            }
            #expect(expected.count > 60)
            #expect(Array(rows.dropFirst()) == expected, "every point, as the JSON has it (doubles round-trip)")
            let etag = try #require(byAccept.headers["etag"])
            #expect(try await client.get("/runs/\(id)?format=csv", headers: ["If-None-Match": etag]).status == 304)

            let list = try await client.get("/runs?format=csv")
            #expect(list.headers["content-type"] == "text/csv; charset=utf-8")
            let table = CSVWriterTests.parse(list.text)
            #expect(
                table.first == [
                    "id", "name", "status", "created_at", "finished_at", "best_alpha", "best_hidden_size", "best_final_error",
                    "label:alpha", "label:team", "label:zeta",
                ])
            let best = try #require(exact["summary"]?["best"])
            let row = try #require(table.first { $0.first == id })
            #expect(
                row == [
                    id, awkward, "succeeded", run["created_at"] as! String, run["finished_at"] as! String,
                    "2", "3", String(best["final_error"]!.number!), "", "a,b", "z",
                ])
            #expect(best["alpha"]?.number == 2)
            #expect(table.first { $0.first == other }?.suffix(3) == ["first", "", ""])
            #expect(table.count == 3)
            // The filters apply to the CSV too; a page of it links to the next.
            let filtered = CSVWriterTests.parse(try await client.get("/runs?label=alpha:first", headers: ["Accept": "text/csv"]).text)
            #expect(filtered.count == 2 && filtered[1].first == other && filtered[0].last == "label:alpha")
            let page = try await client.get("/runs?format=csv&limit=1")
            #expect(CSVWriterTests.parse(page.text).count == 2)
            #expect(page.headers["link"]?.contains("format=csv") == true)
        }
    }

    @Test func oneTrialWithItsOwnValidatorsCursorsAndCSV() async throws {
        try await withService { service in
            let client = service.client
            let id = try await client.submit(quickRunBody(alphas: [0.5, 1, 2]))
            let run = try await client.waitUntilFinished(id)
            let trials = try #require(run["trials"] as? [[String: Any]])

            let result = try await client.get("/runs/\(id)/trials/1")
            #expect(result.status == 200)
            let trial = try JSONValue.parse(Array(result.body))
            #expect(trial["run"]?.string == id && trial["trial"]?.number == 1)
            #expect(trial["next"]?.string == run["next"] as? String)
            let exactRun = try JSONValue.parse(Array(try await client.get("/runs/\(id)").body))
            guard case .object(var members) = trial else { Issue.record("not an object"); return }
            for key in ["run", "trial", "next"] { members[key] = nil }
            #expect(JSONValue.object(members) == exactRun["trials"]?.items?[1], "the same as trials[1] of the run")
            let etag = try #require(result.headers["etag"])
            #expect(try await client.get("/runs/\(id)/trials/1", headers: ["If-None-Match": etag]).status == 304)
            #expect(try await client.get("/runs/\(id)/trials/2").headers["etag"] != etag)

            let since = try await client.get("/runs/\(id)/trials/2?since=200").json()
            let iterations = try #require(since["error_curve"] as? [[String: Any]]).compactMap { $0["iteration"] as? Int }
            #expect(!iterations.isEmpty && iterations.allSatisfy { $0 > 200 })
            let resumed = try await client.get("/runs/\(id)/trials/0?after=\(try #require(run["next"] as? String))").json()
            #expect((resumed["error_curve"] as? [Any])?.isEmpty == true, "nothing after the run's last cursor")

            let csv = CSVWriterTests.parse(try await client.get("/runs/\(id)/trials/2?format=csv").text)
            #expect(csv.count == 1 + ((trials[2]["error_curve"] as? [Any])?.count ?? -1))
            #expect(csv.dropFirst().allSatisfy { $0[0] == "2" && $0[1] == "2" })

            for bad in ["3", "-1", "01x", "99999999999999999999", "a"] {
                #expect(try await client.get("/runs/\(id)/trials/\(bad)").status == 404, "\(bad)")
            }
            #expect(try await client.get("/runs/0123456789abcdef0123456789abcdef/trials/0").status == 404)
        }
    }

    @Test func pointsCapEveryCurveAndWindowsZoomToFullResolution() async throws {
        try await withService { service in
            let client = service.client
            let id = try await client.submit(quickRunBody(alphas: [0.5, 4], iterations: 5_000, errorEvery: 1))
            let full = try await client.waitUntilFinished(id)
            let fullCurves = try #require(full["trials"] as? [[String: Any]]).map { $0["error_curve"] as! [[String: Any]] }
            #expect(fullCurves.allSatisfy { $0.count == 5_001 })

            let capped = try await client.get("/runs/\(id)?points=100")
            let cappedCurves = try #require(try capped.json()["trials"] as? [[String: Any]]).map { $0["error_curve"] as! [[String: Any]] }
            for (curve, whole) in zip(cappedCurves, fullCurves) {
                #expect(curve.count <= 100 && curve.count >= 90)
                #expect(curve.first?["iteration"] as? Int == 0 && curve.last?["iteration"] as? Int == 5_000)
                let errors = whole.compactMap { $0["error"] as? Double }
                #expect(curve.compactMap { $0["error"] as? Double }.max() == errors.max(), "the highest point survives")
                #expect(curve.compactMap { $0["error"] as? Double }.min() == errors.min(), "and the lowest")
            }
            #expect(capped.body.count * 10 < (try await client.get("/runs/\(id)")).body.count)
            #expect(capped.headers["etag"] != (try await client.get("/runs/\(id)")).headers["etag"])

            // Zoomed in: the window at full resolution once it fits.
            let zoomed = try await client.get("/runs/\(id)?points=100&from=1000&to=1080").json()
            let zoomedCurve = try #require((zoomed["trials"] as? [[String: Any]])?.first?["error_curve"] as? [[String: Any]])
            #expect(zoomedCurve.compactMap { $0["iteration"] as? Int } == Array(1_000...1_080))
            // Without points nothing changes.
            #expect(try await client.get("/runs/\(id)?from=0").body.count == (try await client.get("/runs/\(id)?points=100000")).body.count)
            // The same for one trial and for CSV.
            let trial = try await client.get("/runs/\(id)/trials/1?points=10&format=csv")
            #expect(CSVWriterTests.parse(trial.text).count <= 11)
        }
    }

    @Test func aRunRecordsWhatTrainedItAndHowLongItWaited() async throws {
        try await withService { service in
            let client = service.client
            let id = try await client.submit(quickRunBody())
            let run = try await client.waitUntilFinished(id)
            let engine = try #require(run["engine"] as? [String: Any])
            #expect(engine["version"] as? String == EngineIdentity.version)
            #expect(engine["code_path"] as? String == CodePath.fastest.instructionSet.description)
            #expect(["baseline", "avx2", "avx512"].contains(engine["code_path"] as? String ?? ""))
            let queued = try #require(run["queued_ms"] as? Int)
            let duration = try #require(run["duration_ms"] as? Int)
            func millis(_ key: String) throws -> Int64 {
                let text = try #require(run[key] as? String)
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                return Int64((try #require(formatter.date(from: text))).timeIntervalSince1970 * 1000 + 0.5)
            }
            #expect(Int64(queued) == (try millis("started_at")) - (try millis("created_at")))
            #expect(Int64(duration) == (try millis("finished_at")) - (try millis("started_at")))
            #expect((run["fingerprint"] as? String)?.count == 64)
            let listed = try #require(try await client.get("/runs").json()["runs"] as? [[String: Any]]).first
            #expect(listed?["fingerprint"] as? String == run["fingerprint"] as? String)
            #expect((listed?["engine"] as? [String: Any])?["code_path"] as? String == engine["code_path"] as? String)

            // Queued: neither number yet.
            let waiting = try await client.submit(untilCancelledRunBody())
            let blocked = try await client.submit(untilCancelledRunBody(alphas: [1, 2, 3, 4, 5, 6, 7, 8], hiddenSize: 64))
            let queuedRun = try await client.get("/runs/\(blocked)").json()
            if queuedRun["status"] as? String == "queued" {
                #expect(queuedRun["queued_ms"] is NSNull && queuedRun["duration_ms"] is NSNull)
                #expect((queuedRun["engine"] as? [String: Any])?["code_path"] is NSNull)
            }
            for id in [waiting, blocked] { _ = try await client.send("DELETE", "/runs/\(id)") }
        }
    }

    /// Two runs with the same fingerprint train to identical results; name and labels do not
    /// count, the dataset's values do (the built-in xor and the same rows inline are one).
    @Test func sameFingerprintSameResults() async throws {
        try await withService { service in
            let client = service.client
            let base = #"{"alphas": [0.5, 3], "hidden_sizes": [2, 5], "iterations": 400, "error_every": 7"#
            let a = try await client.submit(base + #", "dataset": "xor", "name": "a", "labels": {"k": "1"}}"#)
            let b = try await client.submit(
                base + #", "dataset": {"inputs": [[0,0,1],[0,1,1],[1,0,1],[1,1,1]], "targets": [[0],[1],[1],[0]]}, "name": "b"}"#)
            let c = try await client.submit(base + #", "dataset": "xor", "seed": 2}"#)
            for id in [a, b, c] { _ = try await client.waitUntilFinished(id) }
            var runs: [JSONValue] = []
            for id in [a, b, c] { runs.append(try JSONValue.parse(Array(try await client.get("/runs/\(id)").body))) }
            let fingerprints = runs.map { $0["fingerprint"]?.string }
            #expect(fingerprints[0] == fingerprints[1])
            #expect(fingerprints[0] != fingerprints[2], "the seed determines the results")
            /// The trials without their wall time: curves, weights, direction counts, outputs, bit for bit.
            func results(_ run: JSONValue) -> [JSONValue] {
                (run["trials"]?.items ?? []).map { trial in
                    guard case .object(var members) = trial else { return trial }
                    members["batch_duration_ms"] = nil
                    return .object(members)
                }
            }
            #expect(results(runs[0]).count == 4)
            #expect(results(runs[0]) == results(runs[1]), "identical curves, weights, direction counts and outputs")
            #expect(results(runs[0]) != results(runs[2]))

            // The fingerprint as api.md says to compute it, in Python.
            let script = """
                import hashlib, struct
                inputs = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]]; targets = [[0],[1],[1],[0]]
                alphas = [0.5, 3]; hidden = [2, 5]; iterations, error_every, seed = 400, 7, 1
                u = lambda n: struct.pack(">Q", n); d = lambda x: struct.pack(">d", x)
                data = b"backpropd-fingerprint-1\\0" + b"\(EngineIdentity.version)" + b"\\0"
                data += u(len(inputs)) + u(len(inputs[0])) + u(len(targets[0]))
                data += b"".join(d(v) for row in inputs for v in row) + b"".join(d(v) for row in targets for v in row)
                data += u(len(alphas)) + b"".join(d(a) for a in alphas) + u(len(hidden)) + b"".join(u(h) for h in hidden)
                data += u(iterations) + u(error_every) + u(seed)
                print(hashlib.sha256(data).hexdigest())
                """
            let (status, output) = try await runProcess("/usr/bin/env", ["python3", "-c", script])
            #expect(status == 0)
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == fingerprints[0])
        }
    }
}

/// Reading the API's JSON exactly (the service's own parser) in tests.
extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var items: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var number: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
