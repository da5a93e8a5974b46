/// Up to `Kernel.Vector.laneCount` trials of one shape trained side by side, one trial per SIMD
/// lane (alphas and weights differ per lane, the dataset is shared). Lanes without a trial
/// repeat trial 0 with alpha 0. All buffers are allocated once, in `init`.
public final class LaneBatch<Kernel: LaneKernel>: TrainingBatch {
    public typealias V = Kernel.Vector

    public let shape: NetworkShape
    public let trialCount: Int
    @usableFromInline let errorEvery: Int
    @usableFromInline let alpha: UnsafeMutablePointer<V>
    @usableFromInline let inputs: UnsafeMutablePointer<Double>
    @usableFromInline let targets: UnsafeMutablePointer<Double>
    @usableFromInline let synapse0: UnsafeMutablePointer<V>
    @usableFromInline let synapse1: UnsafeMutablePointer<V>
    @usableFromInline var update0: UnsafeMutablePointer<V>
    @usableFromInline var update1: UnsafeMutablePointer<V>
    @usableFromInline var previous0: UnsafeMutablePointer<V>
    @usableFromInline var previous1: UnsafeMutablePointer<V>
    @usableFromInline let changes0: UnsafeMutablePointer<V>
    @usableFromInline let changes1: UnsafeMutablePointer<V>
    @usableFromInline let layer1: UnsafeMutablePointer<V>
    @usableFromInline let layer2: UnsafeMutablePointer<V>
    @usableFromInline let delta1: UnsafeMutablePointer<V>
    @usableFromInline let delta2: UnsafeMutablePointer<V>
    @usableFromInline let errors: UnsafeMutablePointer<V>
    @usableFromInline let curve: UnsafeMutablePointer<V>
    @usableFromInline let evaluatedOutputs: UnsafeMutablePointer<V>
    @usableFromInline var evaluatedError = V.zero
    @usableFromInline var nonFinite = V.zero
    private let memory = KernelMemory()
    private let snapshots: StateSnapshots<V>

    /// - Parameters:
    ///   - inputs, targets: row-major, samples × inputs and samples × outputs.
    ///   - alphas: one per trial, at most `laneCount`.
    ///   - initialSynapses: per trial, the row-major matrices shaped like `shape.synapseShapes`.
    ///   - curvePoints: how many multiples of errorEvery `train` may record.
    public init(
        shape: NetworkShape, inputs: [Double], targets: [Double], alphas: [Double],
        initialSynapses: [[[Double]]], errorEvery: Int, curvePoints: Int
    ) {
        precondition(!alphas.isEmpty && alphas.count <= V.laneCount && initialSynapses.count == alphas.count)
        self.shape = shape
        trialCount = alphas.count
        self.errorEvery = max(errorEvery, 1)
        let memory = self.memory
        self.inputs = memory.buffer(inputs.count, 0.0)
        self.inputs.update(from: inputs, count: inputs.count)
        self.targets = memory.buffer(targets.count, 0.0)
        self.targets.update(from: targets, count: targets.count)

        let units = shape.firstLayerUnits
        let weights0 = shape.inputs * units, weights1 = shape.hidden * shape.outputs
        func buffer(_ count: Int) -> UnsafeMutablePointer<V> { memory.buffer(count, V.zero) }
        synapse0 = buffer(weights0)
        synapse1 = buffer(weights1)
        update0 = buffer(weights0)
        update1 = buffer(weights1)
        previous0 = buffer(weights0)
        previous1 = buffer(weights1)
        changes0 = buffer(weights0)
        changes1 = buffer(weights1)
        layer1 = buffer(shape.samples * units)
        layer2 = buffer(shape.samples * shape.outputs)
        delta1 = buffer(shape.samples * units)
        delta2 = buffer(shape.samples * shape.outputs)
        errors = buffer(shape.samples * shape.outputs)
        curve = buffer(curvePoints)
        evaluatedOutputs = buffer(shape.samples * shape.outputs)
        snapshots = StateSnapshots(counts: [weights0, weights1, weights0, weights1, weights0, weights1], zero: V.zero, memory: memory)
        alpha = buffer(1)
        for lane in alphas.indices { alpha[0][lane] = alphas[lane] }

        for lane in 0..<V.laneCount {
            let trial = lane < trialCount ? lane : 0
            for index in 0..<weights0 { synapse0[index][lane] = initialSynapses[trial][0][index] }
            for index in 0..<weights1 { synapse1[index][lane] = initialSynapses[trial][1][index] }
        }
    }

    public func train(_ range: Range<Int>) { Kernel.train(self, range) }
    public func evaluate() { Kernel.evaluate(self) }

    /// The training loop; `Kernel` decides where it is compiled (see `LaneKernel`).
    @inlinable @inline(__always)
    public func trainLoop(_ range: Range<Int>) {
        let samples = shape.samples, width = shape.inputs, hidden = shape.hidden, outputs = shape.outputs
        let units = shape.firstLayerUnits
        let out = hidden > 0 ? layer2 : layer1
        var update0 = self.update0, update1 = self.update1
        var previous0 = self.previous0, previous1 = self.previous1
        for iteration in range {
            firstLayer()
            if hidden > 0 {
                LaneOperations.forward(Kernel.Rounding.self, layer1, rows: samples, width: hidden, weights: synapse1, units: outputs, into: layer2)
            }
            if iteration % errorEvery == 0 {
                curve[iteration / errorEvery] = meanError(out)
            }
            if hidden > 0 {
                LaneOperations.outputDeltas(layer2, targets: targets, count: samples * outputs, into: delta2)
                LaneOperations.hiddenDeltas(
                    Kernel.Rounding.self, delta2, synapse1: synapse1, layer1: layer1, samples: samples, hidden: hidden, outputs: outputs, into: delta1
                )
                LaneOperations.updates(Kernel.Rounding.self, layer1, samples: samples, width: hidden, delta: delta2, units: outputs, into: update1)
            } else {
                LaneOperations.outputDeltas(layer1, targets: targets, count: samples * outputs, into: delta1)
            }
            // update0[k][u] = Σ_s inputs[s][k] · delta1[s][u], in register blocks.
            BlockSums.sums(
                Kernel.Rounding.self, rows: width, columns: units, widest: Kernel.blockRows, inputs, rowStride: 1, step: width,
                delta1, vectorStep: units, count: samples, into: update0, outRowStride: units)
            let counting = iteration > 0
            LaneOperations.apply(
                Kernel.Rounding.self, update0, previous: previous0, changes: changes0, to: synapse0, count: width * units, alphas: alpha, period: 1,
                counting: counting)
            if hidden > 0 {
                LaneOperations.apply(
                    Kernel.Rounding.self, update1, previous: previous1, changes: changes1, to: synapse1, count: hidden * outputs, alphas: alpha,
                    period: 1, counting: counting)
            }
            swap(&update0, &previous0)
            swap(&update1, &previous1)
        }
        self.update0 = update0
        self.update1 = update1
        self.previous0 = previous0
        self.previous1 = previous1
    }

    /// layer1 = sigmoid(inputs · synapse0): the sums in register blocks (the inputs broadcast to
    /// every lane), each block's sigmoids applied as it is stored.
    @inlinable @inline(__always)
    func firstLayer() {
        let samples = shape.samples, width = shape.inputs, units = shape.firstLayerUnits
        BlockSums.sums(
            Kernel.Rounding.self, rows: samples, columns: units, widest: Kernel.blockRows, inputs, rowStride: width, step: 1,
            synapse0, vectorStep: units, count: width, into: layer1, outRowStride: units, finish: SigmoidOfSums<V, Kernel.Rounding>())
    }

    /// A forward pass only: outputs, error and the non-finite marker of each lane.
    @inlinable @inline(__always)
    public func evaluateLoop() {
        let samples = shape.samples, hidden = shape.hidden, outputs = shape.outputs
        let units = shape.firstLayerUnits
        firstLayer()
        if hidden > 0 {
            LaneOperations.forward(Kernel.Rounding.self, layer1, rows: samples, width: hidden, weights: synapse1, units: outputs, into: layer2)
        }
        let out = hidden > 0 ? layer2 : layer1
        evaluatedOutputs.update(from: out, count: samples * outputs)
        evaluatedError = meanError(out)
        var marker = V.zero
        LaneOperations.nonFiniteMarker(synapse0, count: shape.inputs * units, into: &marker)
        LaneOperations.nonFiniteMarker(synapse1, count: hidden * outputs, into: &marker)
        LaneOperations.nonFiniteMarker(out, count: samples * outputs, into: &marker)
        nonFinite = marker
    }

    /// np.mean(np.abs(targets − out)).
    @inlinable @inline(__always)
    func meanError(_ out: UnsafePointer<V>) -> V {
        let count = shape.samples * shape.outputs
        for index in 0..<count {
            errors[index] = V(repeating: targets[index]) - out[index]
        }
        return numpyMeanMagnitude(errors, count: count, Kernel.Rounding.self)
    }

    public func isFinite(trial: Int) -> Bool { nonFinite[trial] == 0 }
    public func currentError(trial: Int) -> Double { evaluatedError[trial] }
    public func curveError(trial: Int, point: Int) -> Double { curve[point][trial] }

    public func synapses(trial: Int) -> [[Double]] {
        laneValues(of: [synapse0, synapse1], trial: trial)
    }

    public func directionChanges(trial: Int) -> [[Int]] {
        laneValues(of: [changes0, changes1], trial: trial).map { $0.map { Int($0) } }
    }

    public func outputs(trial: Int) -> [Double] {
        (0..<(shape.samples * shape.outputs)).map { evaluatedOutputs[$0][trial] }
    }

    private func laneValues(of matrices: [UnsafeMutablePointer<V>], trial: Int) -> [[Double]] {
        zip(matrices, shape.synapseShapes).map { matrix, size in
            (0..<(size.rows * size.columns)).map { matrix[$0][trial] }
        }
    }

    private var state: [UnsafeMutablePointer<V>] { [synapse0, synapse1, previous0, previous1, changes0, changes1] }

    public func save(to slot: SnapshotSlot) { snapshots.save(slot, from: state) }
    public func restore(from slot: SnapshotSlot) { snapshots.restore(slot, into: state) }
}

/// Where a `LaneBatch`'s loops are compiled: each conforming type's non-inlinable `train` and
/// `evaluate` instantiate the inlinable loops in its own module, so the baseline kernels below
/// are compiled for baseline x86-64 (and optimised even in debug builds), and BackpropAVX2 and
/// BackpropAVX512 compile the same loops for their instruction sets.
public protocol LaneKernel {
    associatedtype Vector: LaneVector
    /// The widest register block of the products (see `BlockSums.Rows`).
    static var blockRows: BlockSums.Rows { get }
    /// How the loops round a multiply-add: fused where the instruction set has FMA.
    associatedtype Rounding: BackpropKernels.Rounding
    static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>)
    static func evaluate(_ batch: LaneBatch<Self>)
}

public enum ScalarKernel: LaneKernel {
    public typealias Vector = Double
    public typealias Rounding = SeparateRounding
    public static var blockRows: BlockSums.Rows { .two }
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
}
