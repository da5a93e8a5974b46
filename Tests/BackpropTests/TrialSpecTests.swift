import Foundation
import Testing
@testable import Backprop

@Suite struct TrialSpecTests {
    @Test func validSpecHasNoIssues() {
        #expect(TrialSpec(alpha: 0.1, hiddenSize: 4, iterations: 60000, errorEvery: 10000, seed: 1).validationIssues().isEmpty)
    }

    @Test(arguments: [
        (TrialSpec(alpha: .nan, hiddenSize: 4, iterations: 10, errorEvery: 1, seed: 1), "/alpha"),
        (TrialSpec(alpha: -1, hiddenSize: 4, iterations: 10, errorEvery: 1, seed: 1), "/alpha"),
        (TrialSpec(alpha: 1, hiddenSize: -1, iterations: 10, errorEvery: 1, seed: 1), "/hidden_size"),
        (TrialSpec(alpha: 1, hiddenSize: 100_000, iterations: 10, errorEvery: 1, seed: 1), "/hidden_size"),
        (TrialSpec(alpha: 1, hiddenSize: 4, iterations: -5, errorEvery: 1, seed: 1), "/iterations"),
        (TrialSpec(alpha: 1, hiddenSize: 4, iterations: 10, errorEvery: 0, seed: 1), "/error_every"),
        (TrialSpec(alpha: 1, hiddenSize: 4, iterations: 1_000_000, errorEvery: 1, seed: 1), "/error_every"),
    ])
    func namesTheBadField(spec: TrialSpec, pointer: String) {
        #expect(spec.validationIssues().map(\.pointer) == [pointer])
    }

    @Test func sweepPointsIntoItsLists() {
        var sweep = Sweep.notebook
        sweep.alphas = [0.1, .infinity]
        sweep.hiddenSizes = [4, -2]
        #expect(sweep.validationIssues().map(\.pointer) == ["/alphas/1", "/hidden_sizes/1"])
        #expect(Sweep.notebook.validationIssues().isEmpty)
        #expect(Sweep.notebook.trials.count == 7)
    }

    @Test func curvePointCount() {
        #expect(TrialSpec(alpha: 1, hiddenSize: 4, iterations: 60000, errorEvery: 10000, seed: 1).curvePointCount == 7)
        #expect(TrialSpec(alpha: 1, hiddenSize: 4, iterations: 60001, errorEvery: 10000, seed: 1).curvePointCount == 8)
        #expect(TrialSpec(alpha: 1, hiddenSize: 4, iterations: 0, errorEvery: 10000, seed: 1).curvePointCount == 1)
    }

    @Test func resultEncodesTheAPIShapeWithNulls() throws {
        let result = train(.builtIn(named: "xor")!, [TrialSpec(alpha: 1, hiddenSize: 2, iterations: 20, errorEvery: 10, seed: 1)])[0]
        #expect(result.errorCurve.map(\.iteration) == [0, 10, 20])
        #expect(result.finalError == result.errorCurve.last?.error)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(Set(object.keys) == ["alpha", "hidden_size", "status", "diverged_at_iteration", "iterations_done", "error_curve",
                                     "final_error", "synapses", "direction_changes", "outputs", "duration_ms"])
        #expect(object["diverged_at_iteration"] is NSNull)
        #expect(object["status"] as? String == "succeeded")
        #expect((object["error_curve"] as? [[String: Any]])?.first?.keys.sorted() == ["error", "iteration"])
        #expect((object["synapses"] as? [[[Double]]])?.map(\.count) == [3, 2])
        #expect((object["direction_changes"] as? [[[Int]]])?.map { $0.map(\.count) } == [[2, 2, 2], [1, 1]])
        let decoded = try JSONDecoder().decode(TrialResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }
}
