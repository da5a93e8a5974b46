import BackpropKernels
import Dispatch
import Synchronization

/// Trains trials: several at once in SIMD lanes, or one at a time with its hidden units in the
/// lanes (on a team of threads if that pays), as `EngineCalibration` measured fastest here.
public enum Trainer {
    /// Trains `specs` on `dataset` on the calling thread and returns one result per spec, in
    /// order. Trials with the same hiddenSize, iterations and errorEvery may share vectors
    /// (seeds may differ).
    ///
    /// Each trial's result is bit-identical whatever batch or lane it was trained in, whatever
    /// code path ran it and however many threads shared it. Blocks: call it from a worker
    /// thread. `onProgress(index, snapshot)` runs on this thread after every chunk of iterations
    /// (chunks take ~4 ms) that recorded a curve point and at least every ~50 ms;
    /// `cancellation` is polled between chunks. Specs should be within `TrainingLimits` (the
    /// service validates requests against them); out-of-range counts are clamped rather than trapped.
    public static func train(
        dataset: Dataset, specs: [TrialSpec], cancellation: Cancellation,
        onProgress: (Int, TrialSnapshot) -> Void
    ) -> [TrialResult] {
        train(dataset: dataset, specs: specs, threads: 1, cancellation: cancellation, onProgress: onProgress)
    }

    /// As `train(dataset:specs:cancellation:onProgress:)` with up to `threads` threads: the
    /// calling one and helpers from Dispatch's pool, when the calibration says sharing pays
    /// (a lone large trial on a team, a sweep split into concurrent batches). `onProgress` is
    /// then called from the threads training, one call at a time.
    public static func train(
        dataset: Dataset, specs: [TrialSpec], threads: Int, cancellation: Cancellation,
        onProgress: (Int, TrialSnapshot) -> Void
    ) -> [TrialResult] {
        let jobs = plan(dataset: dataset, specs: specs, threads: threads)
        return run(jobs, dataset: dataset, specs: specs, cancellation: cancellation, onProgress: onProgress)
    }

    /// As `train(dataset:specs:cancellation:onProgress:)` on a chosen code path (an unsupported
    /// path falls back to `CodePath.fastest`), for benchmarks and tests: no calibration;
    /// `threads` > 1 puts a team on each trial trained with its hidden units in the lanes.
    public static func train(
        dataset: Dataset, specs: [TrialSpec], codePath: CodePath, threads: Int = 1,
        cancellation: Cancellation, onProgress: (Int, TrialSnapshot) -> Void
    ) -> [TrialResult] {
        let path = codePath.isSupported ? codePath : .fastest
        let jobs = [batches(of: specs, path: path).map { TrainingPlan.Batch(trials: $0.0, path: $0.1, threads: threads) }]
        return run(jobs, dataset: dataset, specs: specs, cancellation: cancellation, onProgress: onProgress)
    }

    /// How `train(…threads:…)` would train `specs`, group by group: jobs that may run at once,
    /// each a list of batches trained one after another. The service queues each job for one
    /// worker (a job whose batch has `threads` > 1 wants that many workers).
    public static func plan(
        dataset: Dataset, specs: [TrialSpec], threads: Int,
        calibration: EngineCalibration = .shared
    ) -> [[TrainingPlan.Batch]] {
        groups(of: specs).flatMap { key, members in
            calibration.calibration(for: shape(of: dataset, hidden: key.hidden)).plan(trials: members, threads: threads).jobs
        }
    }

    /// The widest vector's lanes (8 with AVX-512).
    public static var widestBatchSize: Int { CodePath.fastest.width }

    /// Trains the jobs (concurrently when there are several), returning results in spec order.
    private static func run(
        _ jobs: [[TrainingPlan.Batch]], dataset: Dataset, specs: [TrialSpec],
        cancellation: Cancellation, onProgress: (Int, TrialSnapshot) -> Void
    ) -> [TrialResult] {
        withoutActuallyEscaping(onProgress) { onProgress in
            let runner = JobRunner(dataset: dataset, specs: specs, cancellation: cancellation, onProgress: onProgress)
            if jobs.count == 1 {
                runner.run(jobs[0])
            } else {
                DispatchQueue.concurrentPerform(iterations: jobs.count) { runner.run(jobs[$0]) }
            }
            return runner.results
        }
    }

    /// The jobs' shared state while `run` trains them: the results so far, and the caller's
    /// progress closure, called one call at a time.
    private final class JobRunner: @unchecked Sendable {
        let dataset: Dataset
        let specs: [TrialSpec]
        let cancellation: Cancellation
        let onProgress: (Int, TrialSnapshot) -> Void
        private let lock = Mutex(())
        private var trained: [TrialResult?]

        init(dataset: Dataset, specs: [TrialSpec], cancellation: Cancellation, onProgress: @escaping (Int, TrialSnapshot) -> Void) {
            self.dataset = dataset
            self.specs = specs
            self.cancellation = cancellation
            self.onProgress = onProgress
            trained = Array(repeating: nil, count: specs.count)
        }

        func run(_ job: [TrainingPlan.Batch]) {
            for batch in job {
                let results = Trainer.train(batch, dataset: dataset, specs: specs, cancellation: cancellation) { trial, snapshot in
                    lock.withLock { _ in onProgress(trial, snapshot) }
                }
                lock.withLock { _ in for (index, result) in zip(batch.trials, results) { trained[index] = result } }
            }
        }

        var results: [TrialResult] { lock.withLock { _ in trained.map { $0! } } }
    }

    /// One batch on the calling thread (and its team).
    private static func train(
        _ plan: TrainingPlan.Batch, dataset: Dataset, specs: [TrialSpec], cancellation: Cancellation,
        onProgress: (Int, TrialSnapshot) -> Void
    ) -> [TrialResult] {
        let first = specs[plan.trials[0]]
        let iterations = max(first.iterations, 0), errorEvery = max(first.errorEvery, 1)
        let shape = shape(of: dataset, hidden: max(first.hiddenSize, 0))
        let alphas = plan.trials.map { specs[$0].alpha }
        var training = plan.path.makeBatch(
            layout: plan.path.layout ?? .trialsInLanes, shape: shape, inputs: dataset.inputs.values, targets: dataset.targets.values,
            alphas: alphas,
            initialSynapses: plan.trials.map { NumpyRandom.initialSynapses(seed: specs[$0].seed, shapes: shape.synapseShapes) },
            errorEvery: errorEvery, curvePoints: BatchRun.recordedPoints(before: iterations, errorEvery: errorEvery))
        if plan.threads > 1, let phased = training as? any PhasedBatch { training = TeamBatch(phased, threads: plan.threads) }
        let run = BatchRun(batch: training, shape: shape, alphas: alphas, iterations: iterations, errorEvery: errorEvery)
        return run.run(cancellation: cancellation) { trial, snapshot in onProgress(plan.trials[trial], snapshot) }
    }

    private static func shape(of dataset: Dataset, hidden: Int) -> NetworkShape {
        NetworkShape(samples: dataset.samples, inputs: dataset.inputs.columns, hidden: hidden, outputs: dataset.targets.columns)
    }

    /// What the trials of one batch must share.
    struct GroupKey: Hashable { let hidden: Int, iterations: Int, errorEvery: Int }

    /// Spec indices grouped by what a batch must share (hidden size, iterations, error interval),
    /// groups in order of first appearance.
    static func batchGroups(of specs: [TrialSpec]) -> [[Int]] { groups(of: specs).map(\.1) }

    /// `batchGroups` with what each group shares.
    static func groups(of specs: [TrialSpec]) -> [(GroupKey, [Int])] {
        var groups: [GroupKey: [Int]] = [:]
        var order: [GroupKey] = []
        for (index, spec) in specs.enumerated() {
            let key = GroupKey(hidden: max(spec.hiddenSize, 0), iterations: max(spec.iterations, 0), errorEvery: max(spec.errorEvery, 1))
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// A fixed path's batches: each group cut into batches of at most `path.width` trials (one
    /// trial with hidden units in the lanes), the layout chosen by `CodePath.layout(trials:hidden:)`
    /// unless the path names one; with `narrowing`, a group that fits in fewer lanes gets the
    /// narrower vectors.
    static func batches(of specs: [TrialSpec], path: CodePath, narrowing: Bool = false) -> [([Int], CodePath, CodePath.Layout)] {
        groups(of: specs).flatMap { key, members in
            let layout = path.layout(trials: members.count, hidden: key.hidden)
            let narrowed = narrowing && layout == .trialsInLanes ? path.narrowed(toHold: members.count) : path
            let fixed = CodePath(instructionSet: narrowed.instructionSet, width: narrowed.width, layout: layout) ?? .scalar
            let size = layout == .trialsInLanes ? fixed.width : 1
            return stride(from: 0, to: members.count, by: size).map { (Array(members[$0..<min($0 + size, members.count)]), fixed, layout) }
        }
    }
}
