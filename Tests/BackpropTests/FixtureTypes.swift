@testable import Backprop

/// One figure the notebook printed (see shared/seed/README.md).
struct NotebookFigure {
    let `case`: String
    let alpha: Double?
    let what: String
    let iteration: Int?
    let layer: Int
    let row: Int
    let column: Int
    let value: Double
}

/// Datasets the numpy fixtures were trained on, rebuilt here the same way.
enum FixtureDataset {
    case builtIn(String)
    /// numpy_scale.py's recipe: `random((samples, bits)) < 0.5` for `seed`, a bias column;
    /// targets parity(b0, b1, b2) and b0 AND b1.
    case randomBits(seed: UInt32, samples: Int, bits: Int)
    case xorWithTargetsScaled(by: Double)

    var dataset: Dataset {
        switch self {
        case .builtIn(let name):
            return Dataset.builtIn(named: name)!
        case .randomBits(let seed, let samples, let bits):
            var random = NumpyRandom(seed: seed)
            let rows = (0..<samples).map { _ in (0..<bits).map { _ in random.nextDouble() < 0.5 ? 1.0 : 0.0 } }
            let targets = rows.map { b in [Double((Int(b[0]) ^ Int(b[1]) ^ Int(b[2]))), Double(Int(b[0]) & Int(b[1]))] }
            return try! Dataset(inputs: rows.map { $0 + [1] }, targets: targets)
        case .xorWithTargetsScaled(let factor):
            let xor = Dataset.builtIn(named: "xor")!
            return try! Dataset(inputs: xor.inputs.rowArrays, targets: xor.targets.rowArrays.map { $0.map { $0 * factor } })
        }
    }
}

struct NumpyTrial {
    let alpha: Double
    let status: TrialStatus
    let divergedAt: Int?
    let iterationsDone: Int
    let curve: [(Int, Double)]
    let synapses: [[Double]]
    let directionChanges: [[Int]]
    let outputs: [Double]
}

struct NumpyCase {
    let name: String
    let dataset: FixtureDataset
    let seed: UInt32
    let hidden: Int
    let iterations: Int
    let errorEvery: Int
    let trials: [NumpyTrial]

    var specs: [TrialSpec] {
        trials.map { TrialSpec(alpha: $0.alpha, hiddenSize: hidden, iterations: iterations, errorEvery: errorEvery, seed: seed) }
    }
}

/// |actual − expected| ≤ tolerance · |expected| (absolute near 0).
func isClose(_ actual: Double, _ expected: Double, relative tolerance: Double = 1e-9) -> Bool {
    abs(actual - expected) <= tolerance * max(abs(expected), 1e-300)
}

/// The notebook printed matrices and outputs with 8 decimals: ours must round to the same.
func roundsTo(_ actual: Double, printed: Double) -> Bool {
    abs(actual - printed) <= 0.5e-8 * (1 + 1e-6)
}

func train(_ dataset: Dataset, _ specs: [TrialSpec], codePath: CodePath = .fastest) -> [TrialResult] {
    Trainer.train(dataset: dataset, specs: specs, codePath: codePath, cancellation: Cancellation()) { _, _ in }
}
