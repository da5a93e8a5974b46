import Synchronization
import Testing

@testable import Backprop

/// Divergence, progress and cancellation: what the service sees while a trial runs.
@Suite struct TrainingLifecycleTests {
    @Test func divergedTrialReportsItsLastFiniteStateAndOthersGoOn() throws {
        let dataset = try Dataset(inputs: [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], targets: [[0], [1e6], [1e6], [0]])
        let specs = [1e303, 1.0].map { TrialSpec(alpha: $0, hiddenSize: 4, iterations: 500, errorEvery: 100, seed: 1) }
        let results = train(dataset, specs)
        #expect(results[0].status == .diverged)
        #expect(results[0].divergedAtIteration == 1)
        #expect(results[0].iterationsDone == 0)
        #expect(results[0].synapses.map(\.values) == NumpyRandom.initialSynapses(seed: 1, shapes: [(3, 4), (4, 1)]))
        #expect(results[0].errorCurve.map(\.iteration) == [0])
        #expect(results[0].errorCurve.allSatisfy { $0.error.isFinite })
        #expect(results[0].outputs.values.allSatisfy { $0.isFinite })
        #expect(results[1].status == .succeeded && results[1].iterationsDone == 500)
        #expect(results[1].synapses == train(dataset, [specs[1]], codePath: .fastest)[0].synapses)
    }

    @Test func progressCarriesOnlyNewPointsAndEndsAtTheResult() {
        let spec = TrialSpec(alpha: 1, hiddenSize: 8, iterations: 20000, errorEvery: 1000, seed: 1)
        var snapshots: [TrialSnapshot] = []
        let result = Trainer.train(dataset: .builtIn(named: "xor")!, specs: [spec], cancellation: Cancellation()) { index, snapshot in
            #expect(index == 0)
            snapshots.append(snapshot)
        }[0]
        let points = snapshots.flatMap(\.newCurvePoints)
        #expect(points == Array(result.errorCurve.dropLast()))
        #expect(zip(snapshots, snapshots.dropFirst()).allSatisfy { $0.iterationsDone < $1.iterationsDone })
        for snapshot in snapshots {
            #expect(snapshot.newCurvePoints.allSatisfy { $0.iteration < snapshot.iterationsDone })
            #expect(snapshot.synapses.map { [$0.rows, $0.columns] } == [[3, 8], [8, 1]])
        }
    }

    @Test func cancellationStopsEveryTrialOfTheBatchWithItsStateSoFar() {
        let cancellation = Cancellation()
        let specs = [0.1, 1].map { TrialSpec(alpha: $0, hiddenSize: 16, iterations: 10_000_000, errorEvery: 10000, seed: 1) }
        let lanes = CodePath(instructionSet: CodePath.fastest.instructionSet, width: CodePath.fastest.width, layout: .trialsInLanes)!
        let results = Trainer.train(dataset: .builtIn(named: "xor")!, specs: specs, codePath: lanes, cancellation: cancellation) { _, snapshot in
            if snapshot.iterationsDone >= 20000 { cancellation.cancel() }
        }
        for result in results {
            #expect(result.status == .cancelled)
            #expect(result.iterationsDone >= 20000 && result.iterationsDone < 10_000_000)
            #expect(result.errorCurve.last?.iteration == result.iterationsDone)
            #expect(result.finalError == result.errorCurve.last?.error)
        }
        #expect(results[0].iterationsDone == results[1].iterationsDone)
    }

    @Test func batchesAfterTheCancellationAreCancelledAtTheStart() {
        let cancellation = Cancellation()
        let specs = [0.1, 1].map { TrialSpec(alpha: $0, hiddenSize: 16, iterations: 10_000_000, errorEvery: 10000, seed: 1) }
        let oneAtATime = CodePath(instructionSet: .baseline, width: 1)!
        let results = Trainer.train(dataset: .builtIn(named: "xor")!, specs: specs, codePath: oneAtATime, cancellation: cancellation) { _, snapshot in
            if snapshot.iterationsDone >= 1000 { cancellation.cancel() }
        }
        #expect(results.map(\.status) == [.cancelled, .cancelled])
        #expect(results[0].iterationsDone >= 1000 && results[1].iterationsDone == 0)
    }

    @Test func cancelledBeforeStartingStillReportsTheInitialState() {
        let cancellation = Cancellation()
        cancellation.cancel()
        let result = Trainer.train(
            dataset: .builtIn(named: "xor")!,
            specs: [TrialSpec(alpha: 1, hiddenSize: 4, iterations: 100, errorEvery: 10, seed: 1)],
            cancellation: cancellation
        ) { _, _ in }[0]
        #expect(result.status == .cancelled)
        #expect(result.iterationsDone == 0)
        #expect(result.errorCurve.map(\.iteration) == [0])
        #expect(result.errorCurve[0].error == 0.49641003190272537)
    }

    @Test func zeroIterationsGiveTheInitialErrorOnce() {
        let result = train(.builtIn(named: "xor")!, [TrialSpec(alpha: 1, hiddenSize: 4, iterations: 0, errorEvery: 10, seed: 1)])[0]
        #expect(result.status == .succeeded)
        #expect(result.errorCurve.map(\.iteration) == [0])
        #expect(result.directionChanges.flatMap { $0.flatMap { $0 } }.allSatisfy { $0 == 0 })
    }

    @Test func chunksAimAtFourMilliseconds() {
        #expect(BatchRun.nextChunk(after: 100, took: .milliseconds(8)) == 50)
        #expect(BatchRun.nextChunk(after: 100, took: .microseconds(1)) == 400)
        #expect(BatchRun.nextChunk(after: 1, took: .seconds(1)) == 1)
    }
}
