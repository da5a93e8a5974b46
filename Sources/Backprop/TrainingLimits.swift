/// Bounds on what one trial may ask of the engine, so a request can neither exhaust memory nor
/// overflow the arithmetic. The one definition of these limits: the service holds one of these
/// (`ServiceLimits.training`, each settable by a flag) and `backpropd train` uses the defaults.
public struct TrainingLimits: Sendable, Hashable {
    public var maxSamples = 1024
    public var maxInputs = 256
    public var maxOutputs = 64
    public var maxHiddenSize = 1024
    public var maxIterations = 10_000_000
    /// `iterations / errorEvery` per trial (the curve holds that many points, plus the point at
    /// iteration 0 and one at the last iteration when it is not a multiple).
    public var maxCurvePoints = 10_000
    /// Largest |value| in a dataset. Keeps the first forward pass finite whatever the weights.
    public var maxMagnitude = 1e9

    public init() {}

    public static let standard = TrainingLimits()
}
