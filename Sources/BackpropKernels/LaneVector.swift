/// What the kernels compute with: one trial (`Double`) or several trials side by side in SIMD
/// lanes (`SIMD2/4/8<Double>`).
///
/// Every operation is either one IEEE 754 operation per lane or a bit operation, so a lane's
/// value never depends on the width or on the instruction set the code was compiled for: that is
/// what makes a trial's result bit-identical in every code path.
public protocol LaneVector: Sendable {
    associatedtype Mask
    static var laneCount: Int { get }
    init(repeating value: Double)
    subscript(index: Int) -> Double { get set }
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// self + lhs · rhs, rounded once.
    func addingProduct(_ lhs: Self, _ rhs: Self) -> Self
    func isPositive() -> Mask
    func isLess(than other: Self) -> Mask
    func isGreater(than other: Self) -> Mask
    static func differ(_ lhs: Mask, _ rhs: Mask) -> Mask
    func replacing(with other: Self, where mask: Mask) -> Self
    /// The value with its sign bit cleared.
    func magnitudeBits() -> Self
    /// 2^(n-1) for `shifted` = n + 0x1.8p52 (n an integer, -1021 ≤ n ≤ 1024).
    static func halfPowerOfTwo(shifted: Self) -> Self
    /// The even lanes of `a` then of `b`, and the odd lanes of `a` then of `b` (a perfect
    /// unshuffle; log2(laneCount) rounds of it transpose a square block, see `transposed`).
    static func unzip(_ a: Self, _ b: Self) -> (evens: Self, odds: Self)
}

extension LaneVector {
    @inlinable @inline(__always)
    public static var zero: Self { Self(repeating: 0) }
    @inlinable @inline(__always)
    public static var one: Self { Self(repeating: 1) }
}

extension Double: LaneVector {
    public typealias Mask = Bool
    @inlinable public static var laneCount: Int { 1 }
    @inlinable @inline(__always)
    public init(repeating value: Double) { self = value }
    @inlinable
    public subscript(index: Int) -> Double {
        @inline(__always) get { self }
        @inline(__always) set { self = newValue }
    }
    @inlinable @inline(__always)
    public func isPositive() -> Bool { self > 0 }
    @inlinable @inline(__always)
    public func isLess(than other: Double) -> Bool { self < other }
    @inlinable @inline(__always)
    public func isGreater(than other: Double) -> Bool { self > other }
    @inlinable @inline(__always)
    public static func differ(_ lhs: Bool, _ rhs: Bool) -> Bool { lhs != rhs }
    @inlinable @inline(__always)
    public func replacing(with other: Double, where mask: Bool) -> Double { mask ? other : self }
    @inlinable @inline(__always)
    public func magnitudeBits() -> Double { Double(bitPattern: bitPattern & 0x7FFF_FFFF_FFFF_FFFF) }
    @inlinable @inline(__always)
    public static func halfPowerOfTwo(shifted: Double) -> Double {
        Double(bitPattern: (shifted.bitPattern &<< 52) &+ (1022 &<< 52))
    }
    @inlinable @inline(__always)
    public static func unzip(_ a: Double, _ b: Double) -> (evens: Double, odds: Double) { (a, b) }
}

// The SIMD conformances are spelled out per width: only in a concrete `SIMDn where Scalar ==
// Double` context does Swift pick the standard library's vector builtins for comparisons and
// bit operations (the generic `SIMD` versions loop over lanes). `replacing(with:where:)` is the
// standard library's.

extension SIMD2: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<SIMD2<Int64>>
    @inlinable public static var laneCount: Int { 2 }
    @inlinable @inline(__always)
    public func isPositive() -> Mask { self .> Self(repeating: 0) }
    @inlinable @inline(__always)
    public func isLess(than other: Self) -> Mask { self .< other }
    @inlinable @inline(__always)
    public func isGreater(than other: Self) -> Mask { self .> other }
    @inlinable @inline(__always)
    public static func differ(_ lhs: Mask, _ rhs: Mask) -> Mask { lhs .^ rhs }
    @inlinable @inline(__always)
    public func magnitudeBits() -> Self {
        (reinterpreted(as: SIMD2<Int64>.self) & SIMD2<Int64>(repeating: Int64.max)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func halfPowerOfTwo(shifted: Self) -> Self {
        let bits = shifted.reinterpreted(as: SIMD2<Int64>.self)
        return ((bits &<< 52) &+ SIMD2<Int64>(repeating: 1022 &<< 52)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func unzip(_ a: Self, _ b: Self) -> (evens: Self, odds: Self) { (Self(a[0], b[0]), Self(a[1], b[1])) }
}

extension SIMD4: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<SIMD4<Int64>>
    @inlinable public static var laneCount: Int { 4 }
    @inlinable @inline(__always)
    public func isPositive() -> Mask { self .> Self(repeating: 0) }
    @inlinable @inline(__always)
    public func isLess(than other: Self) -> Mask { self .< other }
    @inlinable @inline(__always)
    public func isGreater(than other: Self) -> Mask { self .> other }
    @inlinable @inline(__always)
    public static func differ(_ lhs: Mask, _ rhs: Mask) -> Mask { lhs .^ rhs }
    @inlinable @inline(__always)
    public func magnitudeBits() -> Self {
        (reinterpreted(as: SIMD4<Int64>.self) & SIMD4<Int64>(repeating: Int64.max)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func halfPowerOfTwo(shifted: Self) -> Self {
        let bits = shifted.reinterpreted(as: SIMD4<Int64>.self)
        return ((bits &<< 52) &+ SIMD4<Int64>(repeating: 1022 &<< 52)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func unzip(_ a: Self, _ b: Self) -> (evens: Self, odds: Self) {
        (Self(lowHalf: a.evenHalf, highHalf: b.evenHalf), Self(lowHalf: a.oddHalf, highHalf: b.oddHalf))
    }
}

extension SIMD8: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<SIMD8<Int64>>
    @inlinable public static var laneCount: Int { 8 }
    @inlinable @inline(__always)
    public func isPositive() -> Mask { self .> Self(repeating: 0) }
    @inlinable @inline(__always)
    public func isLess(than other: Self) -> Mask { self .< other }
    @inlinable @inline(__always)
    public func isGreater(than other: Self) -> Mask { self .> other }
    @inlinable @inline(__always)
    public static func differ(_ lhs: Mask, _ rhs: Mask) -> Mask { lhs .^ rhs }
    @inlinable @inline(__always)
    public func magnitudeBits() -> Self {
        (reinterpreted(as: SIMD8<Int64>.self) & SIMD8<Int64>(repeating: Int64.max)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func halfPowerOfTwo(shifted: Self) -> Self {
        let bits = shifted.reinterpreted(as: SIMD8<Int64>.self)
        return ((bits &<< 52) &+ SIMD8<Int64>(repeating: 1022 &<< 52)).reinterpreted(as: Self.self)
    }
    @inlinable @inline(__always)
    public static func unzip(_ a: Self, _ b: Self) -> (evens: Self, odds: Self) {
        (Self(lowHalf: a.evenHalf, highHalf: b.evenHalf), Self(lowHalf: a.oddHalf, highHalf: b.oddHalf))
    }
}

extension SIMD {
    /// The same bits as another SIMD type of the same size, through memory: a value-level
    /// `unsafeBitCast` makes Swift split 512-bit vectors into 128-bit pieces.
    @inlinable @inline(__always)
    public func reinterpreted<Other: SIMD>(as _: Other.Type) -> Other {
        var copy = self
        return withUnsafeBytes(of: &copy) { $0.load(as: Other.self) }
    }
}

extension LaneVector {
    /// Transposes the laneCount × laneCount block whose rows are `rows[0..<laneCount]` (at most
    /// 8): afterwards row i holds lane i of every former row. Only moves bits.
    @inlinable @inline(__always)
    public static func transpose(_ rows: inout InlineArray<8, Self>) {
        var width = laneCount
        while width > 1 {
            var next = rows
            for pair in 0..<(laneCount / 2) {
                let (evens, odds) = unzip(rows[2 &* pair], rows[2 &* pair &+ 1])
                next[pair] = evens
                next[laneCount / 2 &+ pair] = odds
            }
            rows = next
            width /= 2
        }
    }
}
