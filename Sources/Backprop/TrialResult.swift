/// What a trial produced. Encodes with the API's snake_case keys; never contains NaN or ∞
/// (a diverged trial reports its last finite state).
public struct TrialResult: Sendable, Hashable, Codable {
    public var alpha: Double
    public var hiddenSize: Int
    public var status: TrialStatus
    /// The first iteration whose weights or outputs were not finite (nil unless diverged).
    public var divergedAtIteration: Int?
    /// Updates applied to the reported weights.
    public var iterationsDone: Int
    /// Points at 0, every errorEvery, and a last one at `iterationsDone` (the reported weights).
    public var errorCurve: [CurvePoint]
    public var finalError: Double?
    /// synapse_0 first.
    public var synapses: [Matrix]
    /// Per weight, how often the sign of its update (`update > 0`) flipped between consecutive
    /// iterations, counted from the second iteration on. Shaped like `synapses`.
    public var directionChanges: [[[Int]]]
    /// The trained net's output for every input row (samples × outputs).
    public var outputs: Matrix
    /// Wall time of the training, which the trial shared with the rest of its batch.
    public var durationMs: Double

    public init(
        alpha: Double, hiddenSize: Int, status: TrialStatus, divergedAtIteration: Int?,
        iterationsDone: Int, errorCurve: [CurvePoint], finalError: Double?, synapses: [Matrix],
        directionChanges: [[[Int]]], outputs: Matrix, durationMs: Double
    ) {
        self.alpha = alpha
        self.hiddenSize = hiddenSize
        self.status = status
        self.divergedAtIteration = divergedAtIteration
        self.iterationsDone = iterationsDone
        self.errorCurve = errorCurve
        self.finalError = finalError
        self.synapses = synapses
        self.directionChanges = directionChanges
        self.outputs = outputs
        self.durationMs = durationMs
    }

    private enum CodingKeys: String, CodingKey {
        case alpha, hiddenSize = "hidden_size", status, divergedAtIteration = "diverged_at_iteration"
        case iterationsDone = "iterations_done", errorCurve = "error_curve", finalError = "final_error"
        case synapses, directionChanges = "direction_changes", outputs, durationMs = "duration_ms"
    }

    /// Writes `null` for the optional fields rather than leaving them out, and `learned`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(hiddenSize, forKey: .hiddenSize)
        try container.encode(status, forKey: .status)
        try container.encode(divergedAtIteration, forKey: .divergedAtIteration)
        try container.encode(iterationsDone, forKey: .iterationsDone)
        try container.encode(errorCurve, forKey: .errorCurve)
        try container.encode(finalError, forKey: .finalError)
        try container.encode(synapses, forKey: .synapses)
        try container.encode(directionChanges, forKey: .directionChanges)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(durationMs, forKey: .durationMs)
        try encodeLearned(to: encoder)
    }
}

/// Progress of a running trial, as `Trainer.train` reports it.
public struct TrialSnapshot: Sendable, Hashable {
    public var iterationsDone: Int
    /// Only the curve points recorded since this trial's previous snapshot.
    public var newCurvePoints: [CurvePoint]
    /// The weights after `iterationsDone` updates, synapse_0 first.
    public var synapses: [Matrix]

    public init(iterationsDone: Int, newCurvePoints: [CurvePoint], synapses: [Matrix]) {
        self.iterationsDone = iterationsDone
        self.newCurvePoints = newCurvePoints
        self.synapses = synapses
    }
}
