import Testing

@testable import BackpropKernels

/// The register blocks must round exactly like a plain left-to-right sum, in either rounding.
@Suite struct BlockSumsTests {
    private func check<V: LaneVector, R: Rounding>(_: V.Type, _ rounding: R.Type, widest: BlockSums.Rows) {
        var seed: UInt64 = 12345
        func next() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 997
        }
        for (rows, columns, count) in [(1, 1, 1), (4, 4, 3), (5, 9, 17), (9, 6, 1), (2, 3, 40), (8, 8, 5)] {
            let rowStride = count + 3, step = 1
            let a = (0..<(rows * rowStride)).map { _ in next() }
            let b = (0..<(count * columns)).map { _ in V(repeating: 0) }.enumerated().map { index, _ in
                var vector = V(repeating: 0)
                for lane in 0..<V.laneCount { vector[lane] = next() + Double(index) }
                return vector
            }
            var out = [V](repeating: V(repeating: .nan), count: rows * columns)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { out in
                        BlockSums.sums(
                            rounding, rows: rows, columns: columns, widest: widest, a.baseAddress!, rowStride: rowStride, step: step,
                            b.baseAddress!, vectorStep: columns, count: count, into: out.baseAddress!, outRowStride: columns)
                    }
                }
            }
            for row in 0..<rows {
                for column in 0..<columns {
                    var sum = V(repeating: a[row * rowStride]) * b[column]
                    for j in 1..<count { sum = R.multiplyAdd(V(repeating: a[row * rowStride + j * step]), b[j * columns + column], sum) }
                    for lane in 0..<V.laneCount {
                        #expect(
                            out[row * columns + column][lane].bitPattern == sum[lane].bitPattern,
                            "\(V.self) \(R.self) \(widest) \(rows)×\(columns)×\(count) at \(row), \(column)")
                    }
                }
            }
        }
    }

    @Test func everyBlockShapeMatchesThePlainSum() {
        for widest in [BlockSums.Rows.one, .two, .four] {
            check(SIMD8<Double>.self, SeparateRounding.self, widest: widest)
            check(SIMD4<Double>.self, FusedRounding.self, widest: widest)
            check(SIMD2<Double>.self, SeparateRounding.self, widest: widest)
            check(Double.self, FusedRounding.self, widest: widest)
        }
    }

    @Test func fusedRoundingRoundsOnce() {
        let a = 1 + 0x1p-30, b = 1 - 0x1p-30
        #expect(FusedRounding.multiplyAdd(a, b, -1.0) == -0x1p-60)
        #expect(SeparateRounding.multiplyAdd(a, b, -1.0) == 0)
    }

    @Test func blocksTransposeEveryWidth() {
        func check<V: LaneVector>(_: V.Type) {
            var block = InlineArray<8, V>(repeating: V(repeating: 0))
            for row in 0..<V.laneCount { for lane in 0..<V.laneCount { block[row][lane] = Double(row * 10 + lane) } }
            V.transpose(&block)
            for row in 0..<V.laneCount {
                for lane in 0..<V.laneCount { #expect(block[row][lane] == Double(lane * 10 + row), "\(V.self)") }
            }
        }
        check(Double.self)
        check(SIMD2<Double>.self)
        check(SIMD4<Double>.self)
        check(SIMD8<Double>.self)
    }
}
