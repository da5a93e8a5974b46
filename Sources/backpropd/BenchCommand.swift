import Backprop
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backpropd bench`: the engine against numpy and a plain C loop, side by side in one run.
struct BenchCommand: Subcommand {
    static let name = "bench"
    static let summary = "time the engine against numpy and a plain C loop (single-threaded)"
    static let help = """
    usage: backpropd bench [options]       (build with -c release: swift run -c release backpropd bench)

    Times, single-threaded and interleaved round by round (medians reported):
      (a) the notebook's sweep: xor, 7 alphas × 60000 iterations, hidden 4, curve and direction counts
      (b) the same with hidden 32
      (c) numpy_scale.py's case: 256 samples × 16 inputs, hidden 64, 2000 iterations, alpha 0.01
    against numpy (../shared/bench/numpy_sweep.py for (a) and (b), ~11 s each, --numpy-rounds
    times; numpy_scale.py for (c) every round)
    and Benchmarks/plain_c_loop.c (compiled with cc -O3 at bench time, natural and --reordered
    loop orders), then the engine's code paths and the batches a 2-worker service runs.

    options:
      --rounds N          rounds for the engine and C (medians)                    [7]
      --numpy-rounds N    rounds for numpy's (a) and (b) (0 skips numpy)            [1]
      --shared DIR        the numpy scripts   [../shared/bench beside the repository root]
      --c-source FILE     the plain C loop    [Benchmarks/plain_c_loop.c in the repository]

    The repository root is the nearest directory with Package.swift above the working directory
    or above this executable, so the defaults work from any checkout and any directory in it.
      -h, --help          show this help
    """

    let rounds: Int
    let numpyRounds: Int
    let sharedBench: String?
    let cSource: String

    init(arguments: [String]) throws(UsageError) {
        let options = try OptionParser(arguments, valued: ["rounds", "numpy-rounds", "shared", "c-source"], flags: [])
        rounds = try options.integer("rounds", default: 7, in: 1...1000)
        numpyRounds = try options.integer("numpy-rounds", default: 1, in: 0...100)
        let hasScripts = { (directory: String) in access(directory + "/numpy_sweep.py", R_OK) == 0 }
        if let shared = options.string("shared"), !hasScripts(shared) {
            throw UsageError("--shared: no numpy_sweep.py in '\(shared)'")
        }
        sharedBench = options.string("shared") ?? RepositoryPaths.shared("bench").flatMap { hasScripts($0) ? $0 : nil }
        cSource = options.string("c-source") ?? RepositoryPaths.inRepository("Benchmarks/plain_c_loop.c")
        if numpyRounds > 0 && sharedBench == nil {
            throw UsageError("cannot find ../shared/bench (numpy_sweep.py) beside the repository root; give --shared DIR or --numpy-rounds 0")
        }
    }

    func run(console: Console) -> Int32 {
        let environment = ["PATH=" + (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"),
                           "OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1"]
        var directory = Array("/tmp/backpropd-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&directory) else {
            console.error("backpropd bench: cannot create a temporary directory")
            return 1
        }
        let binary = String(cString: made) + "/plain_c_loop"
        guard let compiled = Subprocess.run("cc", ["-O3", "-o", binary, cSource, "-lm"], environment: environment), compiled.status == 0 else {
            console.error("backpropd bench: cannot compile \(cSource) with cc -O3 (run from the package root or give --c-source)")
            return 1
        }
        console.out("backpropd bench — \(Machine.description); load before: \(Machine.loadAverage)")
        console.out("engine path: \(CodePath.fastest) (batches: preferred \(Trainer.preferredBatchSize), widest \(Trainer.widestBatchSize)); \(rounds) rounds, medians\n")

        var samples: [String: [Double]] = [:]
        func record(_ key: String, _ seconds: Double?) { if let seconds { samples[key, default: []].append(seconds) } }
        func c(_ arguments: [String]) -> Double? {
            Subprocess.run(binary, arguments, environment: environment).flatMap { Subprocess.number(after: "seconds=", in: $0.output) }
        }
        for round in 0..<max(rounds, numpyRounds) {
            if round < rounds {
                for (name, workload) in Workload.cases {
                    record("engine \(name)", workload.time())
                    record("C \(name)", c(workload.cArguments))
                    record("C reordered \(name)", c(workload.cArguments + ["--reordered"]))
                }
                for (label, workload, path) in Workload.variants { record(label, workload.time(path: path)) }
                for (label, hidden) in [("2 workers 4+3, hidden 4", 4), ("2 workers 4+3, hidden 32", 32)] {
                    record(label, Workload.twoWorkers(hidden: hidden))
                }
            }
            if numpyRounds > 0, let shared = sharedBench {
                let scripts = [("(a)", "numpy_sweep.py", ["4"], "seconds="), ("(b)", "numpy_sweep.py", ["32"], "seconds="),
                               ("(c)", "numpy_scale.py", ["--reps", "1"], "TIME ")]
                for (name, script, arguments, key) in scripts where round < (name == "(c)" ? max(rounds, numpyRounds) : numpyRounds) {
                    let outcome = Subprocess.run("python3", [shared + "/" + script] + arguments, environment: environment)
                    record("numpy \(name)", outcome.flatMap { Subprocess.number(after: key, in: $0.output) })
                }
            }
        }
        console.out(BenchReport(samples: samples).text)
        console.out("\nload after: \(Machine.loadAverage)")
        return 0
    }
}

/// One timed engine workload.
struct Workload {
    let dataset: Dataset
    let specs: [TrialSpec]
    let cArguments: [String]

    static let notebookAlphas = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

    static func sweep(hidden: Int, alphas: [Double] = notebookAlphas) -> Workload {
        Workload(dataset: .builtIn(named: "xor")!,
                 specs: alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: 60000, errorEvery: 10000, seed: 1) },
                 cArguments: ["sweep", String(hidden)])
    }

    /// numpy_scale.py's data: `np.random.seed(2); random((256, 15)) < 0.5`, a bias column,
    /// target = parity of the first three bits.
    static let scale: Workload = {
        var random = NumpyRandom(seed: 2)
        let bits = (0..<256).map { _ in (0..<15).map { _ in random.nextDouble() < 0.5 ? 1.0 : 0.0 } }
        let dataset = try! Dataset(inputs: bits.map { $0 + [1] }, targets: bits.map { [Double(Int($0[0]) ^ Int($0[1]) ^ Int($0[2]))] })
        return Workload(dataset: dataset, specs: [TrialSpec(alpha: 0.01, hiddenSize: 64, iterations: 2000, errorEvery: 10000, seed: 1)],
                        cArguments: ["scale"])
    }()

    static let cases: [(String, Workload)] = [("(a)", sweep(hidden: 4)), ("(b)", sweep(hidden: 32)), ("(c)", scale)]

    /// Code paths and batch sizes, for the detail table.
    static let variants: [(String, Workload, CodePath?)] = {
        var rows: [(String, Workload, CodePath?)] = []
        for hidden in [4, 32] {
            for path in CodePath.supported where path.layout == nil && path.width > 1 {
                rows.append(("7-trial sweep, hidden \(hidden), \(path)", sweep(hidden: hidden), path))
            }
            let four = sweep(hidden: hidden, alphas: Array(notebookAlphas[0..<4])), three = sweep(hidden: hidden, alphas: Array(notebookAlphas[4...]))
            rows.append(("4-trial batch, hidden \(hidden), default (\(CodePath.fastest.narrowed(toHold: 4)))", four, nil))
            rows.append(("3-trial batch, hidden \(hidden), default (\(CodePath.fastest.narrowed(toHold: 3)))", three, nil))
            rows.append(("4-trial batch, hidden \(hidden), \(CodePath.fastest) trials", four, CodePath(instructionSet: CodePath.fastest.instructionSet, width: CodePath.fastest.width, layout: .trialsInLanes)))
        }
        rows.append(("7-trial sweep, hidden 4, scalar", sweep(hidden: 4), .scalar))
        return rows
    }()

    /// Wall seconds of one single-threaded training; nil `path` is the default the service uses.
    func time(path: CodePath? = nil) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        if let path {
            _ = Trainer.train(dataset: dataset, specs: specs, codePath: path, cancellation: Cancellation()) { _, _ in }
        } else {
            _ = Trainer.train(dataset: dataset, specs: specs, cancellation: Cancellation()) { _, _ in }
        }
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The sweep split as a 2-worker pool would: alphas 1–4 and 5–7 on two threads at once.
    static func twoWorkers(hidden: Int) -> Double {
        let halves = [sweep(hidden: hidden, alphas: Array(notebookAlphas[0..<4])), sweep(hidden: hidden, alphas: Array(notebookAlphas[4...]))]
        let clock = ContinuousClock()
        let start = clock.now
        DispatchQueue.concurrentPerform(iterations: 2) { index in _ = halves[index].time(path: nil) }
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

/// This machine, for the report.
enum Machine {
    static var description: String {
        let cpu = read("/proc/cpuinfo")?.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last.map { String($0.drop { $0 == " " }) } ?? "unknown CPU"
        return "\(cpu), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, \(Date.now.formatted(.iso8601))"
    }

    static var loadAverage: String {
        read("/proc/loadavg").map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    }

    private static func read(_ path: String) -> String? {
        try? String(decoding: Data(contentsOf: URL(filePath: path)), as: UTF8.self)
    }
}

/// The tables: medians and ratios.
struct BenchReport {
    let samples: [String: [Double]]

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func median(_ key: String) -> Double? { Self.median(samples[key] ?? []) }

    var text: String {
        func seconds(_ value: Double?) -> String { value.map { TrainReport.fixed($0, decimals: 4) + " s" } ?? "–" }
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b > 0 else { return "–" }
            return TrainReport.fixed(a / b, decimals: 3) + "×"
        }
        var lines = ["| case | engine | numpy | plain C -O3 | C reordered | engine/numpy | engine/C | engine/C reordered |",
                     "|---|---|---|---|---|---|---|---|"]
        for (name, label) in [("(a)", "(a) sweep, hidden 4"), ("(b)", "(b) sweep, hidden 32"), ("(c)", "(c) scale, hidden 64")] {
            let engine = median("engine \(name)"), numpy = median("numpy \(name)")
            let c = median("C \(name)"), reordered = median("C reordered \(name)")
            lines.append("| \(label) | \(seconds(engine)) | \(seconds(numpy)) | \(seconds(c)) | \(seconds(reordered)) | "
                + "\(ratio(engine, numpy)) | \(ratio(engine, c)) | \(ratio(engine, reordered)) |")
        }
        lines += ["", "| engine variant | time | vs (a)/(b) default |", "|---|---|---|"]
        for key in samples.keys.sorted() where !key.hasPrefix("engine (") && !key.hasPrefix("C ") && !key.hasPrefix("numpy") {
            let reference = key.contains("(c)") ? median("engine (c)") : key.contains("hidden 32") ? median("engine (b)") : median("engine (a)")
            lines.append("| \(key) | \(seconds(median(key))) | \(ratio(median(key), reference)) |")
        }
        return lines.joined(separator: "\n")
    }
}
