import Backprop

/// A submitted sweep: its request, lifecycle, trials, the log of events clients have been (or
/// will be) sent, and a version that increases with every change (ETags and wake-ups use it).
/// The changes themselves, each logging its events in order, are in `Run+Transitions.swift`.
public struct Run: Sendable {
    public let id: RunID
    public let request: RunRequest
    public let dataset: Dataset
    public let createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var lifecycle: RunLifecycle
    public var trials: [TrialProgress]
    public var events = RunEventLog()
    public var version = 1
    public var idempotencyKey: String?

    public init(id: RunID = RunID(), request: RunRequest, dataset: Dataset, createdAt: Timestamp = .now(), idempotencyKey: String? = nil) {
        self.id = id
        self.request = request
        self.dataset = dataset
        self.createdAt = createdAt
        self.idempotencyKey = idempotencyKey
        trials = request.trialSpecs.map(TrialProgress.init(spec:))
        lifecycle = RunLifecycle(trialsLeft: trials.count)
        events.appendStatus(status, iterationsDone: 0)
    }

    public var status: RunLifecycle.Status { lifecycle.status }

    public var iterationsTotal: Int { request.iterations * trials.count }
    /// Updates applied to the weights of all trials (a diverged or cancelled trial stops early).
    public var iterationsDone: Int { trials.reduce(0) { $0 + $1.iterationsDone } }

    /// Share of the run that is done: a trial with a terminal state counts whole, however early
    /// it stopped, so a finished run is 1.
    public var fraction: Double {
        guard request.iterations > 0, !trials.isEmpty else { return 1 }
        let done = trials.reduce(0) { $0 + ($1.isDone ? request.iterations : min($1.iterationsDone, request.iterations)) }
        return Double(done) / Double(iterationsTotal)
    }

    /// The lowest final error among trials that finished without diverging.
    public var best: (index: Int, result: TrialResult)? {
        var best: (index: Int, result: TrialResult)?
        for (index, trial) in trials.enumerated() {
            guard let result = trial.result, result.status == .succeeded, let error = result.finalError, error.isFinite else { continue }
            if let current = best?.result.finalError, current <= error { continue }
            best = (index, result)
        }
        return best
    }

    /// The ETag of this version: the version and the log's epoch, both stored with the run, so
    /// the tag of an unchanged run is the same after a restart.
    public func etag(variant: String = "") -> String {
        "\"\(version).\(events.epoch)\(variant.isEmpty ? "" : "." + variant)\""
    }

    /// The resume cursor of this version: every event logged so far.
    public var nextCursor: EventCursor { events.cursor(at: events.count) }
}
