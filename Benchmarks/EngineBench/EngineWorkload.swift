import Backprop
import Dispatch

/// One timed engine workload of EngineBench.
struct EngineWorkload: Sendable {
    let name: String
    let label: String
    let dataset: Dataset
    let specs: [TrialSpec]
    /// Arguments of Benchmarks/plain_c_loop.c and Benchmarks/jax_engine.py for the same work.
    let cArguments: [String]
    let jaxCase: String

    static let notebookAlphas = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

    static func sweep(hidden: Int, alphas: [Double] = notebookAlphas) -> EngineWorkload {
        EngineWorkload(
            name: hidden == 4 ? "(a)" : "(b)", label: hidden == 4 ? "(a) sweep, hidden 4" : "(b) sweep, hidden \(hidden)",
            dataset: .builtIn(named: "xor")!,
            specs: alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: 60000, errorEvery: 10000, seed: 1) },
            cArguments: ["sweep", String(hidden)], jaxCase: hidden == 4 ? "a" : "b")
    }

    /// numpy_scale.py's data: `np.random.seed(2); random((256, 15)) < 0.5`, a bias column,
    /// target = parity of the first three bits; hidden 64, 2000 iterations, alpha 0.01.
    static let scale: EngineWorkload = {
        var random = NumpyRandom(seed: 2)
        let bits = (0..<256).map { _ in (0..<15).map { _ in random.nextDouble() < 0.5 ? 1.0 : 0.0 } }
        let dataset = try! Dataset(inputs: bits.map { $0 + [1] }, targets: bits.map { [Double(Int($0[0]) ^ Int($0[1]) ^ Int($0[2]))] })
        return EngineWorkload(
            name: "(c)", label: "(c) 256×16, hidden 64, 2000 it.", dataset: dataset,
            specs: [TrialSpec(alpha: 0.01, hiddenSize: 64, iterations: 2000, errorEvery: 10000, seed: 1)],
            cArguments: ["scale"], jaxCase: "c")
    }()

    static let cases = [sweep(hidden: 4), sweep(hidden: 32), scale]

    /// The calibrated plan with up to `threads` threads (`TrainingPlan.summary`).
    func plan(threads: Int) -> String {
        TrainingPlan.summary(of: Trainer.plan(dataset: dataset, specs: specs, threads: threads))
    }

    /// Wall seconds of the default training (calibrated plan) with up to `threads` threads.
    func time(threads: Int) -> Double {
        Self.seconds { _ = Trainer.train(dataset: dataset, specs: specs, threads: threads, cancellation: Cancellation()) { _, _ in } }
    }

    /// Wall seconds on a fixed path, `threads` sharing each trial trained with hidden units in the lanes.
    func time(path: CodePath, threads: Int = 1) -> Double {
        Self.seconds {
            _ = Trainer.train(dataset: dataset, specs: specs, codePath: path, threads: threads, cancellation: Cancellation()) { _, _ in }
        }
    }

    /// Wall seconds of the trials split into `parts` batches trained at once on as many threads.
    func timeSplit(into parts: Int, path: CodePath) -> Double {
        let size = (specs.count + parts - 1) / parts
        let slices = stride(from: 0, to: specs.count, by: size).map { Array(specs[$0..<min($0 + size, specs.count)]) }
        return Self.seconds {
            DispatchQueue.concurrentPerform(iterations: slices.count) { index in
                _ = Trainer.train(
                    dataset: dataset, specs: slices[index], codePath: path.narrowed(toHold: slices[index].count),
                    cancellation: Cancellation()
                ) { _, _ in }
            }
        }
    }

    /// The fixed ways the bench times beside the default: every path and layout the calibration
    /// measures, a team on the trial with hidden units in the lanes, and a sweep split in two.
    func variants(threads: Int) -> [(label: String, time: @Sendable () -> Double)] {
        var rows: [(label: String, time: @Sendable () -> Double)] = []
        let layouts: [CodePath.Layout] = specs[0].hiddenSize > 0 ? [.trialsInLanes, .hiddenUnitsInLanes] : [.trialsInLanes]
        for layout in layouts {
            for path in EngineCalibration.paths(layout: layout) where path.width > 1 {
                rows.append(("\(path)", { self.time(path: path) }))
                if layout == .hiddenUnitsInLanes && threads > 1 && specs.count == 1 {
                    rows.append(("\(path) on \(threads) threads", { self.time(path: path, threads: threads) }))
                }
            }
        }
        if specs.count > 1 && threads > 1 {
            for path in EngineCalibration.paths(layout: .trialsInLanes) where path.width == 8 {
                rows.append(
                    (
                        "split in \(threads) at once, \(path.narrowed(toHold: (specs.count + threads - 1) / threads))",
                        { self.timeSplit(into: threads, path: path) }
                    ))
            }
        }
        return rows
    }

    static func seconds(_ work: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        work()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
