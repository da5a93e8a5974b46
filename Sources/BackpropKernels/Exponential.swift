/// e^x written once for every lane width, so the scalar and the SIMD paths round identically.
///
/// Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2, ln2 split in a 32-bit head and a tail so
/// n·ln2Head is exact), e^r ≈ 1 + r + r²·q(r) with q a degree-9 Chebyshev fit of
/// (e^r − 1 − r)/r² (relative error 1.6e-17, from mpmath.chebyfit), then the exponent of 2^n is
/// built from the bits. Within about 1 ulp of the correctly rounded result
/// for results ≥ 2^-1021; smaller results flush to 0, x > 709.78 gives +∞, NaN stays NaN.
/// `rounding` rounds the polynomial's steps (see `Rounding`).
@inlinable @inline(__always)
public func exponential<V: LaneVector, R: Rounding>(_ x: V, _ rounding: R.Type) -> V {
    let rounding = V(repeating: 0x1.8p52)
    let shifted = x * V(repeating: 1.4426950408889634) + rounding
    let n = shifted - rounding
    let r = (x - n * V(repeating: 6.93147180369123816490e-01)) - n * V(repeating: 1.90821492927058770002e-10)
    var p = V(repeating: 2.5100375832561234e-08)
    p = R.multiplyAdd(p, r, V(repeating: 2.7620075879983367e-07))
    p = R.multiplyAdd(p, r, V(repeating: 2.7557268480310024e-06))
    p = R.multiplyAdd(p, r, V(repeating: 2.4801521322368692e-05))
    p = R.multiplyAdd(p, r, V(repeating: 0.00019841269863040545))
    p = R.multiplyAdd(p, r, V(repeating: 0.0013888888917196719))
    p = R.multiplyAdd(p, r, V(repeating: 0.008333333333330065))
    p = R.multiplyAdd(p, r, V(repeating: 0.041666666666624164))
    p = R.multiplyAdd(p, r, V(repeating: 0.16666666666666669))
    p = R.multiplyAdd(p, r, V(repeating: 0.5000000000000001))
    p = R.multiplyAdd(p, r, V.one)
    p = R.multiplyAdd(p, r, V.one)
    let result = (p * V.halfPowerOfTwo(shifted: shifted)) * V(repeating: 2)
    return
        result
        .replacing(with: V(repeating: .infinity), where: x.isGreater(than: V(repeating: 709.782712893384)))
        .replacing(with: V.zero, where: x.isLess(than: V(repeating: -707.7)))
}

/// `exponential` with separately rounded steps.
@inlinable @inline(__always)
public func exponential<V: LaneVector>(_ x: V) -> V { exponential(x, SeparateRounding.self) }

/// The notebook's sigmoid, 1 / (1 + e^-x). (0 − x rather than −x: SIMD negation is a
/// subtraction from 0, so the scalar path spells it the same way.)
@inlinable @inline(__always)
public func sigmoid<V: LaneVector, R: Rounding>(_ x: V, _ rounding: R.Type) -> V {
    V.one / (V.one + exponential(V.zero - x, rounding))
}

/// `sigmoid` with separately rounded steps.
@inlinable @inline(__always)
public func sigmoid<V: LaneVector>(_ x: V) -> V { sigmoid(x, SeparateRounding.self) }
