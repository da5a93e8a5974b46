import Backprop

/// What determines a run's results, hashed: two runs with the same fingerprint train to
/// bit-identical curves, weights, direction counts and outputs. Name and labels are left out
/// (they change nothing), and so is the code path (every path gives the same bits).
///
/// The hashed bytes, all integers as unsigned 64-bit big-endian and all numbers as IEEE-754
/// doubles big-endian (api.md shows how to recompute it): `backpropd-fingerprint-1`, a zero byte,
/// the engine version in UTF-8, a zero byte; samples, inputs, outputs, then the inputs and the
/// targets row by row; the number of alphas and each alpha; the number of hidden sizes and each;
/// iterations, error_every, seed.
enum RunFingerprint {
    static func of(_ sweep: Sweep, engineVersion: String) -> String {
        var hash = SHA256()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        func flush() {
            hash.update(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
        func integer(_ value: Int) {
            let value = UInt64(bitPattern: Int64(value))
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        func number(_ value: Double) {
            let bits = value.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            if bytes.count >= 4096 { flush() }
        }
        bytes += Array("backpropd-fingerprint-1".utf8) + [0] + Array(engineVersion.utf8) + [0]
        let dataset = sweep.dataset
        integer(dataset.inputs.rows)
        integer(dataset.inputs.columns)
        integer(dataset.targets.columns)
        for value in dataset.inputs.values { number(value) }
        for value in dataset.targets.values { number(value) }
        integer(sweep.alphas.count)
        for alpha in sweep.alphas { number(alpha) }
        integer(sweep.hiddenSizes.count)
        for hidden in sweep.hiddenSizes { integer(hidden) }
        integer(sweep.iterations)
        integer(sweep.errorEvery)
        integer(Int(sweep.seed))
        flush()
        return hash.hexDigest()
    }
}
