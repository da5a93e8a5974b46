import Testing

@testable import Backprop

/// Issue 13: alphas 100, 1000 and 10000 at hidden 32 end with every output 0.000 and error 0.500
/// (XOR's chance error), "succeeded"; the service named α 100 the best. A trial has learned only
/// when its final error is at most half its starting error.
@Suite struct TrialLearningTests {
    private func result(curve: [Double], status: TrialStatus = .succeeded) -> TrialResult {
        let points = curve.enumerated().map { CurvePoint(iteration: $0.offset * 10, error: $0.element) }
        return TrialResult(
            alpha: 1, hiddenSize: 1, status: status, divergedAtIteration: nil, iterationsDone: points.last!.iteration,
            errorCurve: points, finalError: curve.last, synapses: [], directionChanges: [],
            outputs: Matrix(rows: 0, columns: 0, values: []), durationMs: 0)
    }

    @Test func theRuleIsHalfTheStartingError() {
        #expect(result(curve: [0.5, 0.25]).learned)
        #expect(!result(curve: [0.5, 0.2500001]).learned)
        #expect(!result(curve: [0.5, 0.5]).learned)
        #expect(!result(curve: [0.5, 0.01], status: .diverged).learned, "a diverged trial never learned")
        #expect(result(curve: [0.5, 0.1], status: .cancelled).learned, "a cancelled trial is judged by what it reached")
    }

    @Test func saturatedLargeAlphasDidNotLearnAndGoodOnesDid() {
        let xor = Dataset.builtIn(named: "xor")!
        let specs = [100.0, 1000, 10000, 0.001, 10].map {
            TrialSpec(alpha: $0, hiddenSize: $0 == 0.001 || $0 == 10 ? 4 : 32, iterations: 60000, errorEvery: 10000, seed: 1)
        }
        let results = train(xor, specs)
        #expect(results[0..<3].allSatisfy { $0.status == .succeeded && $0.finalError == 0.5 }, "the case of the issue")
        #expect(results.map(\.learned) == [false, false, false, false, true])
    }
}
