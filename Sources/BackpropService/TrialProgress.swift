public import Backprop

/// One trial of a run as the API shows it: queued until the engine trains it, running (curve and
/// synapses so far), or finished with the engine's result.
public struct TrialProgress: Sendable {
    public enum State: Sendable {
        case queued
        case running
        case finished(TrialResult)
        /// Cancelled before the engine trained it: no result, no curve.
        case cancelled
    }

    /// The trial's status as the API names it (`status` of a trial, its `trial` events).
    public enum Phase: String, Sendable, CaseIterable {
        case queued, running, succeeded, diverged, cancelled

        var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }

        init(code: UInt8) {
            self = Int(code) < Self.allCases.count ? Self.allCases[Int(code)] : .queued
        }

        public var isTerminal: Bool { self != .queued && self != .running }
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

    public var isDone: Bool { phase.isTerminal }

    public var phase: Phase {
        switch state {
        case .queued: .queued
        case .running: .running
        case .finished(let result):
            switch result.status {
            case .succeeded: .succeeded
            case .diverged: .diverged
            case .cancelled: .cancelled
            }
        case .cancelled: .cancelled
        }
    }

    /// `queued`, `running`, or the engine's `succeeded` / `diverged` / `cancelled`.
    public var statusName: String { phase.rawValue }

    /// Back to the deterministic start: what a restart or shutdown does to unfinished work.
    public mutating func reset() {
        state = .queued
        iterationsDone = 0
        partialCurve = []
        currentSynapses = []
    }

    /// Takes a progress report (points it already has, after a replay, are not added twice).
    public mutating func record(_ snapshot: TrialSnapshot) {
        iterationsDone = snapshot.iterationsDone
        let last = partialCurve.last?.iteration ?? -1
        partialCurve.append(contentsOf: snapshot.newCurvePoints.drop { $0.iteration <= last })
        currentSynapses = snapshot.synapses
    }
}
