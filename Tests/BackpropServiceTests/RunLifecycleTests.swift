import Testing

@testable import BackpropService

@Suite struct RunLifecycleTests {
    @Test func queuedRunsThenSucceedsWhenTheLastBatchEnds() {
        var lifecycle = RunLifecycle(trialsLeft: 2)
        #expect(lifecycle.status == .queued)
        #expect(lifecycle.batchStarted() == [.recordStart, .persist])
        #expect(lifecycle.status == .running)
        #expect(lifecycle.batchStarted() == [])
        lifecycle.trialFinished(cancelled: false)
        #expect(lifecycle.batchEnded() == [])
        lifecycle.trialFinished(cancelled: false)
        #expect(lifecycle.status == .running, "finished only once its batch has ended")
        #expect(lifecycle.batchEnded() == [.recordFinish, .persist])
        #expect(lifecycle.status == .succeeded)
        #expect(lifecycle.batchEnded() == [])
    }

    /// A cancel while a batch trains leaves the run running until that batch has stopped, so the
    /// terminal status comes after the stopped trials' last events.
    @Test func cancelEndsTheRunWhenItsLastRunningBatchHasStopped() throws {
        var lifecycle = RunLifecycle(trialsLeft: 3)
        _ = lifecycle.batchStarted()
        #expect(try lifecycle.cancel(queuedTrials: 2) == [.stopWork, .persist])
        #expect(lifecycle.status == .running)
        #expect(!lifecycle.acceptsWork)
        #expect(try lifecycle.cancel(queuedTrials: 0) == [], "asked once")
        #expect(lifecycle.batchStarted() == [], "no batch starts after a cancel")
        lifecycle.trialFinished(cancelled: true)
        #expect(lifecycle.batchEnded() == [.recordFinish, .persist])
        #expect(lifecycle.status == .cancelled)
        #expect(try lifecycle.cancel(queuedTrials: 0) == [])
    }

    @Test func cancelOfARunWithNoBatchRunningEndsItAtOnce() throws {
        var lifecycle = RunLifecycle(trialsLeft: 3)
        #expect(try lifecycle.cancel(queuedTrials: 3) == [.stopWork, .persist, .recordFinish, .persist])
        #expect(lifecycle.status == .cancelled)
    }

    @Test func aCancelTooLateToStopAnyTrialEndsSucceeded() throws {
        var lifecycle = RunLifecycle(trialsLeft: 1)
        _ = lifecycle.batchStarted()
        _ = try lifecycle.cancel(queuedTrials: 0)
        lifecycle.trialFinished(cancelled: false)
        _ = lifecycle.batchEnded()
        #expect(lifecycle.status == .succeeded)

        var finished = RunLifecycle(trialsLeft: 1)
        _ = finished.batchStarted()
        finished.trialFinished(cancelled: false)
        _ = finished.batchEnded()
        #expect(throws: RunLifecycle.Refusal.alreadyFinished(.succeeded)) { try finished.cancel(queuedTrials: 0) }
    }

    @Test func interruptRequeuesARunningRunWithoutRecordingAStartAgain() {
        var lifecycle = RunLifecycle(trialsLeft: 2)
        _ = lifecycle.batchStarted()
        #expect(lifecycle.interrupt() == [.persist])
        #expect(lifecycle.status == .queued)
        #expect(lifecycle.batchesRunning == 0)
        #expect(lifecycle.batchStarted() == [.persist])
        #expect(RunLifecycle(trialsLeft: 1, hasStarted: true).status == .queued)
    }

    @Test func aRunWithNothingLeftIsSucceeded() {
        #expect(RunLifecycle(trialsLeft: 0).status == .succeeded)
        #expect(RunLifecycle(finished: .cancelled).status == .cancelled)
    }

    /// `failed` was advertised but nothing could reach it (issue 13, point 9): it is gone.
    @Test func theStatusesAreTheOnesARunCanReach() {
        #expect(RunLifecycle.Status.allCases.map(\.rawValue) == ["queued", "running", "succeeded", "cancelled"])
    }
}
