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

    /// The number of points the error curve will hold.
    public var curvePointCount: Int { iterations == 0 ? 1 : (iterations - 1) / max(errorEvery, 1) + 2 }

    /// Everything that keeps this spec from training within `limits` (empty when it is valid).
    /// Pointers name the JSON fields: `/alpha`, `/hidden_size`, `/iterations`, `/error_every`.
    public func validationIssues(limits: TrainingLimits = .standard) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !alpha.isFinite || alpha <= 0 {
            issues.append(ValidationIssue(pointer: "/alpha", message: "must be a finite number greater than 0"))
        }
        if hiddenSize < 0 || hiddenSize > limits.maxHiddenSize {
            issues.append(ValidationIssue(pointer: "/hidden_size", message: "must be between 0 and \(limits.maxHiddenSize)"))
        }
        if iterations < 0 || iterations > limits.maxIterations {
            issues.append(ValidationIssue(pointer: "/iterations", message: "must be between 0 and \(limits.maxIterations)"))
        }
        if errorEvery < 1 {
            issues.append(ValidationIssue(pointer: "/error_every", message: "must be at least 1"))
        } else if iterations >= 0, curvePointCount > limits.maxCurvePoints {
            issues.append(ValidationIssue(pointer: "/error_every", message: "gives \(curvePointCount) curve points; at most \(limits.maxCurvePoints) are allowed (raise error_every)"))
        }
        return issues
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
