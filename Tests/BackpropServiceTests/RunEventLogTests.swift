import Testing

@testable import BackpropService

@Suite struct RunEventLogTests {
    @Test func positionsCountEveryPointAndEntriesCoalesce() {
        var log = RunEventLog()
        log.appendStatus(.queued, iterationsDone: 0)
        log.appendTrial(0, .running, iterationsDone: 16)
        log.appendPoints(trial: 0, curveIndices: 0..<3)
        log.appendPoints(trial: 0, curveIndices: 3..<5)
        log.appendPoints(trial: 1, curveIndices: 0..<2)
        log.appendPoints(trial: 0, curveIndices: 5..<6)
        log.appendTrial(0, .succeeded, iterationsDone: 100)
        log.appendEnd()
        #expect(log.count == 1 + 1 + 5 + 2 + 1 + 1 + 1)
        #expect(log.entries.count == 7, "the two runs of trial 0's points next to each other are one entry")
        #expect(
            log.events(in: 0..<log.count) == [
                .status(.queued, iterationsDone: 0), .trial(0, .running, iterationsDone: 16),
                .point(trial: 0, curveIndex: 0), .point(trial: 0, curveIndex: 1), .point(trial: 0, curveIndex: 2),
                .point(trial: 0, curveIndex: 3), .point(trial: 0, curveIndex: 4),
                .point(trial: 1, curveIndex: 0), .point(trial: 1, curveIndex: 1),
                .point(trial: 0, curveIndex: 5), .trial(0, .succeeded, iterationsDone: 100), .end,
            ])
        #expect(
            log.events(in: 4..<8) == [
                .point(trial: 0, curveIndex: 2), .point(trial: 0, curveIndex: 3),
                .point(trial: 0, curveIndex: 4), .point(trial: 1, curveIndex: 0),
            ])
        #expect(log.pointsLogged(from: 4, trials: 2) == [4, 2])
        #expect(log.pointsLogged(from: 0, trials: 2) == [6, 2])
        #expect(log.pointsLogged(from: log.count, trials: 2) == [0, 0])
        #expect(log.hasEnded)
    }

    @Test func cursorsRoundTripAndRejectWhatTheLogNeverGaveOut() {
        var log = RunEventLog()
        log.appendStatus(.queued, iterationsDone: 0)
        log.appendPoints(trial: 0, curveIndices: 0..<10)
        #expect(log.cursor(at: 7).description == "7")
        #expect(EventCursor("7") == EventCursor(epoch: 0, position: 7))
        #expect(EventCursor("2.15") == EventCursor(epoch: 2, position: 15))
        for bad in ["", "-1", "1.", ".5", "a", "0.5", "1.2.3", "99999999999999", " 7"] {
            #expect(EventCursor(bad) == nil, "\(bad)")
        }
        #expect(log.position(of: EventCursor(epoch: 0, position: 11)) == 11)
        #expect(log.position(of: EventCursor(epoch: 0, position: 12)) == 11, "beyond the log: at its end")
        #expect(log.position(of: EventCursor(epoch: 1, position: 1)) == 11, "an epoch not begun: at the end")
    }

    /// After a restart the unfinished trial trains again: its events (and everything logged
    /// after its first one) are dropped and the finished trial's are logged again in a new epoch.
    @Test func aRestartKeepsThePrefixBeforeTheFirstUnfinishedTrialsEvent() {
        var log = RunEventLog()
        log.appendStatus(.queued, iterationsDone: 0)
        log.appendStatus(.running, iterationsDone: 0)
        log.appendTrial(0, .running, iterationsDone: 10)
        log.appendPoints(trial: 0, curveIndices: 0..<2)
        log.appendTrial(1, .running, iterationsDone: 10)  // position 5: trial 1 must train again
        log.appendPoints(trial: 1, curveIndices: 0..<2)
        log.appendPoints(trial: 0, curveIndices: 2..<4)
        log.appendTrial(0, .succeeded, iterationsDone: 30)
        log.appendTrial(1, .queued, iterationsDone: 0)
        log.appendStatus(.queued, iterationsDone: 30)
        let before = log.count
        log.restart(
            trials: [.init(terminal: .succeeded, curvePoints: 5, iterationsDone: 30), .init(terminal: nil, curvePoints: 0, iterationsDone: 0)],
            status: .queued, iterationsDone: 30)
        #expect(log.epoch == 1)
        #expect(
            log.events(in: 0..<log.count) == [
                .status(.queued, iterationsDone: 0), .status(.running, iterationsDone: 0), .trial(0, .running, iterationsDone: 10),
                .point(trial: 0, curveIndex: 0), .point(trial: 0, curveIndex: 1),
                .point(trial: 0, curveIndex: 2), .point(trial: 0, curveIndex: 3), .point(trial: 0, curveIndex: 4),
                .trial(0, .succeeded, iterationsDone: 30), .status(.queued, iterationsDone: 30),
            ])
        #expect(log.position(of: EventCursor(epoch: 0, position: 3)) == 3, "shared prefix: exact")
        #expect(log.position(of: EventCursor(epoch: 0, position: before)) == 5, "past it: from the prefix's end")
        #expect(log.position(of: EventCursor(epoch: 1, position: log.count)) == log.count)
        #expect(log.cursor(at: 4).description == "1.4")
    }

    @Test func theStoredFormRoundTripsAndIsChecked() throws {
        var log = RunEventLog()
        log.appendStatus(.queued, iterationsDone: 0)
        log.appendPoints(trial: 3, curveIndices: 0..<7)
        log.appendTrial(3, .diverged, iterationsDone: 1234)
        log.restart(
            trials: (0..<4).map { _ in .init(terminal: .cancelled, curvePoints: 0, iterationsDone: 0) }, status: .cancelled, iterationsDone: 0)
        let stored = log.storedEntries
        let back = try #require(RunEventLog(storedEntries: stored, epoch: log.epoch, epochStarts: log.epochStarts))
        #expect(back == log)
        #expect(RunEventLog(storedEntries: [9, 0, 0, 0, 1], epoch: 0, epochStarts: []) == nil, "unknown kind")
        #expect(RunEventLog(storedEntries: [1, 0, 0, 0, 2], epoch: 0, epochStarts: []) == nil, "a trial event is one event")
        #expect(RunEventLog(storedEntries: [0, 0, 0, 0], epoch: 0, epochStarts: []) == nil)
        #expect(RunEventLog(storedEntries: stored, epoch: 2, epochStarts: [0]) == nil)
    }

    /// Restoring a run stored before logs existed gives every trial its events in order.
    @Test func aLogIsRebuiltForARunStoredWithoutOne() {
        let log = RunEventLog.rebuilt(
            trials: [
                .init(terminal: .succeeded, curvePoints: 2, iterationsDone: 10),
                .init(terminal: .cancelled, curvePoints: 0, iterationsDone: 0),
            ],
            status: .cancelled, iterationsDone: 10)
        #expect(
            log.events(in: 0..<log.count) == [
                .status(.queued, iterationsDone: 0), .trial(0, .running, iterationsDone: 0),
                .point(trial: 0, curveIndex: 0), .point(trial: 0, curveIndex: 1), .trial(0, .succeeded, iterationsDone: 10),
                .trial(1, .cancelled, iterationsDone: 0), .status(.cancelled, iterationsDone: 10), .end,
            ])
    }
}
