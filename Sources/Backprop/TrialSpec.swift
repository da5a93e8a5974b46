/// One training of the notebook's network: a learning rate and a hidden-layer size, trained for
/// `iterations` full-batch updates from the weights numpy draws for `seed`.
public struct TrialSpec: Sendable, Hashable, Codable {
    public var alpha: Double
    /// 0 trains the 2-layer net (no hidden layer).
    public var hiddenSize: Int
    public var iterations: Int
    /// The error curve gets a point at every multiple of this, plus one at `iterations`.
    public var errorEvery: Int
    public var seed: UInt32

    public init(alpha: Double, hiddenSize: Int, iterations: Int, errorEvery: Int, seed: UInt32) {
        self.alpha = alpha
        self.hiddenSize = hiddenSize
        self.iterations = iterations
        self.errorEvery = errorEvery
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case alpha, hiddenSize = "hidden_size", iterations, errorEvery = "error_every", seed
    }
}

/// One point of an error curve: the mean absolute error of the weights after `iteration` updates.
public struct CurvePoint: Sendable, Hashable, Codable {
    public let iteration: Int
    public let error: Double

    public init(iteration: Int, error: Double) {
        self.iteration = iteration
        self.error = error
    }
}

public enum TrialStatus: String, Sendable, Codable, Hashable {
    case succeeded
    /// Weights or outputs became ±∞/NaN; the result holds the last finite state.
    case diverged
    case cancelled
}
