import BackpropKernels
import Testing

@testable import Backprop

/// The plans the calibration's measurements lead to, from pinned measurements.
@Suite struct CalibrationTests {
    private let avx2x4 = CodePath(instructionSet: .avx2, width: 4, layout: .trialsInLanes)!
    private let avx2x8 = CodePath(instructionSet: .avx2, width: 8, layout: .trialsInLanes)!
    private let wide = CodePath(instructionSet: .avx2, width: 4, layout: .hiddenUnitsInLanes)!

    private func calibration(
        hidden: Int = 4, lanes4: Double, lanes8: Double, wide: Double? = nil, team: Double? = nil,
        slowdown: Double = 1
    ) -> Calibration {
        var seconds: [Calibration.Candidate: Double] = [.init(path: avx2x4): lanes4, .init(path: avx2x8): lanes8]
        if let wide { seconds[.init(path: self.wide)] = wide }
        if let team { seconds[.init(path: self.wide, threads: 2)] = team }
        let shape = NetworkShape(samples: 4, inputs: 3, hidden: hidden, outputs: 1)
        return Calibration(
            shapeClass: ShapeClass(shape), measuredShape: shape, threads: 2, seconds: seconds,
            concurrentSlowdown: slowdown, milliseconds: 1)
    }

    private func shape(_ plan: TrainingPlan) -> [[String]] {
        plan.jobs.map { $0.map { "\($0.trials.count)@\($0.path)" + ($0.threads > 1 ? "×\($0.threads)" : "") } }
    }

    @Test func eightLanesWinWhenTwoRegistersCostLessThanTwoBatches() {
        // The EPYC of issue 18: 7 trials in 8 lanes 1.4× faster than 4 + 3 in 4 lanes.
        let plan = calibration(lanes4: 1, lanes8: 1.4).plan(trials: Array(0..<7), threads: 1)
        #expect(shape(plan) == [["7@avx2×8 trials"]])
        #expect(shape(calibration(lanes4: 1, lanes8: 2.2).plan(trials: Array(0..<7), threads: 1)) == [["4@avx2×4 trials", "3@avx2×4 trials"]])
        #expect(shape(calibration(lanes4: 1, lanes8: 1.4).plan(trials: Array(0..<3), threads: 1)) == [["3@avx2×4 trials"]])
        #expect(shape(calibration(lanes4: 1, lanes8: 1.4).plan(trials: Array(0..<12), threads: 1)) == [["8@avx2×8 trials", "4@avx2×4 trials"]])
    }

    @Test func aSweepIsSplitOnlyWhenTheHalvesSideBySideBeatOneBatch() {
        // Two free cores that do not slow each other: 4 + 3 at once beats 7 in one batch.
        #expect(shape(calibration(lanes4: 1, lanes8: 1.4).plan(trials: Array(0..<7), threads: 2)) == [["4@avx2×4 trials"], ["3@avx2×4 trials"]])
        // The Xeon of issue 12: side by side each half runs 1.5× slower, so one batch wins.
        #expect(shape(calibration(lanes4: 1, lanes8: 1.4, slowdown: 1.5).plan(trials: Array(0..<7), threads: 2)) == [["7@avx2×8 trials"]])
        // One thread allowed: never split.
        #expect(calibration(lanes4: 1, lanes8: 1.4).plan(trials: Array(0..<7), threads: 1).jobs.count == 1)
    }

    @Test func aLoneLargeTrialGetsItsHiddenUnitsInTheLanesAndATeamWhenThatPays() {
        let large = calibration(hidden: 64, lanes4: 8, lanes8: 14, wide: 2, team: 1.1)
        #expect(shape(large.plan(trials: [0], threads: 1)) == [["1@avx2×4 hidden"]])
        #expect(shape(large.plan(trials: [0], threads: 2)) == [["1@avx2×4 hidden×2"]])
        // A team slower than one thread is not used; two trials go to two workers instead.
        let slowTeam = calibration(hidden: 64, lanes4: 8, lanes8: 14, wide: 2, team: 2.5)
        #expect(shape(slowTeam.plan(trials: [0], threads: 2)) == [["1@avx2×4 hidden"]])
        #expect(shape(slowTeam.plan(trials: [0, 1], threads: 2)) == [["1@avx2×4 hidden"], ["1@avx2×4 hidden"]])
        // Many trials of a mid-size net fill the lanes instead.
        let mid = calibration(hidden: 16, lanes4: 1, lanes8: 1.5, wide: 0.6)
        #expect(shape(mid.plan(trials: Array(0..<8), threads: 1)) == [["8@avx2×8 trials"]])
        #expect(shape(mid.plan(trials: [0], threads: 1)) == [["1@avx2×4 hidden"]])
    }

    @Test func plansCoverEveryTrialOnce() {
        let large = calibration(hidden: 64, lanes4: 8, lanes8: 14, wide: 2, team: 1.1, slowdown: 1.2)
        for count in 1...20 {
            for threads in 1...3 {
                let trials = Array(0..<count).map { $0 * 3 }
                let plan = large.plan(trials: trials, threads: threads)
                #expect(plan.jobs.flatMap { $0.flatMap(\.trials) }.sorted() == trials, "\(count) trials, \(threads) threads")
                #expect(plan.jobs.count <= threads && plan.jobs.allSatisfy { $0.allSatisfy { $0.threads <= threads } })
            }
        }
    }

    @Test func shapesAreClassedByPowersOfTwo() {
        #expect(
            ShapeClass(NetworkShape(samples: 256, inputs: 16, hidden: 64, outputs: 1)).description
                == "samples≤256 inputs≤16 hidden≤64 outputs≤1")
        #expect(
            ShapeClass(NetworkShape(samples: 257, inputs: 3, hidden: 0, outputs: 2))
                == ShapeClass(NetworkShape(samples: 512, inputs: 4, hidden: 0, outputs: 2)))
        #expect(ShapeClass(NetworkShape(samples: 4, inputs: 3, hidden: 5, outputs: 1)).hidden == 8)
    }

    @Test func theMeasuredCalibrationCoversEveryPathOfThisCPUAndIsCached() {
        let engine = EngineCalibration(threads: 2)
        let shape = NetworkShape(samples: 40, inputs: 6, hidden: 20, outputs: 1)
        let first = engine.calibration(for: shape)
        let measured = Set(first.seconds.keys.map(\.path))
        for layout in CodePath.Layout.allCases {
            for path in EngineCalibration.paths(layout: layout) { #expect(measured.contains(path), "\(path)") }
        }
        #expect(first.seconds.keys.contains { $0.threads == 2 })
        #expect(first.seconds.values.allSatisfy { $0 > 0 && $0.isFinite } && first.concurrentSlowdown >= 1)
        #expect(engine.calibration(for: NetworkShape(samples: 33, inputs: 5, hidden: 17, outputs: 1)) == first)
        #expect(engine.calibrations == [first])
        // A CPU's paths share one rounding, so a plan never mixes results of two roundings.
        #expect(Set(measured.map(\.fusesMultiplyAdd)).count == 1)
    }

    @Test func instructionSetsParseByName() {
        #expect(CodePath.InstructionSet(name: "avx2") == .avx2)
        #expect(CodePath.InstructionSet(name: "AVX512") == .avx512)
        #expect(CodePath.InstructionSet(name: "sse9") == nil)
        #expect(CodePath.InstructionSet.allowed <= CodePath.InstructionSet.detected)
    }
}
