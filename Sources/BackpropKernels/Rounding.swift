/// How the kernels round `a · b + c`: the one step of every product sum, of the weight updates
/// and of the `exp` polynomial. A kernel's choice fixes its results to the last bit, so every
/// code path with the same rounding gives bit-identical results.
///
/// Each module that compiles the kernels for its own CPU level has its own rounding type
/// (`SeparateRounding` for baseline x86-64 here, `AVX2Rounding`, `AVX512Rounding`), and every
/// generic helper the kernels call takes it as a type parameter. That keeps the helpers' compiled
/// copies apart: the AVX2 and AVX-512 modules compile the same generic code for different CPUs,
/// and a copy shared between them (the linker keeps one of two same-named weak symbols) would run
/// AVX-512 instructions on an AVX2-only CPU, or AVX2 code on the AVX-512 path.
/// `scripts/check-kernel-symbols.sh` (run by scripts/test) checks that no copy is shared.
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
public protocol FusedMultiplyAdd: Rounding {}

extension FusedMultiplyAdd {
    @inlinable @inline(__always)
    public static func multiplyAdd<V: LaneVector>(_ a: V, _ b: V, _ c: V) -> V { c.addingProduct(a, b) }
}

/// Fused rounding for code outside the kernel modules (tests, tools).
public enum FusedRounding: FusedMultiplyAdd {}
