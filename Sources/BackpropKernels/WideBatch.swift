/// One trial of a network with a hidden layer, vectorised inside the trial: hidden units in the
/// lanes for synapse_0's products, samples in the lanes for synapse_1's. For large networks
/// trained alone (a single trial, or the last of a sweep), where a lane per trial would leave
/// most lanes empty.
///
/// Every element is computed by the same operations in the same order as in `LaneBatch` (the
/// sums over inputs, hidden units and samples still run one element at a time, from the first
/// product), so the results are bit-identical; only non-reduction dimensions are vectorised.
/// Hidden units are padded to whole vectors; the padding lanes have alpha 0 and weight 0 and
/// never feed a reduction over hidden units.
public final class WideBatch<Kernel: WideKernel>: TrainingBatch {
    public typealias V = Kernel.Vector

    public let shape: NetworkShape
    public var trialCount: Int { 1 }
    @usableFromInline let errorEvery: Int
    @usableFromInline let hiddenVectors: Int
    @usableFromInline let sampleVectors: Int
    /// alpha per hidden vector: 0 in the padding lanes of the last one.
    @usableFromInline let alphas: UnsafeMutablePointer<V>
    @usableFromInline let inputs: UnsafeMutablePointer<Double>
    @usableFromInline let targets: UnsafeMutablePointer<Double>
    /// synapse_0 as inputs × hiddenVectors.
    @usableFromInline let synapse0: UnsafeMutablePointer<V>
    /// synapse_1 transposed: outputs × hiddenVectors.
    @usableFromInline let synapse1: UnsafeMutablePointer<V>
    @usableFromInline var update0: UnsafeMutablePointer<V>
    @usableFromInline var update1: UnsafeMutablePointer<V>
    @usableFromInline var previous0: UnsafeMutablePointer<V>
    @usableFromInline var previous1: UnsafeMutablePointer<V>
    @usableFromInline let changes0: UnsafeMutablePointer<V>
    @usableFromInline let changes1: UnsafeMutablePointer<V>
    /// samples × hiddenVectors.
    @usableFromInline let layer1: UnsafeMutablePointer<V>
    @usableFromInline let delta1: UnsafeMutablePointer<V>
    /// layer1 transposed, hidden × sampleVectors (samples padded with zeros).
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

    public init(shape: NetworkShape, inputs: [Double], targets: [Double], alpha: Double,
                initialSynapses: [[Double]], errorEvery: Int, curvePoints: Int) {
        precondition(shape.hidden > 0, "WideBatch needs a hidden layer")
        self.shape = shape
        self.errorEvery = max(errorEvery, 1)
        let lanes = V.laneCount
        let hiddenVectors = (shape.hidden + lanes - 1) / lanes
        let sampleVectors = (shape.samples + lanes - 1) / lanes
        self.hiddenVectors = hiddenVectors
        self.sampleVectors = sampleVectors
        let memory = self.memory
        func buffer<T>(_ count: Int, _ zero: T) -> UnsafeMutablePointer<T> { memory.buffer(count, zero) }
        let weights0 = shape.inputs * hiddenVectors, weights1 = shape.outputs * hiddenVectors
        self.inputs = buffer(inputs.count, 0.0)
        self.inputs.update(from: inputs, count: inputs.count)
        self.targets = buffer(targets.count, 0.0)
        self.targets.update(from: targets, count: targets.count)
        synapse0 = buffer(weights0, V.zero)
        synapse1 = buffer(weights1, V.zero)
        update0 = buffer(weights0, V.zero)
        update1 = buffer(weights1, V.zero)
        previous0 = buffer(weights0, V.zero)
        previous1 = buffer(weights1, V.zero)
        changes0 = buffer(weights0, V.zero)
        changes1 = buffer(weights1, V.zero)
        layer1 = buffer(shape.samples * hiddenVectors, V.zero)
        delta1 = buffer(shape.samples * hiddenVectors, V.zero)
        layer1BySample = buffer(shape.hidden * sampleVectors, V.zero)
        layer2 = buffer(shape.outputs * sampleVectors, V.zero)
        delta2 = buffer(shape.outputs * sampleVectors, V.zero)
        targetsBySample = buffer(shape.outputs * sampleVectors, V.zero)
        errors = buffer(shape.samples * shape.outputs, 0.0)
        curve = buffer(curvePoints, 0.0)
        evaluatedOutputs = buffer(shape.samples * shape.outputs, 0.0)
        snapshots = StateSnapshots(counts: [weights0, weights1, weights0, weights1, weights0, weights1], zero: V.zero, memory: memory)
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

    public func train(_ range: Range<Int>) { Kernel.train(self, range) }
    public func evaluate() { Kernel.evaluate(self) }
}

extension WideBatch {
    /// The training loop; `Kernel` decides where it is compiled (see `WideKernel`).
    @inlinable @inline(__always)
    public func trainLoop(_ range: Range<Int>) {
        let width = shape.inputs, outputs = shape.outputs, hv = hiddenVectors
        var update0 = self.update0, update1 = self.update1
        var previous0 = self.previous0, previous1 = self.previous1
        for iteration in range {
            forward()
            if iteration % errorEvery == 0 {
                curve[iteration / errorEvery] = meanError()
            }
            backward(update0: update0, update1: update1)
            let counting = iteration > 0
            LaneOperations.apply(update0, previous: previous0, changes: changes0, to: synapse0, count: width * hv,
                                 alphas: alphas, period: hv, counting: counting)
            LaneOperations.apply(update1, previous: previous1, changes: changes1, to: synapse1, count: outputs * hv,
                                 alphas: alphas, period: hv, counting: counting)
            swap(&update0, &previous0)
            swap(&update1, &previous1)
        }
        self.update0 = update0
        self.update1 = update1
        self.previous0 = previous0
        self.previous1 = previous1
    }

    @inlinable @inline(__always)
    public func evaluateLoop() {
        forward()
        let samples = shape.samples, outputs = shape.outputs, laneCount = sampleVectors * V.laneCount
        layer2.withMemoryRebound(to: Double.self, capacity: outputs * laneCount) { layer2 in
            for sample in 0..<samples {
                for output in 0..<outputs {
                    evaluatedOutputs[sample * outputs + output] = layer2[output * laneCount + sample]
                }
            }
        }
        evaluatedError = meanError()
        var marker = V.zero
        LaneOperations.nonFiniteMarker(synapse0, count: shape.inputs * hiddenVectors, into: &marker)
        LaneOperations.nonFiniteMarker(synapse1, count: outputs * hiddenVectors, into: &marker)
        LaneOperations.nonFiniteMarker(layer2, count: outputs * sampleVectors, into: &marker)
        nonFinite = marker
    }

    /// layer1 = sigmoid(inputs · synapse0) with hidden units in the lanes, copied sample-major
    /// into `layer1BySample`; layer2 = sigmoid(layer1 · synapse1) with samples in the lanes.
    @inlinable @inline(__always)
    func forward() {
        let samples = shape.samples, width = shape.inputs, hidden = shape.hidden, outputs = shape.outputs
        let hv = hiddenVectors, sv = sampleVectors, lanes = V.laneCount
        layer1BySample.withMemoryRebound(to: Double.self, capacity: hidden &* sv &* lanes) { bySample in
            for sample in 0..<samples {
                let x = inputs + sample &* width
                let row = layer1 + sample &* hv
                var vector = 0
                while vector &+ 4 <= hv {
                    let first = V(repeating: x[0]), w = synapse0 + vector
                    var sum0 = first * w[0], sum1 = first * w[1], sum2 = first * w[2], sum3 = first * w[3]
                    var weights = w
                    for k in 1..<width {
                        weights += hv
                        let input = V(repeating: x[k])
                        sum0 = sum0 + input * weights[0]
                        sum1 = sum1 + input * weights[1]
                        sum2 = sum2 + input * weights[2]
                        sum3 = sum3 + input * weights[3]
                    }
                    row[vector] = sigmoid(sum0)
                    row[vector &+ 1] = sigmoid(sum1)
                    row[vector &+ 2] = sigmoid(sum2)
                    row[vector &+ 3] = sigmoid(sum3)
                    vector &+= 4
                }
                while vector < hv {
                    var weights = synapse0 + vector
                    var sum = V(repeating: x[0]) * weights[0]
                    for k in 1..<width {
                        weights += hv
                        sum = sum + V(repeating: x[k]) * weights[0]
                    }
                    row[vector] = sigmoid(sum)
                    vector &+= 1
                }
                row.withMemoryRebound(to: Double.self, capacity: hv &* lanes) { activations in
                    var column = bySample + sample
                    for unit in 0..<hidden {
                        column[0] = activations[unit]
                        column += sv &* lanes
                    }
                }
            }
        }
        synapse1.withMemoryRebound(to: Double.self, capacity: outputs &* hv &* lanes) { weights in
            for output in 0..<outputs {
                let column = weights + output &* hv &* lanes
                for block in 0..<sv {
                    var activations = layer1BySample + block
                    var sum = activations[0] * V(repeating: column[0])
                    for unit in 1..<hidden {
                        activations += sv
                        sum = sum + activations[0] * V(repeating: column[unit])
                    }
                    layer2[output &* sv &+ block] = sigmoid(sum)
                }
            }
        }
    }

    /// delta2, delta1 and the updates (synapse_1's transposed, like synapse1).
    @inlinable @inline(__always)
    func backward(update0: UnsafeMutablePointer<V>, update1: UnsafeMutablePointer<V>) {
        let samples = shape.samples, outputs = shape.outputs
        let hv = hiddenVectors, sv = sampleVectors, lanes = V.laneCount
        for index in 0..<(outputs &* sv) {
            let output = layer2[index]
            delta2[index] = (targetsBySample[index] - output) * (output * (V.one - output))
        }
        delta2.withMemoryRebound(to: Double.self, capacity: outputs &* sv &* lanes) { delta2 in
            for sample in 0..<samples {
                let activations = layer1 + sample &* hv, deltas = delta1 + sample &* hv
                for vector in 0..<hv {
                    var error = V(repeating: delta2[sample]) * synapse1[vector]
                    for output in 1..<max(outputs, 1) {
                        error = error + V(repeating: delta2[output &* sv &* lanes &+ sample]) * synapse1[output &* hv &+ vector]
                    }
                    let activation = activations[vector]
                    deltas[vector] = error * (activation * (V.one - activation))
                }
            }
            for output in 0..<outputs {
                let delta = V(repeating: delta2[output &* sv &* lanes]), sums = update1 + output &* hv
                for vector in 0..<hv { sums[vector] = layer1[vector] * delta }
                for sample in 1..<max(samples, 1) {
                    let delta = V(repeating: delta2[output &* sv &* lanes &+ sample]), activations = layer1 + sample &* hv
                    for vector in 0..<hv { sums[vector] = sums[vector] + activations[vector] * delta }
                }
            }
        }
        inputUpdates(into: update0)
    }

    /// update0[k][v] = Σ_s inputs[s][k] · delta1[s][v], in blocks of 4 inputs × 4 hidden vectors
    /// whose sums stay in registers while the samples stream by.
    @inlinable @inline(__always)
    func inputUpdates(into update0: UnsafeMutablePointer<V>) {
        let samples = shape.samples, width = shape.inputs, hv = hiddenVectors
        var k = 0
        while k &+ 4 <= width {
            var vector = 0
            while vector &+ 4 <= hv {
                var x = inputs + k, d = delta1 + vector
                var x0 = V(repeating: x[0]), x1 = V(repeating: x[1]), x2 = V(repeating: x[2]), x3 = V(repeating: x[3])
                var s00 = x0 * d[0], s01 = x0 * d[1], s02 = x0 * d[2], s03 = x0 * d[3]
                var s10 = x1 * d[0], s11 = x1 * d[1], s12 = x1 * d[2], s13 = x1 * d[3]
                var s20 = x2 * d[0], s21 = x2 * d[1], s22 = x2 * d[2], s23 = x2 * d[3]
                var s30 = x3 * d[0], s31 = x3 * d[1], s32 = x3 * d[2], s33 = x3 * d[3]
                for _ in 1..<max(samples, 1) {
                    x += width
                    d += hv
                    x0 = V(repeating: x[0]); x1 = V(repeating: x[1]); x2 = V(repeating: x[2]); x3 = V(repeating: x[3])
                    let d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3]
                    s00 = s00 + x0 * d0; s01 = s01 + x0 * d1; s02 = s02 + x0 * d2; s03 = s03 + x0 * d3
                    s10 = s10 + x1 * d0; s11 = s11 + x1 * d1; s12 = s12 + x1 * d2; s13 = s13 + x1 * d3
                    s20 = s20 + x2 * d0; s21 = s21 + x2 * d1; s22 = s22 + x2 * d2; s23 = s23 + x2 * d3
                    s30 = s30 + x3 * d0; s31 = s31 + x3 * d1; s32 = s32 + x3 * d2; s33 = s33 + x3 * d3
                }
                var out = update0 + (k &* hv &+ vector)
                out[0] = s00; out[1] = s01; out[2] = s02; out[3] = s03
                out += hv
                out[0] = s10; out[1] = s11; out[2] = s12; out[3] = s13
                out += hv
                out[0] = s20; out[1] = s21; out[2] = s22; out[3] = s23
                out += hv
                out[0] = s30; out[1] = s31; out[2] = s32; out[3] = s33
                vector &+= 4
            }
            for tail in vector..<hv { inputUpdate(k: k, vector: tail, into: update0) }
            for row in 1..<4 { for tail in vector..<hv { inputUpdate(k: k &+ row, vector: tail, into: update0) } }
            k &+= 4
        }
        while k < width {
            for vector in 0..<hv { inputUpdate(k: k, vector: vector, into: update0) }
            k &+= 1
        }
    }

    @inlinable @inline(__always)
    func inputUpdate(k: Int, vector: Int, into update0: UnsafeMutablePointer<V>) {
        let width = shape.inputs, hv = hiddenVectors
        var x = inputs + k, d = delta1 + vector
        var sum = V(repeating: x[0]) * d[0]
        for _ in 1..<max(shape.samples, 1) {
            x += width
            d += hv
            sum = sum + V(repeating: x[0]) * d[0]
        }
        update0[k &* hv &+ vector] = sum
    }

    /// np.mean(np.abs(targets − layer2)), in the sample-major order numpy sums.
    @inlinable @inline(__always)
    func meanError() -> Double {
        let samples = shape.samples, outputs = shape.outputs, laneCount = sampleVectors * V.laneCount
        layer2.withMemoryRebound(to: Double.self, capacity: outputs * laneCount) { layer2 in
            for sample in 0..<samples {
                for output in 0..<outputs {
                    errors[sample * outputs + output] = targets[sample * outputs + output] - layer2[output * laneCount + sample]
                }
            }
        }
        return numpyMeanMagnitude(errors, count: samples * outputs)
    }

    public func isFinite(trial: Int) -> Bool { (0..<V.laneCount).allSatisfy { nonFinite[$0] == 0 } }
    public func currentError(trial: Int) -> Double { evaluatedError }
    public func curveError(trial: Int, point: Int) -> Double { curve[point] }

    public func synapses(trial: Int) -> [[Double]] { unpadded([synapse0, synapse1]) }

    public func directionChanges(trial: Int) -> [[Int]] {
        unpadded([changes0, changes1]).map { $0.map { Int($0) } }
    }

    public func outputs(trial: Int) -> [Double] {
        Array(UnsafeBufferPointer(start: evaluatedOutputs, count: shape.samples * shape.outputs))
    }

    /// synapse_0 (inputs × hidden) and synapse_1 (hidden × outputs) row-major, from the padded,
    /// transposed-for-synapse_1 storage.
    private func unpadded(_ matrices: [UnsafeMutablePointer<V>]) -> [[Double]] {
        let lanes = V.laneCount, hv = hiddenVectors, hidden = shape.hidden
        let first = (0..<(shape.inputs * hidden)).map { index in
            matrices[0][(index / hidden) * hv + (index % hidden) / lanes][(index % hidden) % lanes]
        }
        let second = (0..<(hidden * shape.outputs)).map { index in
            let unit = index / shape.outputs, output = index % shape.outputs
            return matrices[1][output * hv + unit / lanes][unit % lanes]
        }
        return [first, second]
    }

    private var state: [UnsafeMutablePointer<V>] { [synapse0, synapse1, previous0, previous1, changes0, changes1] }

    public func save(to slot: SnapshotSlot) { snapshots.save(slot, from: state) }
    public func restore(from slot: SnapshotSlot) { snapshots.restore(slot, into: state) }
}

/// Where a `WideBatch`'s loops are compiled; see `LaneKernel`.
public protocol WideKernel {
    associatedtype Vector: LaneVector
    static func train(_ batch: WideBatch<Self>, _ range: Range<Int>)
    static func evaluate(_ batch: WideBatch<Self>)
}
