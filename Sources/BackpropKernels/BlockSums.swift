/// Register blocks of a layer product: Rows × Columns sums Σ_j a[r][j] · b[j][c], each summed
/// left to right over j from its first product — the order of `LaneOperations` — so a block
/// rounds exactly like the element-at-a-time loops while its sums stay in registers and each
/// loaded value feeds several of them.
///
/// `a`: scalars broadcast to every lane, row r's j-th at `a + r·rowStride + j·step`;
/// `b`: vectors, column c's j-th at `b + j·vectorStep + c`. `count` ≥ 1. The sums go to
/// `out + r·outRowStride + c`; `R` rounds each multiply-add after the first product. The
/// accumulators are named struct fields (`RowSums`): the compiler keeps those in registers,
/// which it does not reliably do for an array of them.
public enum BlockSums {
    /// Rows of the widest block the vector registers hold with room to spare: 4 with AVX-512's
    /// 32 registers, 2 with 16, 1 when a vector spans several registers.
    public enum Rows: Int, Sendable { case one = 1, two = 2, four = 4 }

    /// `rows` × `columns` sums (any sizes), in the widest blocks `widest` allows. Each sum goes
    /// out as `finish(sum, its address)` (a sigmoid, say), applied while the block is still in
    /// registers, so that one block's epilogue (a division, long chains) overlaps the next
    /// block's products.
    @inlinable @inline(__always)
    public static func sums<V, R: Rounding, Finish: BlockFinish<V>>(
        _ rounding: R.Type, rows: Int, columns: Int, widest: Rows,
        _ a: UnsafePointer<Double>, rowStride: Int, step: Int,
        _ b: UnsafePointer<V>, vectorStep: Int, count: Int,
        into out: UnsafeMutablePointer<V>, outRowStride: Int, finish: Finish
    ) {
        var column = 0
        while column &+ 4 <= columns {
            var row = 0
            if widest == .four {
                while row &+ 4 <= rows {
                    block(
                        rounding, rows: .four, a + row &* rowStride, rowStride: rowStride, step: step, b + column, vectorStep: vectorStep,
                        count: count, into: out + (row &* outRowStride &+ column), outRowStride: outRowStride, finish: finish)
                    row &+= 4
                }
            }
            if widest != .one {
                while row &+ 2 <= rows {
                    block(
                        rounding, rows: .two, a + row &* rowStride, rowStride: rowStride, step: step, b + column, vectorStep: vectorStep,
                        count: count, into: out + (row &* outRowStride &+ column), outRowStride: outRowStride, finish: finish)
                    row &+= 2
                }
            }
            while row < rows {
                block(
                    rounding, rows: .one, a + row &* rowStride, rowStride: rowStride, step: step, b + column, vectorStep: vectorStep,
                    count: count, into: out + (row &* outRowStride &+ column), outRowStride: outRowStride, finish: finish)
                row &+= 1
            }
            column &+= 4
        }
        while column < columns {
            for row in 0..<rows {
                let address = out + (row &* outRowStride &+ column)
                address[0] = finish(single(rounding, a + row &* rowStride, step: step, b + column, vectorStep: vectorStep, count: count), at: address)
            }
            column &+= 1
        }
    }

    /// `sums` stored as they are.
    @inlinable @inline(__always)
    public static func sums<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, rows: Int, columns: Int, widest: Rows,
        _ a: UnsafePointer<Double>, rowStride: Int, step: Int,
        _ b: UnsafePointer<V>, vectorStep: Int, count: Int,
        into out: UnsafeMutablePointer<V>, outRowStride: Int
    ) {
        sums(
            rounding, rows: rows, columns: columns, widest: widest, a, rowStride: rowStride, step: step, b, vectorStep: vectorStep,
            count: count, into: out, outRowStride: outRowStride, finish: KeepSums<V, R>())
    }

    /// One block of `rows` rows × 4 columns (`rows` a constant at every call, so the unused
    /// rows compile away).
    @inlinable @inline(__always)
    static func block<V, R: Rounding, Finish: BlockFinish<V>>(
        _ rounding: R.Type, rows: Rows, _ a: UnsafePointer<Double>, rowStride: Int, step: Int,
        _ b: UnsafePointer<V>, vectorStep: Int, count: Int,
        into out: UnsafeMutablePointer<V>, outRowStride: Int, finish: Finish
    ) {
        let first = FourVectors(b)
        var s0 = RowSums<V, R>(a, first), s1 = s0, s2 = s0, s3 = s0
        if rows != .one { s1 = RowSums(a + rowStride, first) }
        if rows == .four {
            s2 = RowSums(a + 2 &* rowStride, first)
            s3 = RowSums(a + 3 &* rowStride, first)
        }
        var scalars = a, vectors = b
        for _ in 1..<max(count, 1) {
            scalars += step
            vectors += vectorStep
            let w = FourVectors(vectors)
            s0.add(scalars, w)
            if rows != .one { s1.add(scalars + rowStride, w) }
            if rows == .four {
                s2.add(scalars + 2 &* rowStride, w)
                s3.add(scalars + 3 &* rowStride, w)
            }
        }
        s0.store(out, finish)
        if rows != .one { s1.store(out + outRowStride, finish) }
        if rows == .four {
            s2.store(out + 2 &* outRowStride, finish)
            s3.store(out + 3 &* outRowStride, finish)
        }
    }

    /// One sum (the leftover columns of the blocks above).
    @inlinable @inline(__always)
    static func single<V: LaneVector, R: Rounding>(
        _ rounding: R.Type, _ a: UnsafePointer<Double>, step: Int, _ b: UnsafePointer<V>, vectorStep: Int, count: Int
    ) -> V {
        var sum = V(repeating: a[0]) * b[0]
        var scalars = a, vectors = b
        for _ in 1..<max(count, 1) {
            scalars += step
            vectors += vectorStep
            sum = R.multiplyAdd(V(repeating: scalars[0]), vectors[0], sum)
        }
        return sum
    }
}

/// What a block does with each sum as it leaves the registers (a struct, so that it inlines).
public protocol BlockFinish<Vector> {
    associatedtype Vector: LaneVector
    func callAsFunction(_ sum: Vector, at address: UnsafeMutablePointer<Vector>) -> Vector
}

/// The sum itself. (`R` only keeps each kernel module's compiled copy apart; see `Rounding`.)
public struct KeepSums<Vector: LaneVector, R: Rounding>: BlockFinish {
    @inlinable public init() {}
    @inlinable @inline(__always)
    public func callAsFunction(_ sum: Vector, at address: UnsafeMutablePointer<Vector>) -> Vector { sum }
}

/// sigmoid(sum): a layer's activations.
public struct SigmoidOfSums<Vector: LaneVector, R: Rounding>: BlockFinish {
    @inlinable public init() {}
    @inlinable @inline(__always)
    public func callAsFunction(_ sum: Vector, at address: UnsafeMutablePointer<Vector>) -> Vector { sigmoid(sum, R.self) }
}

/// Four consecutive vectors: one step of a block's columns.
@usableFromInline
struct FourVectors<V: LaneVector> {
    @usableFromInline let v0, v1, v2, v3: V

    @inlinable @inline(__always)
    init(_ vectors: UnsafePointer<V>) {
        v0 = vectors[0]; v1 = vectors[1]; v2 = vectors[2]; v3 = vectors[3]
    }
}

/// One row of a block: four running sums (named, so they stay in registers).
@usableFromInline
struct RowSums<V: LaneVector, R: Rounding> {
    @usableFromInline var s0, s1, s2, s3: V

    /// The first products: scalar[0] · w.
    @inlinable @inline(__always)
    init(_ scalar: UnsafePointer<Double>, _ w: FourVectors<V>) {
        let x = V(repeating: scalar[0])
        s0 = x * w.v0; s1 = x * w.v1; s2 = x * w.v2; s3 = x * w.v3
    }

    @inlinable @inline(__always)
    mutating func add(_ scalar: UnsafePointer<Double>, _ w: FourVectors<V>) {
        let x = V(repeating: scalar[0])
        s0 = R.multiplyAdd(x, w.v0, s0); s1 = R.multiplyAdd(x, w.v1, s1); s2 = R.multiplyAdd(x, w.v2, s2); s3 = R.multiplyAdd(x, w.v3, s3)
    }

    @inlinable @inline(__always)
    func store<Finish: BlockFinish<V>>(_ out: UnsafeMutablePointer<V>, _ finish: Finish) {
        out[0] = finish(s0, at: out); out[1] = finish(s1, at: out + 1); out[2] = finish(s2, at: out + 2); out[3] = finish(s3, at: out + 3)
    }
}
