import Backprop

/// Every limit the API enforces; each has a flag and an environment variable (see api.md).
public struct ServiceLimits: Sendable, Equatable {
    /// Alphas per run (the grid is alphas × hidden sizes).
    public var maxAlphas = 64
    public var maxHiddenSize = 1024
    public var maxHiddenSizes = 16
    public var maxIterations = 10_000_000
    /// Recorded error-curve points per trial: `iterations / error_every` may not exceed it.
    public var maxCurvePoints = 10_000
    /// samples × weights × iterations × trials of one run.
    public var maxWork = 100_000_000_000.0
    /// weights × trials of one run: bounds the memory of its synapses and direction counts.
    public var maxRunWeights = 1_000_000
    /// samples × (inputs + outputs) of an inline dataset.
    public var maxDatasetValues = 100_000
    /// Rows and columns of an inline dataset (checked by the engine's Dataset validation).
    public var maxSamples = 1024
    public var maxInputs = 256
    public var maxOutputs = 64
    public var maxNameLength = 200
    public var maxLabels = 32

    public init() {}

    /// `iterations` when a request omits it: the notebook's 60000, or `maxIterations` when that is
    /// lower, so an omitted field never breaks the server's own limit.
    public var defaultIterations: Int { min(60_000, maxIterations) }
    /// `hidden_size` when a request gives neither it nor `hidden_sizes`: 4, or `maxHiddenSize`
    /// when that is lower.
    public var defaultHiddenSize: Int { min(4, maxHiddenSize) }

    /// What the engine checks a dataset against (values also within ±1e9, the engine's bound).
    public var trainingLimits: TrainingLimits {
        var limits = TrainingLimits()
        limits.maxSamples = maxSamples
        limits.maxInputs = maxInputs
        limits.maxOutputs = maxOutputs
        return limits
    }

    /// For reloading stored runs: they were valid when accepted, whatever the limits are now.
    public static let unlimited: ServiceLimits = {
        var limits = ServiceLimits()
        limits.maxAlphas = .max
        limits.maxHiddenSize = .max
        limits.maxHiddenSizes = .max
        limits.maxIterations = .max
        limits.maxCurvePoints = .max
        limits.maxWork = .infinity
        limits.maxRunWeights = .max
        limits.maxDatasetValues = .max
        limits.maxSamples = .max
        limits.maxInputs = .max
        limits.maxOutputs = .max
        limits.maxNameLength = .max
        limits.maxLabels = .max
        return limits
    }()
}
