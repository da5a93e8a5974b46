import BackpropKernels

/// Network shapes that train alike: each dimension rounded up to a power of two. The engine
/// calibrates once per class (see `EngineCalibration`).
public struct ShapeClass: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let samples: Int
    public let inputs: Int
    /// 0 for the 2-layer net.
    public let hidden: Int
    public let outputs: Int

    init(_ shape: NetworkShape) {
        func bucket(_ value: Int) -> Int {
            value <= 1 ? max(value, 0) : 1 << (Int.bitWidth - (value - 1).leadingZeroBitCount)
        }
        samples = bucket(shape.samples)
        inputs = bucket(shape.inputs)
        hidden = bucket(shape.hidden)
        outputs = bucket(shape.outputs)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.hidden, lhs.samples, lhs.inputs, lhs.outputs) < (rhs.hidden, rhs.samples, rhs.inputs, rhs.outputs)
    }

    /// "samples≤256 inputs≤16 hidden≤64 outputs≤1".
    public var description: String {
        "samples≤\(samples) inputs≤\(inputs) hidden≤\(hidden) outputs≤\(outputs)"
    }
}
