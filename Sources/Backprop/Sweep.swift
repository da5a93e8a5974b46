/// The notebook's experiment: every alpha at every hidden size on one dataset, each trial
/// starting from the same seeded weights. The one description of a run's trials: the service's
/// `RunRequest` holds one, and `backpropd train` trains one.
public struct Sweep: Sendable, Hashable {
    public var dataset: Dataset
    public var alphas: [Double]
    public var hiddenSizes: [Int]
    public var iterations: Int
    public var errorEvery: Int
    public var seed: UInt32

    public init(dataset: Dataset, alphas: [Double], hiddenSizes: [Int], iterations: Int, errorEvery: Int? = nil, seed: UInt32 = 1) {
        self.dataset = dataset
        self.alphas = alphas
        self.hiddenSizes = hiddenSizes
        self.iterations = iterations
        self.errorEvery = errorEvery ?? Self.defaultErrorEvery(iterations: iterations)
        self.seed = seed
    }

    /// In [3]/[4]: XOR, alphas 0.001 … 1000, hidden 4, 60000 iterations, seed 1. The notebook
    /// prints the error every 10000 iterations; the default `errorEvery` (50) records those too.
    public static let notebook = Sweep(
        dataset: .builtIn(named: "xor")!, alphas: [0.001, 0.01, 0.1, 1, 10, 100, 1000], hiddenSizes: [4],
        iterations: 60000, seed: 1)

    /// One spec per (hidden size, alpha), hidden sizes outermost, in the order given.
    public var trials: [TrialSpec] {
        hiddenSizes.flatMap { hidden in
            alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: iterations, errorEvery: errorEvery, seed: seed) }
        }
    }

    /// `errorEvery` when none is given: the largest 1-2-5 step (1, 2, 5, 10, 20, 50, …) at most
    /// iterations / 1000, so a curve has 1,000 to 2,500 points and every round iteration count
    /// (60000 → 50: 10000, 20000, … are all on the curve). Raised to the smallest 1-2-5 step that
    /// keeps `iterations / errorEvery` within `maxCurvePoints` when that is lower.
    public static func defaultErrorEvery(iterations: Int, maxCurvePoints: Int = .max) -> Int {
        var step = 1
        while let next = nextStep(after: step), next <= iterations / 1000 { step = next }
        while iterations / step > maxCurvePoints, let next = nextStep(after: step) { step = next }
        return step
    }

    /// 1 → 2 → 5 → 10 → 20 → …; nil past Int's range.
    private static func nextStep(after step: Int) -> Int? {
        var decade = 1
        while decade <= step / 10 { decade *= 10 }
        let (next, overflow) = step / decade == 2 ? decade.multipliedReportingOverflow(by: 5) : step.multipliedReportingOverflow(by: 2)
        return overflow ? nil : next
    }
}
