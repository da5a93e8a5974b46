import Backprop

/// One trial of a run as the API shows it: queued, running (curve and synapses so far), or
/// finished with the engine's result.
public struct TrialProgress: Sendable {
    public enum State: Sendable {
        case queued
        case running
        case finished(TrialResult)
        /// Cancelled before a worker produced a result (never started, or stopped mid-batch).
        case cancelled
    }

    public let spec: TrialSpec
    public var state: State = .queued
    public var iterationsDone = 0
    /// Points recorded so far while running; a finished trial's curve is its result's.
    public var partialCurve: [CurvePoint] = []
    public var currentSynapses: [Matrix] = []

    public init(spec: TrialSpec) {
        self.spec = spec
    }

    public var result: TrialResult? {
        if case .finished(let result) = state { return result }
        return nil
    }

    public var errorCurve: [CurvePoint] { result?.errorCurve ?? partialCurve }

    public var isDone: Bool {
        switch state {
        case .queued, .running: false
        case .finished, .cancelled: true
        }
    }

    /// `queued`, `running`, or the engine's `succeeded` / `diverged` / `cancelled`.
    public var statusName: String {
        switch state {
        case .queued: "queued"
        case .running: "running"
        case .finished(let result): result.status.rawValue
        case .cancelled: "cancelled"
        }
    }

    /// Back to the deterministic start: what a restart or shutdown does to unfinished work.
    public mutating func reset() {
        state = .queued
        iterationsDone = 0
        partialCurve = []
        currentSynapses = []
    }

    public mutating func record(_ snapshot: TrialSnapshot) {
        iterationsDone = snapshot.iterationsDone
        partialCurve.append(contentsOf: snapshot.newCurvePoints)
        currentSynapses = snapshot.synapses
    }
}
