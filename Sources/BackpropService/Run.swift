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
    /// The run's name and labels: the request's, until `PATCH /runs/{id}` changes them (the
    /// request stays as submitted: idempotent replays compare it).
    public var name: String?
    public var labels: [String: String]
    /// The binary and code path that trained it.
    public var engine = EngineIdentity() {
        didSet { if engine.version != oldValue.version { fingerprint = RunFingerprint.of(request.sweep, engineVersion: engine.version) } }
    }
    /// SHA-256 of what determines the results (`RunFingerprint`).
    public private(set) var fingerprint: String

    public init(id: RunID = RunID(), request: RunRequest, createdAt: Timestamp = .now(), idempotencyKey: String? = nil) {
        self.id = id
        self.request = request
        self.createdAt = createdAt
        self.idempotencyKey = idempotencyKey
        name = request.name
        labels = request.labels
        fingerprint = RunFingerprint.of(request.sweep, engineVersion: EngineIdentity.version)
        trials = request.sweep.trials.map(TrialProgress.init(spec:))
        lifecycle = RunLifecycle(trialsLeft: trials.count)
    }

    public var status: RunLifecycle.Status { lifecycle.status }
    /// The dataset every trial trains on (built once, when the request was validated).
    public var dataset: Dataset { request.sweep.dataset }

    public var iterationsTotal: Int { request.sweep.iterations * trials.count }
    public var iterationsDone: Int { trials.reduce(0) { $0 + $1.iterationsDone } }

    /// Milliseconds from submission to the first training (to the end, for a run cancelled
    /// before it trained); nil while it waits.
    public var queuedMilliseconds: Int64? {
        guard let end = startedAt ?? finishedAt else { return nil }
        return max(0, end.millisecondsSince1970 - createdAt.millisecondsSince1970)
    }

    /// Milliseconds from the first training to the end; nil until the run has trained and finished.
    public var durationMilliseconds: Int64? {
        guard let startedAt, let finishedAt else { return nil }
        return max(0, finishedAt.millisecondsSince1970 - startedAt.millisecondsSince1970)
    }

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
