/// A run's lifecycle as an explicit state machine: events in, actions out. The caller (the
/// run registry) performs the actions; tests drive the machine without threads or sockets.
///
///     queued ──start──▶ running ──last trial──▶ succeeded
///       │  ▲               │  └──fail──▶ failed
///       │  └─interrupt─────┘
///       └──────cancel──────┴──▶ cancelled
public struct RunLifecycle: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled

        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public enum Action: Sendable, Equatable {
        /// Set `started_at` (first start only).
        case recordStart
        /// Set `finished_at`.
        case recordFinish
        /// Drop the run's queued work and cancel its running trials.
        case stopWork
        /// Write the run to disk now (a state change).
        case persist
    }

    public enum Refusal: Error, Sendable, Equatable {
        case alreadyFinished(Status)
    }

    public private(set) var status: Status
    public private(set) var trialsLeft: Int
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

    /// A worker picked up one of the run's batches. Nothing to do once the run is finished.
    public mutating func batchStarted() -> [Action] {
        guard status == .queued else { return [] }
        status = .running
        defer { hasStarted = true }
        return hasStarted ? [.persist] : [.recordStart, .persist]
    }

    /// One trial finished (converged, diverged or ran out of iterations).
    public mutating func trialFinished() -> [Action] {
        guard status == .running || status == .queued, trialsLeft > 0 else { return [] }
        trialsLeft -= 1
        guard trialsLeft == 0 else { return [.persist] }
        status = .succeeded
        return [.recordFinish, .persist]
    }

    public mutating func cancel() throws(Refusal) -> [Action] {
        switch status {
        case .queued, .running:
            status = .cancelled
            return [.stopWork, .recordFinish, .persist]
        case .cancelled:
            return []
        case .succeeded, .failed:
            throw .alreadyFinished(status)
        }
    }

    /// The run cannot be trained (e.g. its stored dataset no longer resolves).
    public mutating func fail() -> [Action] {
        guard !status.isFinished else { return [] }
        status = .failed
        return [.stopWork, .recordFinish, .persist]
    }

    /// The server is stopping or restarting: running work goes back to the queue.
    public mutating func interrupt() -> [Action] {
        guard status == .running else { return [] }
        status = .queued
        return [.persist]
    }
}
