import Testing

@testable import HTTPServer

@Suite struct ConnectionStateMachineTests {
    let clock = ManualClock()

    func machine(_ configure: (inout HTTPLimits) -> Void = { _ in }) -> ConnectionStateMachine<ManualClock> {
        var limits = HTTPLimits()
        limits.headerReadTimeout = .seconds(10)
        limits.bodyReadTimeout = .seconds(30)
        limits.idleTimeout = .seconds(60)
        limits.writeTimeout = .seconds(20)
        limits.lingerTimeout = .seconds(2)
        configure(&limits)
        return ConnectionStateMachine(clock: clock, timeouts: .init(limits))
    }

    @Test func aSilentNewConnectionIsClosedQuietlyAtTheHeaderTimeout() {
        var machine = machine()
        #expect(machine.deadline == clock.now.advanced(by: .seconds(10)))
        clock.advance(by: .seconds(9))
        #expect(machine.timeoutFired() == .none)
        clock.advance(by: .seconds(1))
        #expect(machine.timeoutFired() == .close)
        #expect(machine.state == .closed)
    }

    @Test func theHeaderTimeoutCountsFromAcceptNotFromTheFirstByte() {
        var machine = machine()
        clock.advance(by: .seconds(8))
        machine.bytesReceived()
        clock.advance(by: .seconds(2))
        #expect(machine.timeoutFired() == .respondRequestTimeout)
        #expect(machine.closeRequested)
    }

    @Test func aSlowBodyGets408() {
        var machine = machine()
        machine.bytesReceived()
        machine.headReceived(expectsBody: true)
        #expect(machine.deadline == clock.now.advanced(by: .seconds(30)))
        clock.advance(by: .seconds(30))
        #expect(machine.timeoutFired() == .respondRequestTimeout)
        #expect(machine.responseFinished() == .drain)
        clock.advance(by: .seconds(2))
        #expect(machine.timeoutFired() == .close)
    }

    @Test func keepAliveWaitsForTheIdleTimeoutThenStartsAFreshHeaderTimeout() {
        var machine = machine()
        machine.bytesReceived()
        machine.headReceived(expectsBody: false)
        #expect(machine.deadline == nil, "a running handler is not timed")
        clock.advance(by: .seconds(100))
        #expect(machine.timeoutFired() == .none)
        #expect(machine.responseFinished() == .none)
        #expect(machine.deadline == clock.now.advanced(by: .seconds(60)))
        clock.advance(by: .seconds(59))
        machine.bytesReceived()
        #expect(machine.deadline == clock.now.advanced(by: .seconds(10)))
        clock.advance(by: .seconds(10))
        #expect(machine.timeoutFired() == .respondRequestTimeout)
    }

    @Test func anIdleKeepAliveConnectionClosesSilently() {
        var machine = machine()
        machine.bytesReceived()
        machine.headReceived(expectsBody: false)
        _ = machine.responseFinished()
        clock.advance(by: .seconds(60))
        #expect(machine.timeoutFired() == .close)
    }

    @Test func aStalledWriteTimesOutButProgressRestartsTheTimer() {
        var machine = machine()
        machine.bytesReceived()
        machine.headReceived(expectsBody: false)
        machine.writeBlocked()
        clock.advance(by: .seconds(15))
        machine.writeProgressed()
        clock.advance(by: .seconds(15))
        #expect(machine.timeoutFired() == .none)
        clock.advance(by: .seconds(5))
        #expect(machine.timeoutFired() == .close)
    }

    @Test func aDrainedWriteIsNotTimed() {
        var machine = machine()
        machine.headReceived(expectsBody: false)
        machine.writeBlocked()
        machine.writeDrained()
        #expect(machine.deadline == nil)
    }

    @Test func connectionCloseDrainsAfterTheResponse() {
        var machine = machine()
        machine.bytesReceived()
        machine.closeAfterResponse()
        machine.headReceived(expectsBody: false)
        #expect(machine.responseFinished() == .drain)
        #expect(machine.state == .draining(deadline: clock.now.advanced(by: .seconds(2))))
        #expect(machine.peerClosed() == .close)
    }

    @Test func aRejectionIsTheLastResponse() {
        var machine = machine()
        machine.bytesReceived()
        machine.requestRejected()
        #expect(machine.responseFinished() == .drain)
    }

    @Test func endOfInputClosesUnlessAResponseIsOwed() {
        var idle = machine()
        #expect(idle.peerClosed() == .close)
        var partial = machine()
        partial.bytesReceived()
        #expect(partial.peerClosed() == .close)
        var answering = machine()
        answering.headReceived(expectsBody: false)
        #expect(answering.peerClosed() == .none)
        #expect(answering.responseFinished() == .drain)
    }

    @Test func shutdownClosesIdleConnectionsAndLetsBusyOnesFinish() {
        var idle = machine()
        #expect(idle.shutdownRequested() == .close)
        var busy = machine()
        busy.bytesReceived()
        busy.headReceived(expectsBody: false)
        #expect(busy.shutdownRequested() == .none)
        #expect(busy.responseFinished() == .drain)
    }

    @Test func timeoutsAreConfigurable() {
        var machine = machine { $0.headerReadTimeout = .milliseconds(300) }
        clock.advance(by: .milliseconds(299))
        #expect(machine.timeoutFired() == .none)
        clock.advance(by: .milliseconds(1))
        #expect(machine.timeoutFired() == .close)
    }
}
