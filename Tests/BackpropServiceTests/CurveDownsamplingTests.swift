import Backprop
import Testing

@testable import BackpropService

/// `points`, `from`, `to` (issue 14): at most N points per curve, every spike kept, the first and
/// last point kept, and the whole window when it fits.
@Suite struct CurveDownsamplingTests {
    /// A smooth decaying curve of `count` points every `step` iterations.
    static func curve(count: Int, step: Int = 1) -> [CurvePoint] {
        (0..<count).map { index in
            let progress = Double(index) / Double(count)
            return CurvePoint(iteration: index * step, error: 0.5 / (1 + 4 * progress) + 0.01)
        }
    }

    @Test func aSingleIterationSpikeSurvivesEveryPointCount() {
        var base = Self.curve(count: 10_001)
        for spikeAt in [1, 2, 777, 5_000, 9_998, 9_999] {
            let original = base[spikeAt]
            base[spikeAt] = CurvePoint(iteration: original.iteration, error: 7.5)
            for points in [4, 5, 6, 7, 10, 64, 100, 333, 640, 1000, 4096, 9_999] {
                let kept = CurveWindow(points: points).keptPoints(of: base)
                #expect(kept.count <= points)
                #expect(kept.contains { $0.iteration == spikeAt && $0.error == 7.5 }, "spike at \(spikeAt), points=\(points)")
            }
            base[spikeAt] = CurvePoint(iteration: original.iteration, error: -3)
            for points in [4, 9, 250, 10_000] {
                #expect(
                    CurveWindow(points: points).keptPoints(of: base).contains { $0.iteration == spikeAt && $0.error == -3 },
                    "dip at \(spikeAt), points=\(points)")
            }
            base[spikeAt] = original
        }
    }

    @Test func keepsTheFirstAndLastPointInIterationOrderAndNeverMoreThanAsked() {
        let curve = Self.curve(count: 10_001, step: 5)
        for points in [4, 5, 17, 100, 1_001] {
            let kept = Array(CurveWindow(points: points).keptPoints(of: curve))
            #expect(kept.first == curve.first)
            #expect(kept.last == curve.last)
            #expect(kept.count <= points && kept.count >= points - 1, "points=\(points): \(kept.count)")
            #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.iteration < $1.iteration })
            #expect(kept.allSatisfy { curve.contains($0) }, "only points of the curve, never made up")
        }
    }

    /// Every kept point is its bucket's minimum or maximum: the envelope of the full curve.
    @Test func eachBucketKeepsItsLowestAndHighest() {
        var generator = SplitMix64(seed: 14)
        let curve = (0..<3_000).map { CurvePoint(iteration: $0, error: Double.random(in: 0...1, using: &generator)) }
        let points = 102
        let kept = CurveWindow(points: points).keptPoints(of: curve)
        let inner = 1..<(curve.count - 1)
        let buckets = (points - 2) / 2
        for bucket in 0..<buckets {
            let range = (inner.lowerBound + bucket * inner.count / buckets)..<(inner.lowerBound + (bucket + 1) * inner.count / buckets)
            let slice = curve[range]
            let inBucket = kept.filter { range.contains($0.iteration) }
            #expect(inBucket.contains { $0.error == slice.map(\.error).min() })
            #expect(inBucket.contains { $0.error == slice.map(\.error).max() })
            #expect(inBucket.count <= 2)
        }
    }

    @Test func withoutPointsNothingChangesAndASmallWindowComesBackWhole() {
        let curve = Self.curve(count: 2_001, step: 10)
        #expect(Array(CurveWindow().keptPoints(of: curve)) == curve)
        #expect(Array(CurveWindow(points: 2_001).keptPoints(of: curve)) == curve)
        let window = CurveWindow(from: 1_000, to: 1_990, points: 100)
        #expect(Array(window.keptPoints(of: curve)) == curve.filter { (1_000...1_990).contains($0.iteration) })
    }

    @Test func windowsCutByIterationInclusiveAndEmptyWhenReversed() {
        let curve = Self.curve(count: 101, step: 10)
        #expect(CurveWindow(from: 15, to: 40).keptPoints(of: curve).map(\.iteration) == [20, 30, 40])
        #expect(CurveWindow(from: 1_000).keptPoints(of: curve).map(\.iteration) == [1_000])
        #expect(CurveWindow(to: 0).keptPoints(of: curve).map(\.iteration) == [0])
        #expect(CurveWindow(from: 50, to: 20).keptPoints(of: curve).isEmpty)
        #expect(CurveWindow(from: 5_000).keptPoints(of: curve).isEmpty)
        // After `since`'s cut: never before it.
        #expect(CurveWindow(from: 0, to: 50).keptPoints(of: curve, notBefore: 3).map(\.iteration) == [30, 40, 50])
        // A zoomed window of a downsampled curve: min/max of its own points, first and last its own.
        let zoomed = CurveWindow(from: 100, to: 900, points: 10).keptPoints(of: curve)
        #expect(zoomed.first?.iteration == 100 && zoomed.last?.iteration == 900 && zoomed.count <= 10)
    }

    @Test func theETagVariantTellsWindowsApart() {
        let variants = [CurveWindow(), CurveWindow(points: 4), CurveWindow(from: 4), CurveWindow(to: 4), CurveWindow(from: 1, to: 4, points: 10)].map(
            \.variant)
        #expect(Set(variants).count == variants.count)
        #expect(CurveWindow().variant.isEmpty)
    }
}
