import BackpropKernels
import Testing

@testable import Backprop

/// A batch whose "weights" are the iteration count: trial 1 turns non-finite at `divergesAt`.
/// It checks that the driver replays a chunk from its saved start and reports the state just
/// before the first bad iteration.
private final class ScriptedBatch: TrainingBatch {
    let divergesAt: Int
    let errorEvery: Int
    var done = 0
    var evaluated = 0
    var saved = [SnapshotSlot: Int]()
    var trainCalls: [Range<Int>] = []

    init(divergesAt: Int, errorEvery: Int) {
        self.divergesAt = divergesAt
        self.errorEvery = errorEvery
    }

    var trialCount: Int { 2 }
    func train(_ range: Range<Int>) {
        precondition(range.lowerBound == done, "the driver must train contiguous ranges")
        trainCalls.append(range)
        done = range.upperBound
    }
    func evaluate() { evaluated = done }
    func isFinite(trial: Int) -> Bool { trial == 0 || evaluated < divergesAt }
    func currentError(trial: Int) -> Double { Double(evaluated) }
    func curveError(trial: Int, point: Int) -> Double { Double(point * errorEvery) }
    func synapses(trial: Int) -> [[Double]] { [[Double(done)]] }
    func directionChanges(trial: Int) -> [[Int]] { [[0]] }
    func outputs(trial: Int) -> [Double] { [Double(evaluated)] }
    func save(to slot: SnapshotSlot) { saved[slot] = done }
    func restore(from slot: SnapshotSlot) { done = saved[slot]! }
}

@Suite struct BatchRunTests {
    @Test(arguments: [1, 37, 99, 100])
    func divergenceInsideAChunkIsLocatedExactly(divergesAt: Int) {
        let batch = ScriptedBatch(divergesAt: divergesAt, errorEvery: 10)
        let run = BatchRun(
            batch: batch, shape: NetworkShape(samples: 1, inputs: 1, hidden: 0, outputs: 1),
            alphas: [0.5, 2], iterations: 100, errorEvery: 10)
        let results = run.run(cancellation: Cancellation()) { _, _ in }
        let diverged = results[1]
        #expect(diverged.status == .diverged)
        #expect(diverged.divergedAtIteration == divergesAt)
        #expect(diverged.iterationsDone == divergesAt - 1)
        #expect(diverged.synapses[0].values == [Double(divergesAt - 1)])
        #expect(diverged.finalError == Double(divergesAt - 1))
        let recorded = stride(from: 0, through: divergesAt - 1, by: 10).map { $0 }
        #expect(diverged.errorCurve.map(\.iteration) == recorded + (recorded.last == divergesAt - 1 ? [] : [divergesAt - 1]))
        #expect(results[0].status == .succeeded && results[0].iterationsDone == 100)
        #expect(results[0].errorCurve.map(\.iteration) == Array(stride(from: 0, through: 100, by: 10)))
        #expect(batch.trainCalls.contains { $0.count == 1 }, "the chunk was replayed one iteration at a time")
    }
}
