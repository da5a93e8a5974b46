/// The sum numpy's `np.mean`/`np.sum` computes for a contiguous float64 array (pairwise
/// summation: runs of 8 interleaved partial sums below 128 elements, halves above), so that the
/// engine's mean errors round exactly like the notebook's. (`R` only keeps each kernel module's
/// compiled copy apart; see `Rounding`.)
@inlinable
public func numpyPairwiseSum<V: LaneVector, R: Rounding>(_ values: UnsafePointer<V>, count: Int, _ rounding: R.Type) -> V {
    if count < 8 {
        var sum = V(repeating: -0.0)
        for index in 0..<count { sum = sum + values[index] }
        return sum
    }
    if count <= 128 {
        var r0 = values[0], r1 = values[1], r2 = values[2], r3 = values[3]
        var r4 = values[4], r5 = values[5], r6 = values[6], r7 = values[7]
        var index = 8
        while index < count - count % 8 {
            r0 = r0 + values[index]; r1 = r1 + values[index + 1]
            r2 = r2 + values[index + 2]; r3 = r3 + values[index + 3]
            r4 = r4 + values[index + 4]; r5 = r5 + values[index + 5]
            r6 = r6 + values[index + 6]; r7 = r7 + values[index + 7]
            index += 8
        }
        var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while index < count {
            sum = sum + values[index]
            index += 1
        }
        return sum
    }
    var half = count / 2
    half -= half % 8
    return numpyPairwiseSum(values, count: half, rounding) + numpyPairwiseSum(values + half, count: count - half, rounding)
}

/// `numpyPairwiseSum` outside the kernels.
@inlinable
public func numpyPairwiseSum<V: LaneVector>(_ values: UnsafePointer<V>, count: Int) -> V {
    numpyPairwiseSum(values, count: count, SeparateRounding.self)
}

/// numpy's `np.mean(np.abs(values))`: the add.reduce starts from 0 and adds the pairwise sum.
@inlinable
public func numpyMeanMagnitude<V: LaneVector, R: Rounding>(_ values: UnsafeMutablePointer<V>, count: Int, _ rounding: R.Type) -> V {
    for index in 0..<count { values[index] = values[index].magnitudeBits() }
    return (V.zero + numpyPairwiseSum(values, count: count, rounding)) / V(repeating: Double(count))
}
