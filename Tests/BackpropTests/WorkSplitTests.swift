import BackpropKernels
import Testing

@testable import Backprop

/// How runs are shared out over workers: as the calibration of the run's shape plans it.
@Suite struct WorkSplitTests {
    let xor = Dataset.builtIn(named: "xor")!
    let avx512x8 = CodePath(instructionSet: .avx512, width: 8, layout: .trialsInLanes)!
    let avx512x4 = CodePath(instructionSet: .avx512, width: 4, layout: .trialsInLanes)!
    let wide = CodePath(instructionSet: .avx512, width: 8, layout: .hiddenUnitsInLanes)!

    func specs(_ count: Int, hidden: Int = 4, iterations: Int = 100) -> [TrialSpec] {
        (0..<count).map { TrialSpec(alpha: Double($0 + 1), hiddenSize: hidden, iterations: iterations, errorEvery: 10, seed: 1) }
    }

    /// An engine whose measurements are pinned: 8 lanes cost `eight`, 4 lanes `four`, the
    /// hidden-units layout `wide` alone and `team` on two threads, `slowdown` side by side.
    func engine(hidden: [Int] = [4], four: Double = 1, eight: Double, wide: Double = 9, team: Double = 9, slowdown: Double) -> EngineCalibration {
        let engine = EngineCalibration(threads: 2)
        for size in hidden {
            let shape = NetworkShape(samples: 4, inputs: 3, hidden: size, outputs: 1)
            engine.pin(
                Calibration(
                    shapeClass: ShapeClass(shape), measuredShape: shape, threads: 2,
                    seconds: [
                        .init(path: avx512x8): eight, .init(path: avx512x4): four,
                        .init(path: self.wide): wide, .init(path: self.wide, threads: 2): team,
                    ],
                    concurrentSlowdown: slowdown, milliseconds: 1))
        }
        return engine
    }

    @Test func theNotebookSweepIsSplitOnlyWhereTheCalibrationSaysItPays() {
        // The Xeon of issue 12: 7 in 8 lanes as fast as 4 in 4 lanes, halves slower side by side.
        let xeon = engine(eight: 1.05, slowdown: 1.5)
        #expect(WorkSplit.shares(of: specs(7), dataset: xor, workers: 2, calibration: xeon) == [.init(trials: Array(0..<7))])
        // The EPYC of issue 18: 8 lanes (two AVX2 registers) 1.4×, halves side by side 0.53×.
        let epyc = engine(eight: 1.4, slowdown: 1.05)
        #expect(
            WorkSplit.shares(of: specs(7), dataset: xor, workers: 2, calibration: epyc)
                == [.init(trials: [0, 1, 2, 3]), .init(trials: [4, 5, 6])])
        #expect(WorkSplit.shares(of: specs(7), dataset: xor, workers: 1, calibration: epyc) == [.init(trials: Array(0..<7))])
        #expect(WorkSplit.shares(of: [], dataset: xor, workers: 2, calibration: epyc).isEmpty)
    }

    @Test func trialsThatCannotShareABatchAreSharedOutSeparatelyInOrder() {
        let calibration = engine(hidden: [4, 3], eight: 1.05, slowdown: 1.5)
        let mixed = specs(3) + specs(2, hidden: 3) + specs(2, iterations: 50)
        #expect(WorkSplit.shares(of: mixed, dataset: xor, workers: 2, calibration: calibration).map(\.trials) == [[0, 1, 2], [3, 4], [5, 6]])
    }

    @Test func aLoneLargeTrialTakesATeamWhenTheTeamIsFaster() {
        let fastTeam = engine(hidden: [64], four: 8, eight: 14, wide: 2, team: 1.1, slowdown: 1.2)
        #expect(WorkSplit.shares(of: specs(1, hidden: 64), dataset: xor, workers: 2, calibration: fastTeam) == [.init(trials: [0], threads: 2)])
        let slowTeam = engine(hidden: [64], four: 8, eight: 14, wide: 2, team: 2.2, slowdown: 1.2)
        #expect(WorkSplit.shares(of: specs(1, hidden: 64), dataset: xor, workers: 2, calibration: slowTeam) == [.init(trials: [0])])
        #expect(
            WorkSplit.shares(of: specs(3, hidden: 64), dataset: xor, workers: 2, calibration: slowTeam)
                == [.init(trials: [0, 1]), .init(trials: [2])])
    }

    @Test func aSweepOnSeveralThreadsGivesTheSameResultsAsOnOne() {
        let sweep = Sweep(
            dataset: .builtIn(named: "xor")!, alphas: [0.01, 0.1, 1, 10, 100], hiddenSizes: [4, 3],
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
