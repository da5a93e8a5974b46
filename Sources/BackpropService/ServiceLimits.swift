public import Backprop

/// Every limit the API enforces; each has a flag and an environment variable (see api.md).
/// The bounds of one trial and its dataset are the engine's `TrainingLimits`, held here once.
public struct ServiceLimits: Sendable, Equatable {
    /// Samples, inputs, outputs, hidden size, iterations and curve points per trial.
    public var training = TrainingLimits()
    /// Alphas per run (the grid is alphas × hidden sizes).
    public var maxAlphas = 64
    public var maxHiddenSizes = 16
    /// samples × weights × iterations × trials of one run.
    public var maxWork = 100_000_000_000.0
    /// weights × trials of one run: bounds the memory of its synapses and direction counts.
    public var maxRunWeights = 1_000_000
    /// Bytes of a finished run's `GET /runs/{id}` (its upper bound, `RunSizeBound.served`; the
    /// file is smaller). 16 MiB: see api.md for why it fits the manifests' 512 MiB.
    public var maxRunBytes = 16 << 20
    /// samples × (inputs + outputs) of an inline dataset.
    public var maxDatasetValues = 100_000
    public var maxNameLength = 200
    public var maxLabels = 32

    public init() {}

    /// `iterations` when a request omits it: the notebook's 60000, or `maxIterations` when that is
    /// lower, so an omitted field never breaks the server's own limit.
    public var defaultIterations: Int { min(60_000, training.maxIterations) }
    /// `hidden_size` when a request gives neither it nor `hidden_sizes`: 4, or `maxHiddenSize`
    /// when that is lower.
    public var defaultHiddenSize: Int { min(4, training.maxHiddenSize) }
    /// `error_every` when a request omits it (see `Sweep.defaultErrorEvery`).
    public func defaultErrorEvery(iterations: Int) -> Int {
        Sweep.defaultErrorEvery(iterations: iterations, maxCurvePoints: training.maxCurvePoints)
    }

    /// For reloading stored runs: they were valid when accepted, whatever the limits are now.
    public static let unlimited: ServiceLimits = {
        var limits = ServiceLimits()
        limits.training.maxSamples = .max
        limits.training.maxInputs = .max
        limits.training.maxOutputs = .max
        limits.training.maxHiddenSize = .max
        limits.training.maxIterations = .max
        limits.training.maxCurvePoints = .max
        limits.maxAlphas = .max
        limits.maxHiddenSizes = .max
        limits.maxWork = .infinity
        limits.maxRunWeights = .max
        limits.maxRunBytes = .max
        limits.maxDatasetValues = .max
        limits.maxNameLength = .max
        limits.maxLabels = .max
        return limits
    }()
}
