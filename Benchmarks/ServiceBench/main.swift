// The engine side of the service benchmark (Benchmarks/service_bench.py, BENCHMARKS.md): the
// notebook's sweep — xor, 7 alphas, hidden 4, 60000 iterations, a curve point every 60 (the
// service's default) — trained by the engine alone on this one thread. Each round prints
//   DEFAULT BEST BEST_PATH
// DEFAULT: seconds of `Trainer.train` with all 7 trials in one call (the engine's own choice of
// code path); BEST: the fastest single-threaded way over every code path this CPU supports.
// Usage: ServiceBench [ROUNDS]
import Backprop
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
let dataset = Dataset.builtIn(named: "xor")!
let specs = [0.001, 0.01, 0.1, 1, 10, 100, 1000].map {
    TrialSpec(alpha: $0, hiddenSize: 4, iterations: 60_000, errorEvery: 60, seed: 1)
}

func seconds(_ body: () -> Void) -> Double {
    var start = timespec()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
}

func seconds(_ path: CodePath) -> Double {
    seconds {
        let results = Trainer.train(dataset: dataset, specs: specs, codePath: path, cancellation: Cancellation()) { _, _ in }
        precondition(results.count == specs.count)
    }
}

func secondsOnTwoThreads() -> Double {
    let shares = [Array(specs[..<4]), Array(specs[4...])]
    return seconds {
        DispatchQueue.concurrentPerform(iterations: shares.count) { share in
            let results = Trainer.train(dataset: dataset, specs: shares[share], cancellation: Cancellation()) { _, _ in }
            precondition(results.count == shares[share].count)
        }
    }
}

// One untimed sweep first: a process's first training pays one-time set-up (~15 ms here) that a
// running service has long paid.
_ = secondsOnTwoThreads()
_ = seconds(.fastest)
for _ in 0..<rounds {
    let standard = seconds(.fastest)
    let timed = CodePath.supported.map { ($0, seconds($0)) }
    let best = timed.min { $0.1 < $1.1 }!
    print(standard, min(standard, best.1), secondsOnTwoThreads(), best.1 < standard ? best.0.description : CodePath.fastest.description)
}
