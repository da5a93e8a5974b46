// Measures the split rule (`WorkSplit`, BENCHMARKS.md "Splitting a run"): for a few sweeps, the
// time to train them on one thread, split in halves over two threads (the rule before issue 12),
// and as `WorkSplit` shares them. Each path the CPU supports among the engine's default and
// AVX2 × 4 (the default of an AVX2-only CPU) is timed, rounds interleaved, medians printed.
// Usage: SplitBench [ROUNDS]
import Backprop
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 9 : 9
let dataset = Dataset.builtIn(named: "xor")!
let notebookAlphas = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

struct Case {
    let name: String
    let specs: [TrialSpec]
}

let cases = [
    Case(
        name: "notebook sweep: 7 trials, hidden 4",
        specs: notebookAlphas.map {
            TrialSpec(alpha: $0, hiddenSize: 4, iterations: 60_000, errorEvery: 50, seed: 1)
        }),
    Case(
        name: "16 trials, hidden 4",
        specs: (1...16).map {
            TrialSpec(alpha: Double($0) / 4, hiddenSize: 4, iterations: 60_000, errorEvery: 50, seed: 1)
        }),
    Case(
        name: "7 trials, hidden 32",
        specs: notebookAlphas.map {
            TrialSpec(alpha: $0, hiddenSize: 32, iterations: 20_000, errorEvery: 50, seed: 1)
        }),
    Case(
        name: "2 trials, hidden 64 (trained alone)",
        specs: [0.1, 1].map {
            TrialSpec(alpha: $0, hiddenSize: 64, iterations: 20_000, errorEvery: 50, seed: 1)
        }),
]

let avx2 = CodePath(instructionSet: .avx2, width: 4)!
let paths = [CodePath.fastest] + (avx2.isSupported && avx2 != .fastest ? [avx2] : [])

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Seconds to train `shares` of `specs`, each share on its own thread, on `path`.
func seconds(_ specs: [TrialSpec], shares: [[Int]], path: CodePath) -> Double {
    let train = { @Sendable (share: [Int]) in
        let chosen = share.map { specs[$0] }
        _ =
            path == .fastest
            ? Trainer.train(dataset: dataset, specs: chosen, cancellation: Cancellation()) { _, _ in }
            : Trainer.train(dataset: dataset, specs: chosen, codePath: path, cancellation: Cancellation()) { _, _ in }
    }
    let started = now()
    if shares.count == 1 {
        train(shares[0])
    } else {
        DispatchQueue.concurrentPerform(iterations: shares.count) { train(shares[$0]) }
    }
    return now() - started
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// `value` with `decimals` digits after the point (no Foundation here).
func fixed(_ value: Double, _ decimals: Int) -> String {
    let scale = (0..<decimals).reduce(1.0) { value, _ in value * 10 }
    let scaled = Int((value * scale).rounded())
    let digits = String(scaled / Int(scale))
    return decimals == 0 ? digits : digits + "." + String(String(scaled % Int(scale) + Int(scale)).dropFirst())
}

print("SplitBench: \(rounds) rounds, medians, ms; ratios to one thread")
for path in paths {
    for item in cases {
        let all = Array(item.specs.indices)
        let half = (all.count + 1) / 2
        let variants: [(String, [[Int]])] = [
            ("one thread", [all]),
            ("halves on 2 threads", all.count > 1 ? [Array(all[..<half]), Array(all[half...])] : [all]),
            ("WorkSplit, 2 workers", WorkSplit.shares(of: item.specs, dataset: dataset, workers: 2).map(\.trials)),
        ]
        _ = variants.map { seconds(item.specs, shares: $0.1, path: path) }  // warm up
        var timings = Array(repeating: [Double](), count: variants.count)
        for _ in 0..<rounds {
            for (index, variant) in variants.enumerated() { timings[index].append(seconds(item.specs, shares: variant.1, path: path)) }
        }
        let one = median(timings[0])
        let cells = variants.indices.map { index -> String in
            let value = median(timings[index])
            return "\(variants[index].0) \(fixed(value * 1000, 1)) (\(fixed(value / one, 2))×)"
        }
        let chosen = variants[2].1.map { "\($0.count)" }.joined(separator: " + ")
        print("\(path) | \(item.name) | " + cells.joined(separator: " | ") + " | WorkSplit: \(chosen)")
    }
}
