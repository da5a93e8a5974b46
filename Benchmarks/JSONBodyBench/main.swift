import Foundation

var rows: [String] = []
for r in 0..<1024 { rows.append("[" + (0..<96).map { c in String(Double((r * 97 + c) % 1000) / 7.0) }.joined(separator: ",") + "]") }
let targets = (0..<1024).map { "[\($0 % 2)]" }.joined(separator: ",")
let body = Array(
    #"{"dataset": {"inputs": [\#(rows.joined(separator: ","))], "targets": [\#(targets)]}, "alphas": [1], "hidden_size": 4, "iterations": 10}"#.utf8)
print("body bytes", body.count)
func time(_ name: String, _ f: () throws -> Void) rethrows {
    var best = Double.infinity
    for _ in 0..<15 {
        let t = ContinuousClock.now; try f(); let d = ContinuousClock.now - t;
        best = min(best, Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
    }
    print(name, String(format: "%.1f ms (best of 15)", best))
}
var limits = ServiceLimits()
limits.maxDatasetValues = 1_000_000
try time("old: JSONDecoder → JSONValue") { _ = try OldJSONValue.parse(body) }
try time("new: JSONParser → JSONDocument") { _ = try JSONDocument(parsing: body) }
time("new: parse + validate (RunRequest)") { _ = try! RunRequest(parsing: body, limits: limits) }
