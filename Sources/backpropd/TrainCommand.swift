import Backprop
import BackpropService
import CommandLineOptions

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `backpropd train`: the notebook's alpha sweep, offline, printed readably or as the API's JSON.
struct TrainCommand: Subcommand {
    static let name = "train"
    static let summary = "train an alpha sweep offline and print it (readable or --json)"
    static let help = """
        usage: backpropd train [options]

        Trains one network per (alpha, hidden size) with full-batch gradient descent, exactly as the
        numpy tutorial does, and prints each trial's error curve, final synapses, direction changes
        and outputs. The defaults are the notebook's sweep (In [4]).

        options:
          --dataset NAME         built-in dataset: xor (4×3 with a bias column, targets 0 1 1 0) or
                                 first-column (In [2]: 4×2, targets 0 0 1 1)            [xor]
          --dataset-file FILE    a JSON dataset instead: {"inputs": [[…], …], "targets": [[…], …]}
          --alphas LIST          comma-separated learning rates   [0.001,0.01,0.1,1,10,100,1000]
          --hidden-size LIST     hidden-layer sizes, comma-separated; 0 = no hidden layer   [4]
          --iterations N         gradient-descent updates per trial                     [60000]
          --seed N               numpy seed for the initial weights, 0…4294967295         [1]
          --error-every N        record the mean absolute error every N iterations
                                 [the largest of 1, 2, 5, 10, 20, 50, … ≤ iterations/1000: 50]
          --threads N            train on up to N threads; trials are split over them only
                                 where splitting is faster on this CPU (1: the engine on one
                                 thread)                                                 [cores]
          --json                 print {"trials": [...]} in the service's JSON shape
          -h, --help             show this help

        The options are checked like a POST /runs body (same defaults, limits and messages; see
        api.md). Exit status: 0 when the trials ran (even if some diverged), 2 for bad arguments.
        """

    let sweep: Sweep
    let json: Bool
    let threads: Int

    /// The options become a `POST /runs` body and pass the service's validation, so the CLI and
    /// the API share their defaults, limits and messages (the API's defaults: every limit at its
    /// default, iterations 60000, hidden size 4, seed 1, error_every by `Sweep.defaultErrorEvery`;
    /// here also the notebook's alphas and XOR, which the API asks for explicitly).
    init(arguments: [String]) throws(UsageError) {
        let options = try OptionParser(
            arguments, valued: ["dataset", "dataset-file", "alphas", "hidden-size", "iterations", "seed", "error-every", "threads"],
            flags: ["json"])
        var body: [String: JSONValue] = ["alphas": .array(Sweep.notebook.alphas.map(JSONValue.number))]
        var duplicates: [String] = []
        switch (options.string("dataset"), options.string("dataset-file")) {
        case (.some, .some):
            throw UsageError("give --dataset or --dataset-file, not both")
        case (_, .some(let path)):
            let document = try DatasetFile.load(path)
            body["dataset"] = document.root
            duplicates = document.duplicateMembers.map { "/dataset" + $0 }
        case (let name, nil):
            body["dataset"] = .string(name ?? "xor")
        }
        if let alphas = options.string("alphas") { body["alphas"] = .array(Self.list(alphas)) }
        if let sizes = options.string("hidden-size") {
            let items = Self.list(sizes)
            if items.count == 1 { body["hidden_size"] = items[0] } else { body["hidden_sizes"] = .array(items) }
        }
        for (option, field) in [("iterations", "iterations"), ("seed", "seed"), ("error-every", "error_every")] {
            if let text = options.string(option) { body[field] = Self.value(text) }
        }
        do throws(Problem) {
            sweep = try RunRequest(validating: .object(body), duplicateMembers: duplicates, limits: ServiceLimits()).sweep
        } catch {
            throw UsageError(error.errors.map(Self.describe).joined(separator: "; "))
        }
        json = options.flags.contains("json")
        threads = try options.integer("threads", default: processorsOnline, in: 1...1024)
    }

    func run(console: Console) -> Int32 {
        let results = sweep.run(threads: threads)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            do {
                console.out(String(decoding: try encoder.encode(TrialsDocument(trials: results)), as: UTF8.self))
            } catch {
                console.error("backpropd train: cannot encode the results: \(error)")
                return 1
            }
        } else {
            console.out(TrainReport(sweep: sweep, results: results).text)
        }
        return 0
    }

    /// A comma-separated option value as JSON values: numbers where the item is a JSON number,
    /// strings otherwise (the validation then says what it expected).
    private static func list(_ text: String) -> [JSONValue] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { value($0.trimmingSpaces) }
    }

    private static func value(_ text: String) -> JSONValue {
        if case .number(let number)? = try? JSONValue.parse(Array(text.utf8)) { return .number(number) }
        return .string(text)
    }

    /// A validation issue in the words of the command line: `/alphas/2` → `--alphas, item 3`.
    private static func describe(_ issue: ValidationIssue) -> String {
        let parts = issue.pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let options = [
            "alphas": "--alphas", "hidden_size": "--hidden-size", "hidden_sizes": "--hidden-size",
            "iterations": "--iterations", "seed": "--seed", "error_every": "--error-every",
        ]
        guard let field = parts.first else { return issue.message }
        if field == "dataset" {
            return parts.count == 1 ? "--dataset: \(issue.message)" : "--dataset-file: /\(parts.dropFirst().joined(separator: "/")): \(issue.message)"
        }
        guard let option = options[field] else { return "\(issue.pointer): \(issue.message)" }
        if parts.count > 1, let index = Int(parts[1]) { return "\(option), item \(index + 1): \(issue.message)" }
        return "\(option): \(issue.message)"
    }
}

/// The `--json` document: the trials as the service returns them.
struct TrialsDocument: Codable {
    let trials: [TrialResult]
}
