import Testing
@testable import Backprop

/// The service's guarantee: a trial's result is bit-identical whatever batch it is trained in,
/// whichever lane it occupies and whichever code path runs it.
@Suite struct DeterminismTests {
    /// Everything but the wall time.
    private func numbers(_ result: TrialResult) -> [UInt64] {
        var bits = result.errorCurve.flatMap { [UInt64($0.iteration), $0.error.bitPattern] }
        bits += result.synapses.flatMap(\.values).map(\.bitPattern) + result.outputs.values.map(\.bitPattern)
        bits += result.directionChanges.flatMap { $0.flatMap { $0 } }.map { UInt64($0) }
        bits += [UInt64(result.iterationsDone), UInt64(result.divergedAtIteration ?? -1 & 0xFFFF), result.finalError?.bitPattern ?? 0]
        return bits
    }

    private let alphas = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

    private func specs(_ alphas: [Double], hidden: Int, seed: UInt32 = 1) -> [TrialSpec] {
        alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: 3000, errorEvery: 250, seed: seed) }
    }

    @Test(arguments: [0, 4, 7, 13])
    func everyCodePathGivesTheScalarBits(hidden: Int) {
        let dataset = Dataset.builtIn(named: "xor")!
        let reference = train(dataset, specs(alphas, hidden: hidden), codePath: .scalar).map(numbers)
        #expect(CodePath.supported.count >= 4)
        for path in CodePath.supported {
            #expect(train(dataset, specs(alphas, hidden: hidden), codePath: path).map(numbers) == reference, "\(path)")
        }
    }

    @Test func batchCompositionAndLaneDoNotMatter() {
        let dataset = try! Dataset(inputs: [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0.5, 0.25, 1]],
                                   targets: [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5]])
        let reference = train(dataset, specs(alphas, hidden: 5), codePath: .fastest).map(numbers)
        for path in CodePath.supported {
            for alpha in alphas.indices {
                let alone = train(dataset, specs([alphas[alpha]], hidden: 5), codePath: path)
                #expect(numbers(alone[0]) == reference[alpha], "\(path) alpha \(alphas[alpha]) alone")
            }
            let reversed = train(dataset, specs(alphas.reversed(), hidden: 5), codePath: path)
            #expect(reversed.reversed().map(numbers) == reference, "\(path) reversed lanes")
        }
    }

    @Test func mixedSpecsAreGroupedAndReturnedInOrder() {
        let dataset = Dataset.builtIn(named: "xor")!
        let mixed = [specs([0.5], hidden: 3)[0], specs([0.5], hidden: 0)[0], specs([2], hidden: 3, seed: 9)[0],
                     TrialSpec(alpha: 0.5, hiddenSize: 3, iterations: 100, errorEvery: 7, seed: 1)]
        let together = train(dataset, mixed)
        for (spec, result) in zip(mixed, together) {
            #expect(numbers(train(dataset, [spec], codePath: .scalar)[0]) == numbers(result))
            #expect(result.hiddenSize == spec.hiddenSize && result.alpha == spec.alpha)
        }
        let lanes8 = CodePath(instructionSet: .baseline, width: 8, layout: .trialsInLanes)!
        #expect(Trainer.batches(of: mixed, path: lanes8).map(\.0) == [[0, 2], [1], [3]])
        let avx512 = CodePath(instructionSet: .avx512, width: 8)!
        #expect(avx512.narrowed(toHold: 3).width == 4 && avx512.narrowed(toHold: 5).width == 8)
        #expect(CodePath(instructionSet: .baseline, width: 2)!.narrowed(toHold: 1).width == 2)
        #expect(Trainer.preferredBatchSize <= Trainer.widestBatchSize)
        #expect(CodePath.fastest.instructionSet == .baseline || Trainer.preferredBatchSize == 4)
        #expect(Trainer.batches(of: specs(alphas, hidden: 4), path: avx512, narrowing: true).map(\.1.width) == [8])
        #expect(Trainer.batches(of: specs(Array(alphas[0..<3]), hidden: 4), path: avx512, narrowing: true).map(\.1.width) == [4])
        #expect(Trainer.batches(of: specs([1], hidden: 64), path: avx512, narrowing: true).map { [$0.1.width] } == [[8]])
        let lanes4 = CodePath(instructionSet: .baseline, width: 4)!
        #expect(Trainer.batches(of: specs(alphas, hidden: 4), path: lanes4).map(\.0) == [[0, 1, 2, 3], [4, 5, 6]])
        #expect(Trainer.batches(of: specs([1], hidden: 64), path: lanes4).map(\.2) == [.hiddenUnitsInLanes])
        #expect(Trainer.batches(of: specs([1, 2, 3], hidden: 64), path: lanes4).map(\.2) == [.trialsInLanes])
    }
}
