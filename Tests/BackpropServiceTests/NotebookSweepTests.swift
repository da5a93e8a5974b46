import Foundation
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The notebook's sweep submitted over HTTP (and read back over curl) gives the notebook's figures.
@Suite struct NotebookSweepTests {
    @Test func alphaSweepOverHTTPReproducesTheNotebook() async throws {
        try await withService { service in
            let id = try await service.client.submit(
                #"{"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000], "hidden_size": 4, "error_every": 100}"#)
            _ = try await service.client.waitUntilFinished(id, timeout: .seconds(300))
            let (status, text) = try await curl(["http://127.0.0.1:\(service.port)/runs/\(id)"])
            #expect(status == 0)
            let run = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(run["status"] as? String == "succeeded")
            let trials = try #require(run["trials"] as? [[String: Any]])
            #expect(trials.count == 7)
            let figures = notebookFigures.filter { $0.caseName == "xor-h4" }
            #expect(figures.count == 85)
            for figure in figures {
                let trial = try #require(trials.first { $0["alpha"] as? Double == figure.alpha })
                let got: Double
                switch figure.what {
                case "error":
                    let curve = trial["error_curve"] as? [[String: Any]] ?? []
                    let point = curve.first { $0["iteration"] as? Int == figure.iteration }
                    // Exact digits from the text, not JSONSerialization's rounding.
                    guard let exact = point.flatMap({ errorText(of: $0, alpha: figure.alpha!, in: text) }) else {
                        Issue.record("no point at iteration \(figure.iteration!) for alpha \(figure.alpha!)"); continue
                    }
                    got = exact
                    #expect(abs(got - figure.value) <= 1e-9 * abs(figure.value), "alpha \(figure.alpha!) iteration \(figure.iteration!)")
                    continue
                case "synapses":
                    got = try #require(((trial["synapses"] as? [[[Double]]])?[figure.layer!][figure.row!][figure.column!]))
                case "direction_changes":
                    got = Double(try #require(((trial["direction_changes"] as? [[[Int]]])?[figure.layer!][figure.row!][figure.column!])))
                default:
                    Issue.record("unknown figure \(figure.what)"); continue
                }
                #expect(
                    abs(got - figure.value) <= 5.1e-9, "\(figure.what) alpha \(figure.alpha!) [\(figure.layer!)][\(figure.row!)][\(figure.column!)]")
            }
            let summary = try #require(run["summary"] as? [String: Any])
            let best = try #require(summary["best"] as? [String: Any])
            let finalErrors = trials.compactMap { trial in trial["status"] as? String == "succeeded" ? trial["final_error"] as? Double : nil }
            #expect(best["final_error"] as? Double == finalErrors.min())
        }
    }

    @Test func twoLayerCellOverHTTPPrintsTheNotebooksOutputs() async throws {
        try await withService { service in
            // In [2] prints layer_1 of its last loop pass: the outputs after 9999 updates.
            let id = try await service.client.submit(#"{"dataset": "first-column", "alphas": [1], "hidden_size": 0, "iterations": 9999}"#)
            let run = try await service.client.waitUntilFinished(id)
            let outputs = try #require(((run["trials"] as? [[String: Any]])?.first?["outputs"] as? [[Double]]))
            for figure in notebookFigures where figure.caseName == "first-column" {
                #expect(abs(outputs[figure.row!][0] - figure.value) <= 5.1e-9, "row \(figure.row!)")
            }
        }
    }
}

/// The error of a curve point as written in the response text, parsed with Swift's exact reader.
private func errorText(of point: [String: Any], alpha: Double, in text: String) -> Double? {
    var writer = JSONWriter()
    writer.double(alpha)
    let trialStart = "{\"alpha\":" + String(decoding: writer.bytes, as: UTF8.self) + ",\"hidden_size\""
    guard let iteration = point["iteration"] as? Int, let trial = text.firstRange(of: trialStart),
        let range = text[trial.upperBound...].firstRange(of: "{\"iteration\":\(iteration),\"error\":")
    else { return nil }
    return Double(String(text[range.upperBound...].prefix { "0123456789.eE+-".contains($0) }))
}
