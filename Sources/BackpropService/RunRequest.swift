public import Backprop

/// A validated, normalized `POST /runs` body: the engine's `Sweep` (its dataset built once, its
/// defaults filled in) plus what only the service keeps. Equal requests are equal values
/// (idempotency keys compare them).
public struct RunRequest: Sendable, Equatable {
    /// The built-in dataset's name; nil when the dataset was given inline.
    public var datasetName: String?
    /// The trials: `sweep.trials[i]` is trial i of the run.
    public var sweep: Sweep
    public var name: String?
    public var labels: [String: String]

    public init(datasetName: String? = nil, sweep: Sweep, name: String? = nil, labels: [String: String] = [:]) {
        self.datasetName = datasetName
        self.sweep = sweep
        self.name = name
        self.labels = labels
    }

    /// The normalized request as the API shows it and the run store keeps it.
    public var json: JSONValue {
        let datasetJSON: JSONValue =
            if let datasetName {
                .string(datasetName)
            } else {
                .object(["inputs": Self.rows(sweep.dataset.inputs), "targets": Self.rows(sweep.dataset.targets)])
            }
        return .object([
            "dataset": datasetJSON,
            "alphas": .array(sweep.alphas.map(JSONValue.number)),
            "hidden_sizes": .array(sweep.hiddenSizes.map { .number(Double($0)) }),
            "iterations": .number(Double(sweep.iterations)),
            "seed": .number(Double(sweep.seed)),
            "error_every": .number(Double(sweep.errorEvery)),
            "name": name.map(JSONValue.string) ?? .null,
            "labels": .object(labels.mapValues(JSONValue.string)),
        ])
    }

    private static func rows(_ matrix: Matrix) -> JSONValue {
        .array(matrix.rowArrays.map { .array($0.map(JSONValue.number)) })
    }
}
