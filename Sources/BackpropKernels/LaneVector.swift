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
    func isPositive() -> Mask
    func isLess(than other: Self) -> Mask
    func isGreater(than other: Self) -> Mask
    static func differ(_ lhs: Mask, _ rhs: Mask) -> Mask
    func replacing(with other: Self, where mask: Mask) -> Self
    /// The value with its sign bit cleared.
    func magnitudeBits() -> Self
    /// 2^(n-1) for `shifted` = n + 0x1.8p52 (n an integer, -1021 ≤ n ≤ 1024).
    static func halfPowerOfTwo(shifted: Self) -> Self
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
}

/// The SIMD conformances share one implementation through `MaskStorage`, the same-width vector
/// of 64-bit integers that also carries the bit patterns.
extension LaneVector where Self: SIMD, Scalar == Double, Mask == SIMDMask<MaskStorage> {
    @inlinable public static var laneCount: Int { Self().scalarCount }
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
        let bits = unsafeBitCast(self, to: MaskStorage.self) & MaskStorage(repeating: 0x7FFF_FFFF_FFFF_FFFF)
        return unsafeBitCast(bits, to: Self.self)
    }
    @inlinable @inline(__always)
    public static func halfPowerOfTwo(shifted: Self) -> Self {
        let bits = unsafeBitCast(shifted, to: MaskStorage.self)
        return unsafeBitCast((bits &<< 52) &+ MaskStorage(repeating: 1022 &<< 52), to: Self.self)
    }
}

extension SIMD2: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<MaskStorage>
}
extension SIMD4: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<MaskStorage>
}
extension SIMD8: LaneVector where Scalar == Double {
    public typealias Mask = SIMDMask<MaskStorage>
}
