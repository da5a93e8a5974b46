/// The notebook's arithmetic on row-major buffers of lane vectors, one element at a time in a
/// fixed order: every sum runs left to right over its reduction index, starting from the first
/// product, each further product added as `R` rounds a multiply-add. The kernels vectorise only
/// across lanes, so each lane rounds exactly like scalar code with the same `R`.
public enum LaneOperations {
    /// out[s][u] = sigmoid(Σ_k input[s][k] · weights[k][u]) for `rows` × `width` input: every
    /// sum, then every sigmoid.
    @inlinable @inline(__always)
    public static func forward<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, _ input: UnsafePointer<V>, rows: Int, width: Int,
        weights: UnsafePointer<V>, units: Int,
        into out: UnsafeMutablePointer<V>
    ) {
        for row in 0..<rows {
            let inputRow = row &* width
            for unit in 0..<units {
                var sum = input[inputRow] * weights[unit]
                for k in 1..<max(width, 1) {
                    sum = R.multiplyAdd(input[inputRow &+ k], weights[k &* units &+ unit], sum)
                }
                out[row &* units &+ unit] = sum
            }
        }
        sigmoids(rounding, out, count: rows &* units)
    }

    /// values[i] = sigmoid(values[i]): a loop of its own, so that the sigmoids (long dependency
    /// chains, each ending in a division) of a whole layer overlap.
    @inlinable @inline(__always)
    public static func sigmoids<V: LaneVector, R: Rounding>(_ rounding: R.Type, _ values: UnsafeMutablePointer<V>, count: Int) {
        for index in 0..<count { values[index] = sigmoid(values[index], rounding) }
    }

    /// delta[s][o] = (targets[s][o] − out[s][o]) · (out · (1 − out)).
    @inlinable @inline(__always)
    public static func outputDeltas<V: LaneVector>(
        _ out: UnsafePointer<V>, targets: UnsafePointer<Double>, count: Int,
        into delta: UnsafeMutablePointer<V>
    ) {
        for index in 0..<count {
            let output = out[index]
            delta[index] = (V(repeating: targets[index]) - output) * (output * (V.one - output))
        }
    }

    /// delta1[s][h] = (Σ_o delta2[s][o] · synapse1[h][o]) · (layer1 · (1 − layer1)).
    @inlinable @inline(__always)
    public static func hiddenDeltas<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, _ delta2: UnsafePointer<V>, synapse1: UnsafePointer<V>, layer1: UnsafePointer<V>,
        samples: Int, hidden: Int, outputs: Int, into delta1: UnsafeMutablePointer<V>
    ) {
        for sample in 0..<samples {
            for unit in 0..<hidden {
                var error = delta2[sample &* outputs] * synapse1[unit &* outputs]
                for output in 1..<max(outputs, 1) {
                    error = R.multiplyAdd(delta2[sample &* outputs &+ output], synapse1[unit &* outputs &+ output], error)
                }
                let activation = layer1[sample &* hidden &+ unit]
                delta1[sample &* hidden &+ unit] = error * (activation * (V.one - activation))
            }
        }
    }

    /// update[k][u] = Σ_s input[s][k] · delta[s][u]  (layerᵀ · delta).
    @inlinable @inline(__always)
    public static func updates<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, _ input: UnsafePointer<V>, samples: Int, width: Int,
        delta: UnsafePointer<V>, units: Int,
        into update: UnsafeMutablePointer<V>
    ) {
        for k in 0..<width {
            for unit in 0..<units {
                var sum = input[k] * delta[unit]
                for sample in 1..<max(samples, 1) {
                    sum = R.multiplyAdd(input[sample &* width &+ k], delta[sample &* units &+ unit], sum)
                }
                update[k &* units &+ unit] = sum
            }
        }
    }

    /// Counts sign flips of `update > 0` against the previous update (when `counting`), then
    /// weights += alpha · update, with `alphas[i % period]` as the alpha of element i.
    @inlinable @inline(__always)
    public static func apply<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, _ update: UnsafePointer<V>, previous: UnsafePointer<V>, changes: UnsafeMutablePointer<V>,
        to weights: UnsafeMutablePointer<V>, count: Int, alphas: UnsafePointer<V>, period: Int, counting: Bool
    ) {
        if counting {
            for index in 0..<count {
                let flipped = V.differ(update[index].isPositive(), previous[index].isPositive())
                changes[index] = changes[index].replacing(with: changes[index] + V.one, where: flipped)
            }
        }
        for row in stride(from: 0, to: count, by: period) {
            for column in 0..<period {
                weights[row &+ column] = R.multiplyAdd(alphas[column], update[row &+ column], weights[row &+ column])
            }
        }
    }

    /// NaN in a lane when any value of that lane is ±∞ or NaN, otherwise 0.
    @inlinable @inline(__always)
    public static func nonFiniteMarker<V: LaneVector>(_ values: UnsafePointer<V>, count: Int, into marker: inout V) {
        for index in 0..<count {
            marker = marker + (values[index] - values[index])
        }
    }
}
