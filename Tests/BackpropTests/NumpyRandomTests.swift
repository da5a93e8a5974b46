import Testing

@testable import Backprop

@Suite struct NumpyRandomTests {
    /// np.random.seed(s); np.random.random(3)
    @Test(
        arguments: [
            (0, [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]),
            (1, [0.417022004702574, 0.7203244934421581, 0.00011437481734488664]),
            (42, [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]),
            (4_294_967_295, [0.0976320289940138, 0.9123828453026218, 0.78903530185164]),
        ] as [(UInt32, [Double])])
    func firstDoublesMatchNumpy(seed: UInt32, expected: [Double]) {
        var random = NumpyRandom(seed: seed)
        #expect((0..<3).map { _ in random.nextDouble() } == expected)
    }

    @Test func rawOutputsMatchReferenceMT19937() {
        var random = NumpyRandom(seed: 1)
        #expect((0..<3).map { _ in random.nextUInt32() } == [1_791_095_845, 4_282_876_139, 3_093_770_124])
    }

    @Test func initialWeightsAreTwoRMinusOneSynapseZeroFirst() {
        var random = NumpyRandom(seed: 1)
        let draws = (0..<16).map { _ in 2 * random.nextDouble() - 1 }
        let synapses = NumpyRandom.initialSynapses(seed: 1, shapes: [(3, 4), (4, 1)])
        #expect(synapses[0] == Array(draws[0..<12]))
        #expect(synapses[1] == Array(draws[12..<16]))
    }
}
