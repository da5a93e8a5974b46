/// e^x written once for every lane width, so the scalar and the SIMD paths round identically.
///
/// Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2, ln2 split in a 32-bit head and a tail so
/// n·ln2Head is exact), e^r by its Taylor polynomial to degree 13 (truncation < 2^-57), then the
/// exponent of 2^n is built from the bits. Within about 1 ulp of the correctly rounded result
/// for results ≥ 2^-1021; smaller results flush to 0, x > 709.78 gives +∞, NaN stays NaN.
@inlinable @inline(__always)
public func exponential<V: LaneVector>(_ x: V) -> V {
    let rounding = V(repeating: 0x1.8p52)
    let shifted = x * V(repeating: 1.4426950408889634) + rounding
    let n = shifted - rounding
    let r = (x - n * V(repeating: 6.93147180369123816490e-01)) - n * V(repeating: 1.90821492927058770002e-10)
    var p = V(repeating: 1.0 / 6227020800.0)
    p = p * r + V(repeating: 1.0 / 479001600.0)
    p = p * r + V(repeating: 1.0 / 39916800.0)
    p = p * r + V(repeating: 1.0 / 3628800.0)
    p = p * r + V(repeating: 1.0 / 362880.0)
    p = p * r + V(repeating: 1.0 / 40320.0)
    p = p * r + V(repeating: 1.0 / 5040.0)
    p = p * r + V(repeating: 1.0 / 720.0)
    p = p * r + V(repeating: 1.0 / 120.0)
    p = p * r + V(repeating: 1.0 / 24.0)
    p = p * r + V(repeating: 1.0 / 6.0)
    p = p * r + V(repeating: 0.5)
    p = p * r + V.one
    p = p * r + V.one
    let result = (p * V.halfPowerOfTwo(shifted: shifted)) * V(repeating: 2)
    return result
        .replacing(with: V(repeating: .infinity), where: x.isGreater(than: V(repeating: 709.782712893384)))
        .replacing(with: V.zero, where: x.isLess(than: V(repeating: -707.7)))
}

/// The notebook's sigmoid, 1 / (1 + e^-x). (0 − x rather than −x: SIMD negation is a
/// subtraction from 0, so the scalar path spells it the same way.)
@inlinable @inline(__always)
public func sigmoid<V: LaneVector>(_ x: V) -> V {
    V.one / (V.one + exponential(V.zero - x))
}
