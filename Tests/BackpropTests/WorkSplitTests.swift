import Testing
@testable import Backprop

/// The split rule: never split trials that fit one vector register; share out whole registers
/// (or, for networks trained alone, whole trials) when there are more.
@Suite struct WorkSplitTests {
    let avx512 = CodePath(instructionSet: .avx512, width: 8)!
    let avx2 = CodePath(instructionSet: .avx2, width: 4)!

    func specs(_ count: Int, hidden: Int = 4, iterations: Int = 100) -> [TrialSpec] {
        (0..<count).map { TrialSpec(alpha: Double($0 + 1), hiddenSize: hidden, iterations: iterations, errorEvery: 10, seed: 1) }
    }

    @Test func theNotebookSweepStaysWholeWhereItFitsOneRegisterAndIsSplitWhereItFillsTwo() {
        #expect(WorkSplit.shares(of: specs(7), workers: 2, path: avx512) == [Array(0..<7)])
        #expect(WorkSplit.shares(of: specs(7), workers: 2, path: avx2) == [[0, 1, 2, 3], [4, 5, 6]])
        #expect(WorkSplit.shares(of: specs(4), workers: 2, path: avx2) == [[0, 1, 2, 3]])
    }

    @Test func wholeRegistersAreSharedAsEvenlyAsPossible() {
        #expect(WorkSplit.shares(of: specs(16), workers: 2, path: avx512) == [Array(0..<8), Array(8..<16)])
        #expect(WorkSplit.shares(of: specs(20), workers: 2, path: avx512) == [Array(0..<16), Array(16..<20)])
        #expect(WorkSplit.shares(of: specs(20), workers: 4, path: avx512) == [Array(0..<8), Array(8..<16), Array(16..<20)])
        #expect(WorkSplit.shares(of: specs(9), workers: 3, path: avx2) == [[0, 1, 2, 3], [4, 5, 6, 7], [8]])
    }

    @Test func oneWorkerTrainsEverythingTogether() {
        let mixed = specs(3) + specs(2, hidden: 8) + specs(1)
        #expect(WorkSplit.shares(of: mixed, workers: 1, path: avx2) == [Array(0..<6)])
        #expect(WorkSplit.shares(of: [], workers: 2, path: avx2).isEmpty)
    }

    @Test func trialsThatCannotShareABatchAreSharedOutSeparatelyInOrder() {
        let mixed = specs(3) + specs(2, hidden: 3) + specs(2, iterations: 50)
        #expect(WorkSplit.shares(of: mixed, workers: 2, path: avx512) == [[0, 1, 2], [3, 4], [5, 6]])
    }

    @Test func networksTrainedAloneAreSharedOutTrialByTrial() {
        // Three hidden-64 trials on AVX-512 train one at a time with their hidden units in the lanes.
        #expect(avx512.layout(trials: 3, hidden: 64) == .hiddenUnitsInLanes)
        #expect(WorkSplit.shares(of: specs(3, hidden: 64), workers: 2, path: avx512) == [[0, 1], [2]])
    }

    @Test func aSweepOnSeveralThreadsGivesTheSameResultsAsOnOne() {
        let sweep = Sweep(dataset: .builtIn(named: "xor")!, alphas: [0.01, 0.1, 1, 10, 100], hiddenSizes: [4, 3],
                          iterations: 500, errorEvery: 100, seed: 3)
        func timeless(_ results: [TrialResult]) -> [TrialResult] {
            results.map { result in
                var result = result
                result.durationMs = 0
                return result
            }
        }
        let one = timeless(sweep.run(threads: 1))
        #expect(timeless(sweep.run(threads: 2)) == one)
        #expect(timeless(sweep.run(threads: 5)) == one)
        #expect(one.map(\.alpha) == sweep.trials.map(\.alpha))
    }
}
