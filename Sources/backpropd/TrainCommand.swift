import Backprop
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
      --error-every N        record the mean absolute error every N iterations      [10000]
      --threads N            train on up to N threads; trials are split over them only
                             where splitting is faster on this CPU (1: the engine on one
                             thread)                                                 [cores]
      --json                 print {"trials": [...]} in the service's JSON shape
      -h, --help             show this help

    Exit status: 0 when the trials ran (even if some diverged), 2 for bad arguments.
    """

    let sweep: Sweep
    let json: Bool
    let threads: Int

    init(arguments: [String]) throws(UsageError) {
        let options = try OptionParser(
            arguments, valued: ["dataset", "dataset-file", "alphas", "hidden-size", "iterations", "seed", "error-every", "threads"],
            flags: ["json"])
        let notebook = Sweep.notebook
        let limits = TrainingLimits.standard
        let sweep = Sweep(
            dataset: try Self.dataset(options, limits: limits),
            alphas: try options.numbers("alphas", default: notebook.alphas),
            hiddenSizes: try options.integers("hidden-size", default: notebook.hiddenSizes, in: 0...limits.maxHiddenSize),
            iterations: try options.integer("iterations", default: notebook.iterations, in: 0...limits.maxIterations),
            errorEvery: try options.integer("error-every", default: notebook.errorEvery, in: 1...Int.max),
            seed: UInt32(try options.integer("seed", default: 1, in: 0...Int(UInt32.max))))
        if let issue = sweep.validationIssues(limits: limits).first {
            throw UsageError(Self.option(for: issue.pointer) + ": " + issue.message)
        }
        self.sweep = sweep
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

    private static func dataset(_ options: OptionParser, limits: TrainingLimits) throws(UsageError) -> Dataset {
        switch (options.string("dataset"), options.string("dataset-file")) {
        case (.some, .some):
            throw UsageError("give --dataset or --dataset-file, not both")
        case (_, .some(let path)):
            return try DatasetFile.load(path, limits: limits)
        case (let name, nil):
            let name = name ?? "xor"
            guard let dataset = Dataset.builtIn(named: name) else {
                throw UsageError("--dataset must be one of \(Dataset.builtInNames.joined(separator: ", ")), not '\(name)'")
            }
            return dataset
        }
    }

    /// The command-line option a sweep validation pointer (`/alphas/2`) refers to.
    private static func option(for pointer: String) -> String {
        let field = pointer.split(separator: "/").first.map(String.init) ?? ""
        let names = ["alphas": "--alphas", "hidden_sizes": "--hidden-size", "iterations": "--iterations", "error_every": "--error-every"]
        return names[field] ?? pointer
    }
}

/// The `--json` document: the trials as the service returns them.
struct TrialsDocument: Codable {
    let trials: [TrialResult]
}
