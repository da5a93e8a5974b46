public import Backprop

/// A submitted sweep: its request, lifecycle, trials, the log of events clients have been (or
/// will be) sent, and a version that increases with every change (ETags and wake-ups use it).
/// The changes themselves, each logging its events in order, are in `Run+Transitions.swift`.
public struct Run: Sendable {
    public let id: RunID
    public let request: RunRequest
    public let createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var lifecycle: RunLifecycle
    public var trials: [TrialProgress]
    public var events = RunEventLog()
    public var version = 1
    public var idempotencyKey: String?
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
        events.appendStatus(status, iterationsDone: 0)
    }

    public var status: RunLifecycle.Status { lifecycle.status }
    /// The dataset every trial trains on (built once, when the request was validated).
    public var dataset: Dataset { request.sweep.dataset }

    public var iterationsTotal: Int { request.sweep.iterations * trials.count }
    /// Updates applied to the weights of all trials (a diverged or cancelled trial stops early).
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

    /// Share of the run that is done: a trial with a terminal state counts whole, however early
    /// it stopped, so a finished run is 1.
    public var fraction: Double {
        let iterations = request.sweep.iterations
        guard iterations > 0, !trials.isEmpty else { return 1 }
        let done = trials.reduce(0) { $0 + ($1.isDone ? iterations : min($1.iterationsDone, iterations)) }
        return Double(done) / Double(iterationsTotal)
    }

    /// The run's best trial (see `TrialResult.bestIndex`): nil until one has learned, and when none did.
    public var best: (index: Int, result: TrialResult)? {
        TrialResult.bestIndex(among: trials.map(\.result)).flatMap { index in trials[index].result.map { (index, $0) } }
    }

    /// The ETag of this version: the version and the log's epoch, both stored with the run, so
    /// the tag of an unchanged run is the same after a restart.
    public func etag(variant: String = "") -> String {
        "\"\(version).\(events.epoch)\(variant.isEmpty ? "" : "." + variant)\""
    }

    /// The resume cursor of this version: every event logged so far.
    public var nextCursor: EventCursor { events.cursor(at: events.count) }
}
