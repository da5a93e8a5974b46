import Testing
@testable import BackpropService

@Suite struct RunLifecycleTests {
    @Test func queuedRunsThenSucceedsWhenTheLastTrialFinishes() {
        var lifecycle = RunLifecycle(trialsLeft: 2)
        #expect(lifecycle.status == .queued)
        #expect(lifecycle.batchStarted() == [.recordStart, .persist])
        #expect(lifecycle.status == .running)
        #expect(lifecycle.batchStarted() == [])
        #expect(lifecycle.trialFinished() == [.persist])
        #expect(lifecycle.trialFinished() == [.recordFinish, .persist])
        #expect(lifecycle.status == .succeeded)
        #expect(lifecycle.trialFinished() == [])
    }

    @Test func cancelStopsWorkOnceAndRefusesFinishedRuns() throws {
        var lifecycle = RunLifecycle(trialsLeft: 3)
        _ = lifecycle.batchStarted()
        #expect(try lifecycle.cancel() == [.stopWork, .recordFinish, .persist])
        #expect(lifecycle.status == .cancelled)
        #expect(try lifecycle.cancel() == [])
        #expect(lifecycle.trialFinished() == [])
        #expect(lifecycle.batchStarted() == [])

        var finished = RunLifecycle(trialsLeft: 1)
        _ = finished.batchStarted()
        _ = finished.trialFinished()
        #expect(throws: RunLifecycle.Refusal.alreadyFinished(.succeeded)) { try finished.cancel() }
    }

    @Test func interruptRequeuesARunningRunWithoutRecordingAStartAgain() {
        var lifecycle = RunLifecycle(trialsLeft: 2)
        _ = lifecycle.batchStarted()
        #expect(lifecycle.interrupt() == [.persist])
        #expect(lifecycle.status == .queued)
        #expect(lifecycle.batchStarted() == [.persist])
        #expect(RunLifecycle(trialsLeft: 1, hasStarted: true).status == .queued)
    }

    @Test func failIsFinal() {
        var lifecycle = RunLifecycle(trialsLeft: 1)
        #expect(lifecycle.fail() == [.stopWork, .recordFinish, .persist])
        #expect(lifecycle.status == .failed)
        #expect(lifecycle.fail() == [])
        #expect(lifecycle.interrupt() == [])
    }

    @Test func aRunWithNothingLeftIsSucceeded() {
        #expect(RunLifecycle(trialsLeft: 0).status == .succeeded)
        #expect(RunLifecycle(finished: .cancelled).status == .cancelled)
    }
}
