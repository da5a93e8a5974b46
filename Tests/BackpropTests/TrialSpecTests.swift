import Foundation
import Testing

@testable import Backprop

@Suite struct TrialSpecTests {
    @Test func sweepListsHiddenSizesOutermost() {
        var sweep = Sweep.notebook
        sweep.hiddenSizes = [0, 8]
        sweep.alphas = [1, 2]
        #expect(sweep.trials.map(\.hiddenSize) == [0, 0, 8, 8])
        #expect(sweep.trials.map(\.alpha) == [1, 2, 1, 2])
        #expect(Sweep.notebook.trials.count == 7)
    }

    /// Issue 13: the default was iterations / 1000 (60 for the notebook's 60000, so no point at
    /// 10000 … 50000, the marks the notebook prints); it is the largest 1-2-5 step ≤ iterations / 1000.
    @Test(arguments: [
        (60_000, 50), (1, 1), (999, 1), (1000, 1), (1999, 1), (2000, 2), (4999, 2), (5000, 5), (10_000, 10),
        (25_000, 20), (99_999, 50), (100_000, 100), (10_000_000, 10_000),
    ])
    func defaultErrorEveryIsTheLargest125StepUnderAThousandth(iterations: Int, expected: Int) {
        #expect(Sweep.defaultErrorEvery(iterations: iterations) == expected)
        #expect(Sweep(dataset: .builtIn(named: "xor")!, alphas: [1], hiddenSizes: [4], iterations: iterations).errorEvery == expected)
    }

    @Test func notebookDefaultRecordsEveryMarkTheNotebookPrints() {
        let every = Sweep.notebook.errorEvery
        #expect(every == 50)
        #expect(stride(from: 0, through: 60_000, by: 10_000).allSatisfy { $0.isMultiple(of: every) })
    }

    @Test func defaultErrorEveryStaysWithinALoweredCurvePointLimit() {
        #expect(Sweep.defaultErrorEvery(iterations: 2000, maxCurvePoints: 1000) == 2)
        #expect(Sweep.defaultErrorEvery(iterations: 2000, maxCurvePoints: 500) == 5)
        #expect(Sweep.defaultErrorEvery(iterations: 60_000, maxCurvePoints: 100) == 1000)
        #expect(Sweep.defaultErrorEvery(iterations: 10_000_000, maxCurvePoints: 1) == 10_000_000)
    }

    @Test func resultEncodesTheAPIShapeWithNulls() throws {
        let result = train(.builtIn(named: "xor")!, [TrialSpec(alpha: 1, hiddenSize: 2, iterations: 20, errorEvery: 10, seed: 1)])[0]
        #expect(result.errorCurve.map(\.iteration) == [0, 10, 20])
        #expect(result.finalError == result.errorCurve.last?.error)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(
            Set(object.keys) == [
                "alpha", "hidden_size", "status", "diverged_at_iteration", "iterations_done", "error_curve",
                "final_error", "learned", "synapses", "direction_changes", "outputs", "duration_ms",
            ])
        #expect(object["learned"] as? Bool == false, "20 iterations at alpha 1 do not halve the error")
        #expect(object["diverged_at_iteration"] is NSNull)
        #expect(object["status"] as? String == "succeeded")
        #expect((object["error_curve"] as? [[String: Any]])?.first?.keys.sorted() == ["error", "iteration"])
        #expect((object["synapses"] as? [[[Double]]])?.map(\.count) == [3, 2])
        #expect((object["direction_changes"] as? [[[Int]]])?.map { $0.map(\.count) } == [[2, 2, 2], [1, 1]])
        let decoded = try JSONDecoder().decode(TrialResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }
}
