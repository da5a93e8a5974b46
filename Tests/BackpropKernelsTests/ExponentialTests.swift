import Foundation
import Testing

@testable import BackpropKernels

@Suite struct ExponentialTests {
    /// Distance in units in the last place between two finite doubles of the same sign.
    private func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    @Test func withinOneUlpOfLibmAcrossTheRange() {
        var worst: UInt64 = 0
        var x = -707.5
        while x < 709.7 {
            worst = max(worst, ulps(exponential(x), Foundation.exp(x)))
            x += 0.0137
        }
        for x in stride(from: -1.0, through: 1.0, by: 1.0 / 4096) {
            worst = max(worst, ulps(exponential(x), Foundation.exp(x)))
        }
        #expect(worst <= 1)
    }

    @Test func edgeCases() {
        #expect(exponential(0.0) == 1)
        #expect(exponential(710.0) == .infinity)
        #expect(exponential(Double.infinity) == .infinity)
        #expect(exponential(-Double.infinity) == 0)
        #expect(exponential(-800.0) == 0)
        #expect(exponential(Double.nan).isNaN)
        #expect(exponential(709.78).isFinite)
    }

    @Test func everyLaneRoundsLikeTheScalar() {
        let values: [Double] = [-700.25, -3.5, -0.125, 0, 1e-300, 0.3466, 2.75, 88.5]
        let vector = exponential(SIMD8<Double>(values))
        let pairs = exponential(SIMD2<Double>(values[2], values[6]))
        for (lane, value) in values.enumerated() {
            #expect(vector[lane].bitPattern == exponential(value).bitPattern)
        }
        #expect(pairs[0].bitPattern == exponential(values[2]).bitPattern)
        #expect(pairs[1].bitPattern == exponential(values[6]).bitPattern)
    }

    @Test func sigmoidOfExtremes() {
        #expect(sigmoid(0.0) == 0.5)
        #expect(sigmoid(800.0) == 1)
        #expect(sigmoid(-800.0) == 0)
    }
}
