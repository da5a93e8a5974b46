import BackpropKernels

/// Trains trials on the calling thread, several at once in SIMD lanes.
public enum Trainer {
    /// The smallest batch that still uses this CPU's vectors well: 4 with AVX2 or AVX-512 (a
    /// batch of ≤ 4 trials runs in 4-lane vectors, see `CodePath.narrowed(toHold:)`), 2 otherwise.
    /// Splitting a run into batches of this size lets workers share it (a 7-alpha sweep: 4 + 3).
    public static var preferredBatchSize: Int { CodePath.fastest.narrowed(toHold: 1).width }

    /// The batch size with the best throughput per core: the widest vector (8 with AVX-512).
    /// Larger batches are trained in consecutive groups. A pool of W workers does best with
    /// batches of `min(widestBatchSize, max(preferredBatchSize, ⌈trials / W⌉))`.
    public static var widestBatchSize: Int { CodePath.fastest.width }

    /// Trains `specs` on `dataset` and returns one result per spec, in order. Trials with the
    /// same hiddenSize, iterations and errorEvery share vectors (seeds may differ).
    ///
    /// Each trial's result is bit-identical whatever batch or lane it was trained in and
    /// whatever code path ran it. Blocks: call it from a worker thread. `onProgress(index,
    /// snapshot)` runs on this thread after every chunk of iterations (chunks take ~4 ms) that
    /// recorded a curve point and at least every ~50 ms; `cancellation` is polled between chunks.
    /// Specs should be within `TrainingLimits` (the service validates requests against them);
    /// out-of-range counts are clamped rather than trapped.
    public static func train(dataset: Dataset, specs: [TrialSpec], cancellation: Cancellation,
                             onProgress: (Int, TrialSnapshot) -> Void) -> [TrialResult] {
        train(dataset: dataset, specs: specs, path: .fastest, narrowing: true, cancellation: cancellation, onProgress: onProgress)
    }

    /// As `train(dataset:specs:cancellation:onProgress:)` on a chosen code path (an unsupported
    /// path falls back to `CodePath.fastest`).
    public static func train(dataset: Dataset, specs: [TrialSpec], codePath: CodePath,
                             cancellation: Cancellation, onProgress: (Int, TrialSnapshot) -> Void) -> [TrialResult] {
        train(dataset: dataset, specs: specs, path: codePath.isSupported ? codePath : .fastest, narrowing: false,
              cancellation: cancellation, onProgress: onProgress)
    }

    private static func train(dataset: Dataset, specs: [TrialSpec], path: CodePath, narrowing: Bool,
                              cancellation: Cancellation, onProgress: (Int, TrialSnapshot) -> Void) -> [TrialResult] {
        var results = [TrialResult?](repeating: nil, count: specs.count)
        for (batch, path, layout) in batches(of: specs, path: path, narrowing: narrowing) {
            let first = specs[batch[0]]
            let iterations = max(first.iterations, 0), errorEvery = max(first.errorEvery, 1)
            let shape = NetworkShape(samples: dataset.samples, inputs: dataset.inputs.columns,
                                     hidden: max(first.hiddenSize, 0), outputs: dataset.targets.columns)
            let training = path.makeBatch(
                layout: layout, shape: shape, inputs: dataset.inputs.values, targets: dataset.targets.values,
                alphas: batch.map { specs[$0].alpha },
                initialSynapses: batch.map { NumpyRandom.initialSynapses(seed: specs[$0].seed, shapes: shape.synapseShapes) },
                errorEvery: errorEvery, curvePoints: BatchRun.recordedPoints(before: iterations, errorEvery: errorEvery))
            let run = BatchRun(batch: training, shape: shape, alphas: batch.map { specs[$0].alpha },
                               iterations: iterations, errorEvery: errorEvery)
            let batchResults = run.run(cancellation: cancellation) { trial, snapshot in
                onProgress(batch[trial], snapshot)
            }
            for (trial, index) in batch.enumerated() { results[index] = batchResults[trial] }
        }
        return results.map { $0! }
    }

    /// Spec indices grouped by what a batch must share, in order of first appearance, then cut
    /// into batches of at most `path.width` trials (one trial with hidden units in the lanes);
    /// with `narrowing`, a group that fits in fewer lanes gets the narrower vectors.
    static func batches(of specs: [TrialSpec], path: CodePath, narrowing: Bool = false) -> [([Int], CodePath, CodePath.Layout)] {
        batchGroups(of: specs).flatMap { members in
            let layout = path.layout(trials: members.count, hidden: max(specs[members[0]].hiddenSize, 0))
            let path = narrowing && layout == .trialsInLanes ? path.narrowed(toHold: members.count) : path
            let size = layout == .trialsInLanes ? path.width : 1
            return stride(from: 0, to: members.count, by: size).map { (Array(members[$0..<min($0 + size, members.count)]), path, layout) }
        }
    }

    /// Spec indices grouped by what a batch must share (hidden size, iterations, error interval),
    /// groups in order of first appearance.
    static func batchGroups(of specs: [TrialSpec]) -> [[Int]] {
        struct Key: Hashable { let hidden: Int, iterations: Int, errorEvery: Int }
        var groups: [Key: [Int]] = [:]
        var order: [Key] = []
        for (index, spec) in specs.enumerated() {
            let key = Key(hidden: max(spec.hiddenSize, 0), iterations: max(spec.iterations, 0), errorEvery: max(spec.errorEvery, 1))
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        return order.map { groups[$0]! }
    }
}
