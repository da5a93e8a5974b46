/// The left operand of a layer's matrix products, read as lane vectors: the dataset's scalars
/// broadcast to every lane, or activations that already differ per lane.
public protocol LayerInput<Vector> {
    associatedtype Vector: LaneVector
    subscript(index: Int) -> Vector { get }
}

public struct BroadcastRows<Vector: LaneVector>: LayerInput {
    @usableFromInline let base: UnsafePointer<Double>
    @inlinable public init(_ base: UnsafePointer<Double>) { self.base = base }
    @inlinable public subscript(index: Int) -> Vector {
        @inline(__always) get { Vector(repeating: base[index]) }
    }
}

public struct LaneRows<Vector: LaneVector>: LayerInput {
    @usableFromInline let base: UnsafePointer<Vector>
    @inlinable public init(_ base: UnsafePointer<Vector>) { self.base = base }
    @inlinable public subscript(index: Int) -> Vector {
        @inline(__always) get { base[index] }
    }
}
