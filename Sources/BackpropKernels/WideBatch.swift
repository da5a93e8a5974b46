/// One trial of a network with a hidden layer, vectorised inside the trial: for large networks
/// trained alone, where a lane per trial would leave most lanes empty.
///
/// Hidden units sit in the lanes for synapse_0's products, samples for synapse_1's. Every
/// element is computed by the same operations in the same order as in `LaneBatch` (each sum over
/// inputs, hidden units, outputs or samples runs left to right from its first product; only
/// dimensions that are not summed over are vectorised), so the results are bit-identical. The
/// products are register-blocked (`blockSums`) and fused with the sigmoid and the deltas.
///
/// An iteration is two phases of independent tasks (`PhasedBatch`): the forward pass and the
/// deltas per block of samples, then the updates, direction counts and weights per block of
/// hidden units. Which thread runs a task changes nothing in its results, so a team of threads
/// may share one trial.
///
/// Hidden units are padded to whole vectors (alpha 0 and weight 0 in the padding lanes, which
/// never feed a sum over hidden units); samples are padded to whole vectors with rows of zeros,
/// which never feed a sum over samples.
public final class WideBatch<Kernel: WideKernel>: PhasedBatch {
    public typealias V = Kernel.Vector

    public let shape: NetworkShape
    public var trialCount: Int { 1 }
    @usableFromInline let errorEvery: Int
    @usableFromInline let hiddenVectors: Int
    @usableFromInline let sampleVectors: Int
    /// alpha per hidden vector: 0 in the padding lanes of the last one.
    @usableFromInline let alphas: UnsafeMutablePointer<V>
    /// (sampleVectors × lanes) × inputs, row-major; rows past the samples are 0.
    @usableFromInline let inputs: UnsafeMutablePointer<Double>
    @usableFromInline let targets: UnsafeMutablePointer<Double>
    /// synapse_0 as inputs × hiddenVectors.
    @usableFromInline let synapse0: UnsafeMutablePointer<V>
    /// synapse_1 transposed: outputs × hiddenVectors.
    @usableFromInline let synapse1: UnsafeMutablePointer<V>
    /// The updates of even iterations, then those of odd ones (each iteration's "previous" is
    /// the other half), so no thread has to swap buffers between iterations.
    @usableFromInline let updates0: UnsafeMutablePointer<V>
    @usableFromInline let updates1: UnsafeMutablePointer<V>
    @usableFromInline let changes0: UnsafeMutablePointer<V>
    @usableFromInline let changes1: UnsafeMutablePointer<V>
    /// (sampleVectors × lanes) × hiddenVectors.
    @usableFromInline let layer1: UnsafeMutablePointer<V>
    @usableFromInline let delta1: UnsafeMutablePointer<V>
    /// layer1 transposed, hidden × sampleVectors.
    @usableFromInline let layer1BySample: UnsafeMutablePointer<V>
    /// outputs × sampleVectors: layer2, delta2 and the targets, samples in the lanes.
    @usableFromInline let layer2: UnsafeMutablePointer<V>
    @usableFromInline let delta2: UnsafeMutablePointer<V>
    @usableFromInline let targetsBySample: UnsafeMutablePointer<V>
    @usableFromInline let errors: UnsafeMutablePointer<Double>
    @usableFromInline let curve: UnsafeMutablePointer<Double>
    @usableFromInline let evaluatedOutputs: UnsafeMutablePointer<Double>
    @usableFromInline var evaluatedError = 0.0
    @usableFromInline var nonFinite = V.zero
    private let memory = KernelMemory()
    private let snapshots: StateSnapshots<V>

    /// Sample vectors per forward task and hidden vectors per update task.
    public let sampleVectorsPerTask: Int
    public let hiddenVectorsPerTask: Int

    public init(
        shape: NetworkShape, inputs: [Double], targets: [Double], alpha: Double,
        initialSynapses: [[Double]], errorEvery: Int, curvePoints: Int
    ) {
        precondition(shape.hidden > 0, "WideBatch needs a hidden layer")
        self.shape = shape
        self.errorEvery = max(errorEvery, 1)
        let lanes = V.laneCount
        let hiddenVectors = (shape.hidden + lanes - 1) / lanes
        let sampleVectors = (shape.samples + lanes - 1) / lanes
        self.hiddenVectors = hiddenVectors
        self.sampleVectors = sampleVectors
        sampleVectorsPerTask = max(1, 32 / lanes)
        hiddenVectorsPerTask = Self.columns
        let memory = self.memory
        func buffer<T>(_ count: Int, _ zero: T) -> UnsafeMutablePointer<T> { memory.buffer(count, zero) }
        let weights0 = shape.inputs * hiddenVectors, weights1 = shape.outputs * hiddenVectors
        let paddedSamples = sampleVectors * lanes
        self.inputs = buffer(paddedSamples * shape.inputs, 0.0)
        self.inputs.update(from: inputs, count: inputs.count)
        self.targets = buffer(targets.count, 0.0)
        self.targets.update(from: targets, count: targets.count)
        synapse0 = buffer(weights0, V.zero)
        synapse1 = buffer(weights1, V.zero)
        updates0 = buffer(2 * weights0, V.zero)
        updates1 = buffer(2 * weights1, V.zero)
        changes0 = buffer(weights0, V.zero)
        changes1 = buffer(weights1, V.zero)
        layer1 = buffer(paddedSamples * hiddenVectors, V.zero)
        delta1 = buffer(paddedSamples * hiddenVectors, V.zero)
        layer1BySample = buffer(shape.hidden * sampleVectors, V.zero)
        layer2 = buffer(shape.outputs * sampleVectors, V.zero)
        delta2 = buffer(shape.outputs * sampleVectors, V.zero)
        targetsBySample = buffer(shape.outputs * sampleVectors, V.zero)
        errors = buffer(shape.samples * shape.outputs, 0.0)
        curve = buffer(curvePoints, 0.0)
        evaluatedOutputs = buffer(shape.samples * shape.outputs, 0.0)
        snapshots = StateSnapshots(
            counts: [weights0, weights1, 2 * weights0, 2 * weights1, weights0, weights1],
            zero: V.zero, memory: memory)
        alphas = buffer(hiddenVectors, V.zero)
        for hidden in 0..<shape.hidden {
            alphas[hidden / lanes][hidden % lanes] = alpha
            for input in 0..<shape.inputs {
                synapse0[input * hiddenVectors + hidden / lanes][hidden % lanes] = initialSynapses[0][input * shape.hidden + hidden]
            }
            for output in 0..<shape.outputs {
                synapse1[output * hiddenVectors + hidden / lanes][hidden % lanes] = initialSynapses[1][hidden * shape.outputs + output]
            }
        }
        for sample in 0..<shape.samples {
            for output in 0..<shape.outputs {
                targetsBySample[output * sampleVectors + sample / lanes][sample % lanes] = targets[sample * shape.outputs + output]
            }
        }
    }

    /// Hidden vectors per register block.
    @inlinable static var columns: Int { 4 }

    public var forwardTasks: Int { (sampleVectors + sampleVectorsPerTask - 1) / sampleVectorsPerTask }
    public var updateTasks: Int { (hiddenVectors + hiddenVectorsPerTask - 1) / hiddenVectorsPerTask }

    public func forward(task: Int) {
        let start = task * sampleVectorsPerTask
        Kernel.forward(self, start..<min(sampleVectors, start + sampleVectorsPerTask))
    }

    public func update(task: Int, iteration: Int) {
        let start = task * hiddenVectorsPerTask
        Kernel.update(self, start..<min(hiddenVectors, start + hiddenVectorsPerTask), iteration: iteration)
    }

    public func train(_ range: Range<Int>) {
        for iteration in range {
            Kernel.forward(self, 0..<sampleVectors)
            Kernel.update(self, 0..<hiddenVectors, iteration: iteration)
        }
    }

    public func evaluate() { Kernel.evaluate(self) }

    public func isFinite(trial: Int) -> Bool { (0..<V.laneCount).allSatisfy { nonFinite[$0] == 0 } }
    public func currentError(trial: Int) -> Double { evaluatedError }
    public func curveError(trial: Int, point: Int) -> Double { curve[point] }

    public func synapses(trial: Int) -> [[Double]] { unpadded(synapse0, synapse1) }

    public func directionChanges(trial: Int) -> [[Int]] {
        unpadded(changes0, changes1).map { $0.map { Int($0) } }
    }

    public func outputs(trial: Int) -> [Double] {
        Array(UnsafeBufferPointer(start: evaluatedOutputs, count: shape.samples * shape.outputs))
    }

    /// synapse_0 (inputs × hidden) and synapse_1 (hidden × outputs) row-major, from the padded,
    /// transposed-for-synapse_1 storage.
    private func unpadded(_ first: UnsafeMutablePointer<V>, _ second: UnsafeMutablePointer<V>) -> [[Double]] {
        let lanes = V.laneCount, hv = hiddenVectors, hidden = shape.hidden
        let zero = (0..<(shape.inputs * hidden)).map { index in
            first[(index / hidden) * hv + (index % hidden) / lanes][(index % hidden) % lanes]
        }
        let one = (0..<(hidden * shape.outputs)).map { index in
            let unit = index / shape.outputs, output = index % shape.outputs
            return second[output * hv + unit / lanes][unit % lanes]
        }
        return [zero, one]
    }

    /// Both halves of the update buffers: which one is "previous" depends on the iteration.
    private var state: [UnsafeMutablePointer<V>] { [synapse0, synapse1, updates0, updates1, changes0, changes1] }

    public func save(to slot: SnapshotSlot) { snapshots.save(slot, from: state) }
    public func restore(from slot: SnapshotSlot) { snapshots.restore(slot, into: state) }
}

/// Where a `WideBatch`'s loops are compiled; see `LaneKernel`.
public protocol WideKernel {
    associatedtype Vector: LaneVector
    /// How the loops round a multiply-add (the same as the kernel's `LaneKernel` rounding).
    associatedtype Rounding: BackpropKernels.Rounding
    /// The widest register block of the products (see `BlockSums.Rows`).
    static var blockRows: BlockSums.Rows { get }
    /// `batch.forwardLoop(sampleVectors)`.
    static func forward(_ batch: WideBatch<Self>, _ sampleVectors: Range<Int>)
    /// `batch.updateLoop(hiddenVectors, iteration:)`.
    static func update(_ batch: WideBatch<Self>, _ hiddenVectors: Range<Int>, iteration: Int)
    /// `batch.evaluateLoop()`.
    static func evaluate(_ batch: WideBatch<Self>)
}
