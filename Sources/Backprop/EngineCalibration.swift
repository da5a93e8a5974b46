import BackpropKernels
import Dispatch
import Synchronization

/// Measures how fast this CPU trains each shape class in every way the engine can — lane width,
/// instruction set, layout, a team of threads on one trial, batches side by side — the first time
/// a class is trained (a few milliseconds), and keeps the result for the life of the process.
/// `Trainer` plans every group of trials from it, for the service and `backpropd train` alike.
///
/// The measurements only choose among ways that give bit-identical results, so a noisy
/// measurement can cost speed, never change a number.
public final class EngineCalibration: Sendable {
    public static let shared = EngineCalibration()

    /// Threads measured for teams and side-by-side batches: the processors online (2 … 8).
    public let threads: Int
    private let cache = Mutex<[ShapeClass: Calibration]>([:])

    /// `threads`: nil for the processors online (at most 8).
    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? min(8, Platform.processorCount))
    }

    /// The calibration of `shape`'s class, measured now on `shape` if the class has none yet.
    func calibration(for shape: NetworkShape) -> Calibration {
        let shapeClass = ShapeClass(shape)
        if let known = cache.withLock({ $0[shapeClass] }) { return known }
        let measured = Self.measure(shape, threads: threads)
        return cache.withLock { cache in
            if let known = cache[shapeClass] { return known }
            cache[shapeClass] = measured
            return measured
        }
    }

    /// Every calibration so far, smallest class first (for `/metrics` and the bench).
    public var calibrations: [Calibration] {
        cache.withLock { Array($0.values) }.sorted { $0.shapeClass < $1.shapeClass }
    }

    /// Replaces the calibration of a class (tests pin a choice with it).
    public func pin(_ calibration: Calibration) {
        cache.withLock { $0[calibration.shapeClass] = calibration }
    }

    /// The code paths worth measuring here: the best instruction set's widths, and AVX2's beside
    /// AVX-512's (some CPUs run 256-bit vectors faster).
    public static func paths(layout: CodePath.Layout) -> [CodePath] {
        let sets: [CodePath.InstructionSet] =
            switch CodePath.InstructionSet.allowed {
            case .avx512: [.avx512, .avx2]
            case .avx2: [.avx2]
            case .baseline: [.baseline]
            }
        return sets.flatMap { set in
            (set == .baseline ? [1, 2, 4, 8] : [4, 8]).compactMap { CodePath(instructionSet: set, width: $0, layout: layout) }
        }
    }

    /// Times every candidate on `shape` (samples capped so that an iteration of the hidden-units
    /// layout stays under ~1 ms, but at least 64 so that a team has tasks to share):
    /// one warm-up iteration, then the best of three runs of ~0.3 ms each, interleaved.
    static func measure(_ shape: NetworkShape, threads: Int) -> Calibration {
        let clock = ContinuousClock()
        let started = clock.now
        let products = max(1, shape.inputs * max(shape.hidden, shape.outputs) + shape.hidden * shape.outputs)
        let measured = NetworkShape(
            samples: max(1, min(shape.samples, 256, max(64, 500_000 / products))),
            inputs: shape.inputs, hidden: shape.hidden, outputs: shape.outputs)
        let workload = CalibrationWorkload(shape: measured)
        var candidates = paths(layout: .trialsInLanes).map { Calibration.Candidate(path: $0) }
        if shape.hidden > 0 { candidates += paths(layout: .hiddenUnitsInLanes).map { Calibration.Candidate(path: $0) } }
        var seconds = workload.time(candidates)
        let wide = seconds.filter { $0.key.layout == .hiddenUnitsInLanes }.min { $0.value < $1.value }
        let lanes = seconds.filter { $0.key.layout == .trialsInLanes }.map(\.value).min() ?? .infinity
        if threads > 1, let wide = wide?.key, seconds[wide]! <= 2 * lanes {
            seconds.merge(workload.time([Calibration.Candidate(path: wide.path, threads: threads)])) { $1 }
        }
        let fastest = seconds.filter { $0.key.threads == 1 }.min { $0.value < $1.value }!
        let slowdown = threads > 1 ? workload.sideBySide(fastest.key, threads: threads, alone: fastest.value) : 1
        return Calibration(
            shapeClass: ShapeClass(shape), measuredShape: measured, threads: threads, seconds: seconds,
            concurrentSlowdown: slowdown, milliseconds: BatchRun.milliseconds(clock.now - started))
    }
}

/// Synthetic data of one shape (uniform inputs and targets, numpy's seed-1 weights) and the
/// timing of batches trained on it.
private struct CalibrationWorkload {
    let shape: NetworkShape
    let inputs: [Double]
    let targets: [Double]
    let weights: [[Double]]

    init(shape: NetworkShape) {
        self.shape = shape
        var random = NumpyRandom(seed: 7)
        inputs = (0..<(shape.samples * shape.inputs)).map { _ in random.nextDouble() }
        targets = (0..<(shape.samples * shape.outputs)).map { _ in random.nextDouble() }
        weights = NumpyRandom.initialSynapses(seed: 1, shapes: shape.synapseShapes)
    }

    func batch(_ candidate: Calibration.Candidate) -> any TrainingBatch {
        let trials = candidate.layout == .trialsInLanes ? candidate.path.width : 1
        let batch = candidate.path.makeBatch(
            layout: candidate.layout, shape: shape, inputs: inputs, targets: targets,
            alphas: (0..<trials).map { 0.01 / Double($0 + 1) }, initialSynapses: Array(repeating: weights, count: trials),
            errorEvery: Int.max, curvePoints: 1)
        if candidate.threads > 1, let phased = batch as? any PhasedBatch { return TeamBatch(phased, threads: candidate.threads, adaptive: false) }
        return batch
    }

    /// Seconds per iteration of each candidate: one warm-up iteration each, then the best of
    /// three interleaved runs of ~0.3 ms for those that can still win. A trials-in-lanes batch
    /// that costs more per lane than twice a lone hidden-units trial, or a hidden-units trial
    /// that costs more than twice a whole batch of lanes, never can; they keep their warm-up time.
    func time(_ candidates: [Calibration.Candidate]) -> [Calibration.Candidate: Double] {
        let clock = ContinuousClock()
        var runs = candidates.map { candidate -> (candidate: Calibration.Candidate, batch: any TrainingBatch, first: Double) in
            let batch = batch(candidate)
            let started = clock.now
            batch.train(0..<1)
            return (candidate, batch, max(BatchRun.milliseconds(clock.now - started) / 1000, 1e-9))
        }
        var best = Dictionary(uniqueKeysWithValues: runs.map { ($0.candidate, $0.first) })
        let lanes = runs.filter { $0.candidate.layout == .trialsInLanes }.map(\.first).min() ?? .infinity
        let wide = runs.filter { $0.candidate.layout == .hiddenUnitsInLanes }.map(\.first).min() ?? .infinity
        runs.removeAll { run in
            run.candidate.layout == .trialsInLanes ? run.first / Double(run.candidate.path.width) > 2 * wide : run.first > 2 * lanes
        }
        for round in 0..<3 {
            for run in runs {
                let iterations = max(1, min(20_000, Int(0.0003 / run.first)))
                let start = 1 + round * iterations
                let started = clock.now
                run.batch.train(start..<start + iterations)
                let perIteration = BatchRun.milliseconds(clock.now - started) / 1000 / Double(iterations)
                best[run.candidate] = min(best[run.candidate]!, perIteration)
            }
        }
        return best
    }

    /// How much slower `candidate` trains while `threads` copies train at once (best of two).
    func sideBySide(_ candidate: Calibration.Candidate, threads: Int, alone: Double) -> Double {
        let clock = ContinuousClock()
        let iterations = max(1, min(20_000, Int(0.0005 / max(alone, 1e-9))))
        var best = Double.infinity
        for _ in 0..<2 {
            let batches = (0..<threads).map { _ in UncheckedBatch(batch(candidate)) }
            for copy in batches { copy.batch.train(0..<1) }
            let started = clock.now
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                batches[index].batch.train(1..<1 + iterations)
            }
            best = min(best, BatchRun.milliseconds(clock.now - started) / 1000 / Double(iterations) / alone)
        }
        return best
    }
}

/// A batch handed to one other thread for its whole use.
private struct UncheckedBatch: @unchecked Sendable {
    let batch: any TrainingBatch
    init(_ batch: any TrainingBatch) { self.batch = batch }
}
