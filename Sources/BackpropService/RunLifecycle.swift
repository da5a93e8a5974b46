/// A run's lifecycle as an explicit state machine: events in, actions out. The caller (the
/// run registry) performs the actions; tests drive the machine without threads or sockets.
///
///     queued ──batch started──▶ running ──last trial, last batch ended──▶ succeeded
///       │  ▲                       │
///       │  └──────interrupt────────┤ cancel: queued trials cancelled at once, running
///       │                          │ batches stopped; once the last one has ended ▼
///       └──────cancel (no batch running)───────────────────────────────▶ cancelled
///
/// A run is finished only when no batch of it is training any more, so its terminal status (and
/// the `status` event) always comes after every trial's last point and terminal event.
public struct RunLifecycle: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded, cancelled

        public var isFinished: Bool { self == .succeeded || self == .cancelled }
    }

    public enum Action: Sendable, Equatable {
        /// Set `started_at` (first start only).
        case recordStart
        /// Set `finished_at`.
        case recordFinish
        /// Drop the run's queued work and stop its running batches.
        case stopWork
        /// Write the run to disk now (a state change).
        case persist
    }

    public enum Refusal: Error, Sendable, Equatable {
        case alreadyFinished(Status)
    }

    public private(set) var status: Status
    /// Trials without a terminal state.
    public private(set) var trialsLeft: Int
    /// Batches a worker is training right now.
    public private(set) var batchesRunning = 0
    /// Cancel was asked for; the run ends `cancelled` once its running batches have stopped.
    public private(set) var cancelRequested = false
    private var anyTrialCancelled = false
    private var hasStarted: Bool

    /// A new run, or a reloaded one with `trialsLeft` unfinished trials (queued again).
    public init(trialsLeft: Int, hasStarted: Bool = false) {
        self.trialsLeft = trialsLeft
        self.hasStarted = hasStarted
        status = trialsLeft == 0 ? .succeeded : .queued
    }

    /// Restores a finished run as it was stored.
    public init(finished status: Status) {
        precondition(status.isFinished)
        self.status = status
        trialsLeft = 0
        hasStarted = true
    }

    /// Whether a worker may start one of the run's batches.
    public var acceptsWork: Bool { !status.isFinished && !cancelRequested }

    /// A worker started one of the run's batches (only while `acceptsWork`).
    public mutating func batchStarted() -> [Action] {
        guard acceptsWork else { return [] }
        batchesRunning += 1
        guard status == .queued else { return [] }
        status = .running
        defer { hasStarted = true }
        return hasStarted ? [.persist] : [.recordStart, .persist]
    }

    /// A trial reached a terminal state (`cancelled` says whether that state is cancelled).
    public mutating func trialFinished(cancelled: Bool) {
        guard trialsLeft > 0 else { return }
        trialsLeft -= 1
        if cancelled { anyTrialCancelled = true }
    }

    /// A batch returned from the worker (after its trials' `trialFinished`).
    public mutating func batchEnded() -> [Action] {
        batchesRunning = max(0, batchesRunning - 1)
        return settle()
    }

    /// Asks the run to stop. The caller has already marked the `queuedTrials` trials that never
    /// trained as cancelled; the run is cancelled at once when no batch is running, else when the
    /// last one ends. A cancelled run may be cancelled again (no change).
    public mutating func cancel(queuedTrials: Int) throws(Refusal) -> [Action] {
        switch status {
        case .cancelled: return []
        case .succeeded: throw .alreadyFinished(status)
        case .queued, .running: break
        }
        guard !cancelRequested else { return [] }
        cancelRequested = true
        for _ in 0..<queuedTrials { trialFinished(cancelled: true) }
        return [.stopWork, .persist] + settle()
    }

    /// The server is stopping: running work goes back to the queue (every worker has stopped).
    public mutating func interrupt() -> [Action] {
        batchesRunning = 0
        guard status == .running else { return [] }
        status = .queued
        return [.persist]
    }

    /// Finishes the run once nothing is left to train or a cancel has stopped everything.
    private mutating func settle() -> [Action] {
        guard !status.isFinished, batchesRunning == 0, trialsLeft == 0 || cancelRequested else { return [] }
        status = cancelRequested && anyTrialCancelled ? .cancelled : .succeeded
        return [.recordFinish, .persist]
    }
}
