/// numpy's legacy generator (`np.random.seed(s)` then `np.random.random(shape)`): MT19937 seeded
/// by `init_genrand(s)`, each double built from two 32-bit draws with 53 random bits.
public struct NumpyRandom: Sendable {
    private var state: [UInt32]
    private var index: Int

    public init(seed: UInt32) {
        state = [UInt32](repeating: 0, count: 624)
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    /// The next 32-bit output (`genrand_int32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A double in [0, 1), as `np.random.random()`.
    public mutating func nextDouble() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }
}

extension NumpyRandom {
    /// The notebook's initial weights: `2 * np.random.random((rows, columns)) - 1` for each
    /// shape in order (synapse_0 first), row-major.
    static func initialSynapses(seed: UInt32, shapes: [(rows: Int, columns: Int)]) -> [[Double]] {
        var random = NumpyRandom(seed: seed)
        return shapes.map { shape in
            (0..<(shape.rows * shape.columns)).map { _ in 2 * random.nextDouble() - 1 }
        }
    }
}
