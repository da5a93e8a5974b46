import Backprop

/// A submitted sweep: its request, lifecycle, trials and a version that increases with every
/// change (the ETag and the long-poll/SSE wake-ups are built on it).
public struct Run: Sendable {
    public let id: RunID
    public let request: RunRequest
    public let createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var lifecycle: RunLifecycle
    public var trials: [TrialProgress]
    public var version = 1
    public var idempotencyKey: String?
    /// Why the run failed (status `failed` only).
    public var failure: String?

    public init(id: RunID = RunID(), request: RunRequest, createdAt: Timestamp = .now(), idempotencyKey: String? = nil) {
        self.id = id
        self.request = request
        self.createdAt = createdAt
        self.idempotencyKey = idempotencyKey
        trials = request.sweep.trials.map(TrialProgress.init(spec:))
        lifecycle = RunLifecycle(trialsLeft: trials.count)
    }

    public var status: RunLifecycle.Status { lifecycle.status }
    /// The dataset every trial trains on (built once, when the request was validated).
    public var dataset: Dataset { request.sweep.dataset }

    public var iterationsTotal: Int { request.sweep.iterations * trials.count }
    public var iterationsDone: Int { trials.reduce(0) { $0 + $1.iterationsDone } }

    /// The run's best trial (see `TrialResult.bestIndex`): nil until one has learned, and when none did.
    public var best: (index: Int, result: TrialResult)? {
        TrialResult.bestIndex(among: trials.map(\.result)).flatMap { index in trials[index].result.map { (index, $0) } }
    }

    /// Unfinished trials back to queued, for a restart or shutdown.
    public mutating func requeueUnfinishedTrials() {
        for index in trials.indices where !trials[index].isDone { trials[index].reset() }
    }

    /// Queued trials of a cancelled or failed run never get a result.
    public mutating func markUnstartedTrialsCancelled() {
        for index in trials.indices where !trials[index].isDone { trials[index].state = .cancelled }
    }

    /// Performs what the lifecycle asked for that concerns only this value; returns whether it
    /// must be persisted now.
    mutating func apply(_ actions: [RunLifecycle.Action], at time: Timestamp) -> Bool {
        var persist = false
        for action in actions {
            switch action {
            case .recordStart: startedAt = startedAt ?? time
            case .recordFinish: finishedAt = time
            case .persist: persist = true
            case .stopWork: break
            }
        }
        return persist
    }
}
