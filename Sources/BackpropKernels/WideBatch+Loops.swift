/// The loops of a `WideBatch`, inlinable so that each `WideKernel` compiles them for its own
/// instruction set. `lanes` below is `V.laneCount`, `hv` the hidden vectors, `sv` the sample vectors.
extension WideBatch {
    /// The forward tasks' work for `sampleVectors`: layer1 (hidden units in the lanes, register
    /// blocks of samples × 4 hidden vectors, the sigmoid applied in registers), its transposition
    /// to samples in the lanes, layer2 and delta2 (samples in the lanes), delta1.
    @inlinable @inline(__always)
    public func forwardLoop(_ sampleVectors: Range<Int>) {
        forward(sampleVectors)
    }

    /// The update tasks' work for `hiddenVectors`: the curve point (task 0), update0 (register
    /// blocks of inputs × 4 hidden vectors, summed over the samples), update1, the direction
    /// counts and the weights of these hidden units.
    @inlinable @inline(__always)
    public func updateLoop(_ hiddenVectors: Range<Int>, iteration: Int) {
        if hiddenVectors.lowerBound == 0 && iteration % errorEvery == 0 {
            curve[iteration / errorEvery] = meanError()
        }
        update(hiddenVectors, iteration: iteration)
    }

    /// A forward pass only: outputs, error and the non-finite marker.
    @inlinable @inline(__always)
    public func evaluateLoop() {
        forwardLoop(0..<sampleVectors)
        let samples = shape.samples, outputs = shape.outputs, count = sampleVectors &* V.laneCount
        layer2.withMemoryRebound(to: Double.self, capacity: outputs &* count) { layer2 in
            for sample in 0..<samples {
                for output in 0..<outputs {
                    evaluatedOutputs[sample &* outputs &+ output] = layer2[output &* count &+ sample]
                }
            }
        }
        evaluatedError = meanError()
        var marker = V.zero
        LaneOperations.nonFiniteMarker(synapse0, count: shape.inputs &* hiddenVectors, into: &marker)
        LaneOperations.nonFiniteMarker(synapse1, count: outputs &* hiddenVectors, into: &marker)
        LaneOperations.nonFiniteMarker(layer2, count: outputs &* sampleVectors, into: &marker)
        nonFinite = marker
    }

    @inlinable @inline(__always)
    func forward(_ sampleVectors: Range<Int>) {
        let lanes = V.laneCount, hv = hiddenVectors, sv = self.sampleVectors, width = shape.inputs
        let hidden = shape.hidden, outputs = shape.outputs
        let firstRow = sampleVectors.lowerBound &* lanes, rows = sampleVectors.count &* lanes
        // layer1 = sigmoid(inputs · synapse0), hidden units in the lanes.
        let layer1 = self.layer1 + firstRow &* hv
        BlockSums.sums(
            Kernel.Rounding.self, rows: rows, columns: hv, widest: Kernel.blockRows, inputs + firstRow &* width, rowStride: width, step: 1,
            synapse0, vectorStep: hv, count: width, into: layer1, outRowStride: hv, finish: SigmoidOfSums<V, Kernel.Rounding>())
        transposeLayer1(sampleVectors)
        // layer2 = sigmoid(layer1 · synapse1) and delta2, samples in the lanes.
        synapse1.withMemoryRebound(to: Double.self, capacity: outputs &* hv &* lanes) { weights in
            let first = sampleVectors.lowerBound
            BlockSums.sums(
                Kernel.Rounding.self, rows: outputs, columns: sampleVectors.count, widest: Kernel.blockRows, weights, rowStride: hv &* lanes, step: 1,
                layer1BySample + first, vectorStep: sv, count: hidden, into: layer2 + first, outRowStride: sv)
            for output in 0..<outputs {
                for index in (output &* sv &+ first)..<(output &* sv &+ sampleVectors.upperBound) {
                    let out = sigmoid(layer2[index], Kernel.Rounding.self)
                    layer2[index] = out
                    delta2[index] = (targetsBySample[index] - out) * (out * (V.one - out))
                }
            }
        }
        // delta1 = (delta2 · synapse1ᵀ) · (layer1 · (1 − layer1)), hidden units in the lanes.
        let delta1 = self.delta1 + firstRow &* hv
        delta2.withMemoryRebound(to: Double.self, capacity: outputs &* sv &* lanes) { delta2 in
            BlockSums.sums(
                Kernel.Rounding.self, rows: rows, columns: hv, widest: Kernel.blockRows, delta2 + firstRow, rowStride: 1, step: sv &* lanes,
                synapse1, vectorStep: hv, count: outputs, into: delta1, outRowStride: hv,
                finish: TimesSlope<V, Kernel.Rounding>(activations: layer1, errors: delta1))
        }
    }

    /// layer1BySample[h][column] = layer1[column's samples][h]: a block transposition per
    /// sample vector and hidden vector.
    @inlinable @inline(__always)
    func transposeLayer1(_ columns: Range<Int>) {
        let hidden = shape.hidden, hv = hiddenVectors, lanes = V.laneCount, sv = sampleVectors
        for column in columns {
            for vector in 0..<hv {
                var block = InlineArray<8, V>(repeating: V.zero)
                for lane in 0..<lanes { block[lane] = layer1[(column &* lanes &+ lane) &* hv &+ vector] }
                V.transpose(&block)
                for lane in 0..<lanes where vector &* lanes &+ lane < hidden {
                    layer1BySample[(vector &* lanes &+ lane) &* sv &+ column] = block[lane]
                }
            }
        }
    }

    /// update0 (inputs × these hidden vectors, summed over the samples) and update1 (synapse_1
    /// transposed), then the direction counts and weights of these hidden units.
    @inlinable @inline(__always)
    func update(_ vectors: Range<Int>, iteration: Int) {
        let width = shape.inputs, outputs = shape.outputs, hv = hiddenVectors, samples = shape.samples
        let count = sampleVectors &* V.laneCount
        let slot = iteration & 1
        let update0 = updates0 + slot &* width &* hv, previous0 = updates0 + (slot ^ 1) &* width &* hv
        let update1 = updates1 + slot &* outputs &* hv, previous1 = updates1 + (slot ^ 1) &* outputs &* hv
        let first = vectors.lowerBound
        BlockSums.sums(
            Kernel.Rounding.self, rows: width, columns: vectors.count, widest: Kernel.blockRows, inputs, rowStride: 1, step: width,
            delta1 + first, vectorStep: hv, count: samples, into: update0 + first, outRowStride: hv)
        delta2.withMemoryRebound(to: Double.self, capacity: outputs &* count) { delta2 in
            BlockSums.sums(
                Kernel.Rounding.self, rows: outputs, columns: vectors.count, widest: Kernel.blockRows, delta2, rowStride: count, step: 1,
                layer1 + first, vectorStep: hv, count: samples, into: update1 + first, outRowStride: hv)
        }
        let counting = iteration > 0
        for input in 0..<width {
            apply(
                update0 + input &* hv, previous: previous0 + input &* hv, changes: changes0 + input &* hv,
                to: synapse0 + input &* hv, vectors: vectors, counting: counting)
        }
        for output in 0..<outputs {
            apply(
                update1 + output &* hv, previous: previous1 + output &* hv, changes: changes1 + output &* hv,
                to: synapse1 + output &* hv, vectors: vectors, counting: counting)
        }
    }

    /// One row of `LaneOperations.apply` restricted to `vectors`: direction counts, then
    /// weights += alpha · update.
    @inlinable @inline(__always)
    func apply(
        _ update: UnsafePointer<V>, previous: UnsafePointer<V>, changes: UnsafeMutablePointer<V>,
        to weights: UnsafeMutablePointer<V>, vectors: Range<Int>, counting: Bool
    ) {
        if counting {
            for index in vectors {
                let flipped = V.differ(update[index].isPositive(), previous[index].isPositive())
                changes[index] = changes[index].replacing(with: changes[index] + V.one, where: flipped)
            }
        }
        for index in vectors {
            weights[index] = Kernel.Rounding.multiplyAdd(alphas[index], update[index], weights[index])
        }
    }

    /// np.mean(np.abs(targets − layer2)), in the sample-major order numpy sums.
    @inlinable @inline(__always)
    func meanError() -> Double {
        let samples = shape.samples, outputs = shape.outputs, count = sampleVectors &* V.laneCount
        layer2.withMemoryRebound(to: Double.self, capacity: outputs &* count) { layer2 in
            for sample in 0..<samples {
                for output in 0..<outputs {
                    errors[sample &* outputs &+ output] = targets[sample &* outputs &+ output] - layer2[output &* count &+ sample]
                }
            }
        }
        return numpyMeanMagnitude(errors, count: samples &* outputs, Kernel.Rounding.self)
    }
}

/// delta1 = error · (layer1 · (1 − layer1)), the activation read at the error's place.
@usableFromInline
struct TimesSlope<Vector: LaneVector, R: Rounding>: BlockFinish {
    @usableFromInline let activations: UnsafePointer<Vector>
    @usableFromInline let errors: UnsafeMutablePointer<Vector>

    @inlinable @inline(__always)
    init(activations: UnsafePointer<Vector>, errors: UnsafeMutablePointer<Vector>) {
        self.activations = activations
        self.errors = errors
    }

    @inlinable @inline(__always)
    func callAsFunction(_ error: Vector, at address: UnsafeMutablePointer<Vector>) -> Vector {
        let activation = activations[address - errors]
        return error * (activation * (Vector.one - activation))
    }
}
