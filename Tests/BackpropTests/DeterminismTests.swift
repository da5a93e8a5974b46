import Testing

@testable import Backprop

/// The service's guarantee: a trial's result is bit-identical whatever batch it is trained in,
/// whichever lane it occupies, however many threads share it and whichever code path of the
/// same rounding runs it; fused and separate rounding stay within the stated bound on stable trials.
@Suite struct DeterminismTests {
    private let alphas = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

    private func specs(_ alphas: [Double], hidden: Int, seed: UInt32 = 1, iterations: Int = 3000) -> [TrialSpec] {
        alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: iterations, errorEvery: 250, seed: seed) }
    }

    private func grid(_ rows: Int, _ columns: Int, _ value: (Int, Int) -> Double) -> [[Double]] {
        (0..<rows).map { row in (0..<columns).map { column in value(row, column) } }
    }

    /// The supported paths of each rounding, the scalar path (or the narrowest) first.
    private var roundingClasses: [[CodePath]] {
        Dictionary(grouping: CodePath.supported, by: \.fusesMultiplyAdd).values
            .map { $0.sorted { ($0.width, $0.description) < ($1.width, $1.description) } }
    }

    @Test(arguments: [0, 4, 7, 13])
    func everyCodePathGivesItsRoundingsBits(hidden: Int) {
        let dataset = Dataset.builtIn(named: "xor")!
        #expect(CodePath.supported.count >= 4)
        for paths in roundingClasses {
            let reference = train(dataset, specs(alphas, hidden: hidden), codePath: paths[0]).map(numbers)
            for path in paths.dropFirst() {
                #expect(train(dataset, specs(alphas, hidden: hidden), codePath: path).map(numbers) == reference, "\(path)")
            }
        }
    }

    @Test func batchCompositionAndLaneDoNotMatter() {
        let dataset = try! Dataset(
            inputs: [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0.5, 0.25, 1]],
            targets: [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5]])
        for paths in roundingClasses {
            let reference = train(dataset, specs(alphas, hidden: 5), codePath: paths[0]).map(numbers)
            for path in paths {
                for alpha in alphas.indices {
                    let alone = train(dataset, specs([alphas[alpha]], hidden: 5), codePath: path)
                    #expect(numbers(alone[0]) == reference[alpha], "\(path) alpha \(alphas[alpha]) alone")
                }
                let reversed = train(dataset, specs(alphas.reversed(), hidden: 5), codePath: path)
                #expect(reversed.reversed().map(numbers) == reference, "\(path) reversed lanes")
            }
        }
    }

    /// A team of threads on one trial (hidden units in the lanes): every task split, any number
    /// of threads, the same bits as one thread and as the trials layout.
    @Test(arguments: [1, 2, 3, 8])
    func teamsOfThreadsGiveTheSameBits(threads: Int) throws {
        let dataset = try Dataset(
            inputs: grid(70, 9) { row, column in Double((column * 7 + row * 3) % 11) / 10 },
            targets: grid(70, 2) { row, column in Double(row % (column + 2)) / 2 })
        let trials = specs([0.05], hidden: 37, iterations: 300)
        for paths in roundingClasses {
            let reference = train(dataset, trials, codePath: paths[0]).map(numbers)
            for path in paths where path.layout == .hiddenUnitsInLanes {
                let team = Trainer.train(dataset: dataset, specs: trials, codePath: path, threads: threads, cancellation: Cancellation()) { _, _ in }
                #expect(team.map(numbers) == reference, "\(path) on \(threads) threads")
            }
        }
    }

    /// The team trains each chunk the way that was faster lately (alone while the other cores
    /// are busy), trying the other way now and then.
    @Test func aTeamFallsBackToOneThreadWhileThatIsFaster() {
        #expect(TeamBatch.trainsTogether(chunk: 1, alone: nil, together: nil))
        #expect(!TeamBatch.trainsTogether(chunk: 2, alone: nil, together: 1e-5))
        #expect(TeamBatch.trainsTogether(chunk: 3, alone: 2e-5, together: 1e-5))
        #expect(!TeamBatch.trainsTogether(chunk: 3, alone: 1e-5, together: 2e-5))
        #expect(TeamBatch.trainsTogether(chunk: TeamBatch.probeInterval, alone: 1e-5, together: 2e-5))
        #expect(!TeamBatch.trainsTogether(chunk: 2 * TeamBatch.probeInterval, alone: 2e-5, together: 1e-5))
    }

    /// Whatever the calibration chooses (width, layout, a team, concurrent jobs), the bits are
    /// those of the fastest path's rounding.
    @Test func theCalibratedPlanGivesTheSameBits() throws {
        let dataset = try Dataset(
            inputs: grid(40, 5) { row, column in Double((column + row) % 4) / 3 },
            targets: grid(40, 1) { row, _ in Double(row % 2) })
        let mixed = specs([0.1, 1, 3], hidden: 24, iterations: 200) + specs([0.5, 2], hidden: 3, iterations: 200)
        let reference = train(dataset, mixed, codePath: .fastest).map(numbers)
        for threads in [1, 2, 4] {
            let planned = Trainer.train(dataset: dataset, specs: mixed, threads: threads, cancellation: Cancellation()) { _, _ in }
            #expect(planned.map(numbers) == reference, "\(threads) threads")
        }
    }

    /// Fused and separate rounding on the notebook's stable trials (hidden 4 up to alpha 10,
    /// hidden 32 up to alpha 1) and the scale workload: every number within 1e-11 relative,
    /// the same direction counts. (Measured: 7e-13 at worst.)
    @Test func fusedAndSeparateRoundingStayWithinTheStatedBound() throws {
        let fused = try #require(CodePath.supported.first { $0.fusesMultiplyAdd }, "this CPU has no fused path")
        var random = NumpyRandom(seed: 2)
        let bits = (0..<64).map { _ in (0..<7).map { _ in random.nextDouble() < 0.5 ? 1.0 : 0.0 } }
        let scale = try Dataset(inputs: bits.map { $0 + [1] }, targets: bits.map { [Double(Int($0[0]) ^ Int($0[1]) ^ Int($0[2]))] })
        let cases: [(Dataset, [TrialSpec])] = [
            (
                .builtIn(named: "xor")!,
                [0.001, 0.01, 0.1, 1, 10].map { TrialSpec(alpha: $0, hiddenSize: 4, iterations: 60000, errorEvery: 10000, seed: 1) }
            ),
            (
                .builtIn(named: "xor")!,
                [0.001, 0.01, 0.1, 1].map { TrialSpec(alpha: $0, hiddenSize: 32, iterations: 60000, errorEvery: 10000, seed: 1) }
            ),
            (scale, [TrialSpec(alpha: 0.01, hiddenSize: 64, iterations: 2000, errorEvery: 100, seed: 1)]),
        ]
        for (dataset, trials) in cases {
            for (a, b) in zip(train(dataset, trials, codePath: fused), train(dataset, trials, codePath: .scalar)) {
                let values = zip(
                    a.errorCurve.map(\.error) + a.synapses.flatMap(\.values) + a.outputs.values,
                    b.errorCurve.map(\.error) + b.synapses.flatMap(\.values) + b.outputs.values)
                let worst = values.map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
                #expect(worst <= 1e-11, "hidden \(a.hiddenSize) alpha \(a.alpha): \(worst)")
                #expect(a.directionChanges == b.directionChanges, "hidden \(a.hiddenSize) alpha \(a.alpha)")
            }
        }
    }

    @Test func mixedSpecsAreGroupedAndReturnedInOrder() {
        let dataset = Dataset.builtIn(named: "xor")!
        let mixed = [
            specs([0.5], hidden: 3)[0], specs([0.5], hidden: 0)[0], specs([2], hidden: 3, seed: 9)[0],
            TrialSpec(alpha: 0.5, hiddenSize: 3, iterations: 100, errorEvery: 7, seed: 1),
        ]
        let together = train(dataset, mixed)
        for (spec, result) in zip(mixed, together) {
            #expect(numbers(train(dataset, [spec], codePath: .fastest)[0]) == numbers(result))
            #expect(result.hiddenSize == spec.hiddenSize && result.alpha == spec.alpha)
        }
        let lanes8 = CodePath(instructionSet: .baseline, width: 8, layout: .trialsInLanes)!
        #expect(Trainer.batches(of: mixed, path: lanes8).map(\.0) == [[0, 2], [1], [3]])
        let avx512 = CodePath(instructionSet: .avx512, width: 8)!
        #expect(avx512.narrowed(toHold: 3).width == 4 && avx512.narrowed(toHold: 5).width == 8)
        #expect(CodePath(instructionSet: .avx2, width: 8, layout: .trialsInLanes)!.narrowed(toHold: 2).width == 4)
        #expect(CodePath(instructionSet: .avx2, width: 8, layout: .hiddenUnitsInLanes)!.narrowed(toHold: 1).width == 8)
        #expect(CodePath(instructionSet: .baseline, width: 2)!.narrowed(toHold: 1).width == 2)
        #expect(Trainer.batches(of: specs(alphas, hidden: 4), path: avx512, narrowing: true).map(\.1.width) == [8])
        #expect(Trainer.batches(of: specs(Array(alphas[0..<3]), hidden: 4), path: avx512, narrowing: true).map(\.1.width) == [4])
        #expect(Trainer.batches(of: specs([1], hidden: 64), path: avx512, narrowing: true).map { [$0.1.width] } == [[8]])
        let lanes4 = CodePath(instructionSet: .baseline, width: 4)!
        #expect(Trainer.batches(of: specs(alphas, hidden: 4), path: lanes4).map(\.0) == [[0, 1, 2, 3], [4, 5, 6]])
        #expect(Trainer.batches(of: specs([1], hidden: 64), path: lanes4).map(\.2) == [.hiddenUnitsInLanes])
        #expect(Trainer.batches(of: specs([1, 2, 3], hidden: 64), path: lanes4).map(\.2) == [.trialsInLanes])
    }
}

/// Everything of a result but the wall time, as bits.
func numbers(_ result: TrialResult) -> [UInt64] {
    var bits = result.errorCurve.flatMap { [UInt64($0.iteration), $0.error.bitPattern] }
    bits += result.synapses.flatMap(\.values).map(\.bitPattern) + result.outputs.values.map(\.bitPattern)
    bits += result.directionChanges.flatMap { $0.flatMap { $0 } }.map { UInt64($0) }
    bits += [UInt64(result.iterationsDone), UInt64(result.divergedAtIteration ?? -1 & 0xFFFF), result.finalError?.bitPattern ?? 0]
    return bits
}
