import Backprop

/// A validated, normalized `POST /runs` body: defaults filled in, `hidden_size` folded into
/// `hiddenSizes`. Equal requests are equal values (idempotency keys compare them).
public struct RunRequest: Sendable, Equatable {
    public enum DatasetChoice: Sendable, Equatable {
        case builtIn(String)
        case inline(inputs: [[Double]], targets: [[Double]])
    }

    public var dataset: DatasetChoice
    public var alphas: [Double]
    public var hiddenSizes: [Int]
    public var iterations: Int
    public var seed: UInt32
    public var errorEvery: Int
    public var name: String?
    public var labels: [String: String]

    public init(dataset: DatasetChoice, alphas: [Double], hiddenSizes: [Int], iterations: Int = 60_000,
                seed: UInt32 = 1, errorEvery: Int? = nil, name: String? = nil, labels: [String: String] = [:]) {
        self.dataset = dataset
        self.alphas = alphas
        self.hiddenSizes = hiddenSizes
        self.iterations = iterations
        self.seed = seed
        self.errorEvery = errorEvery ?? Self.defaultErrorEvery(iterations: iterations)
        self.name = name
        self.labels = labels
    }

    public static func defaultErrorEvery(iterations: Int) -> Int { max(1, iterations / 1000) }

    /// The grid alphas × hidden sizes, hidden size outermost: trial i of the run is `trialSpecs[i]`.
    public var trialSpecs: [TrialSpec] {
        hiddenSizes.flatMap { hidden in
            alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: iterations, errorEvery: errorEvery, seed: seed) }
        }
    }

    public func resolvedDataset(limits: ServiceLimits) -> Dataset? {
        switch dataset {
        case .builtIn(let name): Dataset.builtIn(named: name)
        case .inline(let inputs, let targets): try? Dataset(inputs: inputs, targets: targets, limits: limits.trainingLimits)
        }
    }

    /// The normalized request as the API shows it and the run store keeps it.
    public var json: JSONValue {
        let datasetJSON: JSONValue = switch dataset {
        case .builtIn(let name): .string(name)
        case .inline(let inputs, let targets): .object(["inputs": Self.rows(inputs), "targets": Self.rows(targets)])
        }
        return .object([
            "dataset": datasetJSON,
            "alphas": .array(alphas.map(JSONValue.number)),
            "hidden_sizes": .array(hiddenSizes.map { .number(Double($0)) }),
            "iterations": .number(Double(iterations)),
            "seed": .number(Double(seed)),
            "error_every": .number(Double(errorEvery)),
            "name": name.map(JSONValue.string) ?? .null,
            "labels": .object(labels.mapValues(JSONValue.string)),
        ])
    }

    private static func rows(_ matrix: [[Double]]) -> JSONValue {
        .array(matrix.map { .array($0.map(JSONValue.number)) })
    }
}
