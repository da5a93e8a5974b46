/// Bounds on what one run may ask of the engine, so a request can neither exhaust memory nor
/// overflow the arithmetic. The defaults suit the 2-core service; callers may pass their own.
public struct TrainingLimits: Sendable, Hashable {
    public var maxSamples = 1024
    public var maxInputs = 256
    public var maxOutputs = 64
    public var maxHiddenSize = 256
    public var maxIterations = 10_000_000
    /// Curve points per trial: iterations / errorEvery + 1.
    public var maxCurvePoints = 100_000
    /// Largest |value| in a dataset. Keeps the first forward pass finite whatever the weights.
    public var maxMagnitude = 1e9

    public init() {}

    public static let standard = TrainingLimits()
}
