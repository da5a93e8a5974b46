/// How the kernels round `a · b + c`: the one step of every product sum, of the weight updates
/// and of the `exp` polynomial. A kernel's choice fixes its results to the last bit, so every
/// code path with the same rounding gives bit-identical results.
public protocol Rounding {
    /// a · b + c.
    static func multiplyAdd<V: LaneVector>(_ a: V, _ b: V, _ c: V) -> V
}

/// Two roundings, product then sum: the notebook's numpy arithmetic read operation by operation,
/// and what CPUs without fused multiply-add (baseline x86-64) compute fast.
public enum SeparateRounding: Rounding {
    @inlinable @inline(__always)
    public static func multiplyAdd<V: LaneVector>(_ a: V, _ b: V, _ c: V) -> V { c + a * b }
}

/// One rounding (fused multiply-add, FMA): half the instructions of the products on x86-64-v3
/// (AVX2) and v4 (AVX-512), and a result closer to the exact one.
public enum FusedRounding: Rounding {
    @inlinable @inline(__always)
    public static func multiplyAdd<V: LaneVector>(_ a: V, _ b: V, _ c: V) -> V { c.addingProduct(a, b) }
}
