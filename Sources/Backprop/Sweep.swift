/// The notebook's experiment: every alpha at every hidden size on one dataset, each trial
/// starting from the same seeded weights.
public struct Sweep: Sendable, Hashable {
    public var dataset: Dataset
    public var alphas: [Double]
    public var hiddenSizes: [Int]
    public var iterations: Int
    public var errorEvery: Int
    public var seed: UInt32

    public init(dataset: Dataset, alphas: [Double], hiddenSizes: [Int], iterations: Int, errorEvery: Int, seed: UInt32) {
        self.dataset = dataset
        self.alphas = alphas
        self.hiddenSizes = hiddenSizes
        self.iterations = iterations
        self.errorEvery = errorEvery
        self.seed = seed
    }

    /// In [3]/[4]: XOR, alphas 0.001 … 1000, hidden 4, 60000 iterations, an error every 10000, seed 1.
    public static let notebook = Sweep(
        dataset: .builtIn(named: "xor")!, alphas: [0.001, 0.01, 0.1, 1, 10, 100, 1000], hiddenSizes: [4],
        iterations: 60000, errorEvery: 10000, seed: 1)

    /// One spec per (hidden size, alpha), hidden sizes outermost, in the order given.
    public var trials: [TrialSpec] {
        hiddenSizes.flatMap { hidden in
            alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: iterations, errorEvery: errorEvery, seed: seed) }
        }
    }

    /// Problems with the parameters, with pointers `/alphas/2`, `/hidden_sizes/0`, `/iterations`,
    /// `/error_every` (empty when the sweep can run).
    public func validationIssues(limits: TrainingLimits = .standard) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if alphas.isEmpty { issues.append(ValidationIssue(pointer: "/alphas", message: "must list at least one alpha")) }
        if hiddenSizes.isEmpty { issues.append(ValidationIssue(pointer: "/hidden_sizes", message: "must list at least one hidden size")) }
        for (index, alpha) in alphas.enumerated() {
            let spec = TrialSpec(alpha: alpha, hiddenSize: 0, iterations: 0, errorEvery: 1, seed: seed)
            issues += spec.validationIssues(limits: limits).map { ValidationIssue(pointer: "/alphas/\(index)", message: $0.message) }
        }
        for (index, hidden) in hiddenSizes.enumerated() {
            let spec = TrialSpec(alpha: 1, hiddenSize: hidden, iterations: 0, errorEvery: 1, seed: seed)
            issues += spec.validationIssues(limits: limits).map { ValidationIssue(pointer: "/hidden_sizes/\(index)", message: $0.message) }
        }
        let spec = TrialSpec(alpha: 1, hiddenSize: 0, iterations: iterations, errorEvery: errorEvery, seed: seed)
        issues += spec.validationIssues(limits: limits)
        return issues
    }

    /// Trains every trial on the calling thread (see `Trainer.train`); results in `trials` order.
    public func run(cancellation: Cancellation = Cancellation(), onProgress: (Int, TrialSnapshot) -> Void = { _, _ in }) -> [TrialResult] {
        Trainer.train(dataset: dataset, specs: trials, cancellation: cancellation, onProgress: onProgress)
    }
}
