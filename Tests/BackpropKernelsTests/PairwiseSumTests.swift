import Testing

@testable import BackpropKernels

@Suite struct PairwiseSumTests {
    /// Values whose sum depends on the order of additions, so only numpy's order matches.
    private func values(_ count: Int) -> [Double] {
        (0..<count).map { index -> Double in
            let scale: Double = index % 3 == 0 ? 1e-9 : 1
            return Double((index * 7919) % 104_729) * scale + 0.1
        }
    }

    @Test func shortArraysAddLeftToRight() {
        let numbers = values(7)
        let sum = numbers.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: 7) }
        #expect(sum == numbers.dropFirst().reduce(numbers[0], +))
    }

    @Test func blocksOfEightBelow128() {
        let numbers = values(21)
        var partial = Array(numbers[0..<8])
        for index in stride(from: 8, to: 16, by: 8) { for lane in 0..<8 { partial[lane] += numbers[index + lane] } }
        var expected = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
        for index in 16..<21 { expected += numbers[index] }
        let sum = numbers.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: 21) }
        #expect(sum == expected)
    }

    @Test func longArraysSplitAtAMultipleOfEight() {
        let numbers = values(300)
        let sum = numbers.withUnsafeBufferPointer { buffer in numpyPairwiseSum(buffer.baseAddress!, count: 300) }
        let halves = numbers.withUnsafeBufferPointer { buffer in
            numpyPairwiseSum(buffer.baseAddress!, count: 144) + numpyPairwiseSum(buffer.baseAddress! + 144, count: 156)
        }
        #expect(sum == halves)
    }
}
