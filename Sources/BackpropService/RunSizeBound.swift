import Backprop

/// Upper bounds of a run's bytes, known from its request alone, before it is accepted: its file
/// (`stored`) and the body of `GET /runs/{id}` once it is finished (`served`, the larger). Every
/// number is counted at its longest JSON form (a double 24 characters, an integer as many digits
/// as the iterations), so a run never grows past its bounds. `--max-run-bytes` caps `served`;
/// `--max-data-bytes` caps the sum of the kept runs' `stored`.
public struct RunSizeBound: Sendable, Equatable {
    public var stored: Int
    public var served: Int
    /// Curve points per trial (points at 0, every `error_every` and the last iteration).
    public var curvePoints: Int
    public var trials: Int
    /// `served` without the curves: what fewer curve points cannot shrink.
    var servedWithoutCurves: Int
    /// Bytes of one curve point in `GET /runs/{id}` (`{"iteration":…,"error":…},`).
    var servedPerPoint: Int

    /// `,` or `]` after each number.
    static let doubleBytes = 25
    /// Per run: the header, progress, summary, links (a few hundred bytes) with room to spare.
    static let runOverhead = 2048
    /// Per trial: its fixed members, brackets and the event log's entries for it.
    static let trialOverhead = 512

    public init(_ request: RunRequest) {
        let sweep = request.sweep
        let samples = sweep.dataset.inputs.rows
        let inputs = sweep.dataset.inputs.columns
        let outputs = sweep.dataset.targets.columns
        let integerBytes = String(sweep.iterations).count + 1
        let double = Self.doubleBytes
        curvePoints = sweep.iterations / sweep.errorEvery + 2
        trials = sweep.alphas.count * sweep.hiddenSizes.count
        var writer = JSONWriter(reservingCapacity: 256)
        writer.value(request.json)
        let requestBytes = writer.bytes.count
        // `{"iteration":` 13, the iteration, `,"error":` 9, the error, `},` 2.
        servedPerPoint = 24 + integerBytes + double
        let storedPerPoint = integerBytes + double
        // The run's own name and labels (PATCH changes them: `metadataBytes`) beside the request's.
        let metadata = Self.metadataBytes(name: request.name, labels: request.labels)
        var served = Self.runOverhead + requestBytes + metadata
        var stored = Self.runOverhead + requestBytes + metadata
        for hidden in sweep.hiddenSizes {
            let weights = hidden == 0 ? inputs * outputs : inputs * hidden + hidden * outputs
            // Synapses (doubles), direction counts (integers), outputs (doubles), and a pair of
            // brackets per matrix row.
            let rows = 2 * (hidden == 0 ? inputs : inputs + hidden) + samples
            let results = weights * (double + integerBytes) + samples * outputs * double + 2 * rows
            served += sweep.alphas.count * (Self.trialOverhead + results)
            stored += sweep.alphas.count * (Self.trialOverhead + results)
        }
        servedWithoutCurves = served
        served += trials * curvePoints * servedPerPoint
        stored += trials * curvePoints * storedPerPoint
        self.served = served
        self.stored = stored
    }

    /// The bytes a run's name and labels take in its file and its GET (beside the request's copy).
    static func metadataBytes(name: String?, labels: [String: String]) -> Int {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.value(.object(["name": name.map(JSONValue.string) ?? .null, "labels": .object(labels.mapValues(JSONValue.string))]))
        return writer.bytes.count
    }

    /// The most curve points per trial that keep `served` within `limit` (0 when none do).
    func curvePointsFitting(_ limit: Int) -> Int {
        guard trials > 0, limit > servedWithoutCurves else { return 0 }
        return (limit - servedWithoutCurves) / (trials * servedPerPoint)
    }
}

extension Int {
    /// 16 MiB, 1.5 GB, 812 KiB: how a byte count reads in a message.
    var byteDescription: String {
        let value = Double(self)
        if self >= 1 << 30 { return Self.oneDecimal(value / Double(1 << 30)) + " GiB" }
        if self >= 1 << 20 { return Self.oneDecimal(value / Double(1 << 20)) + " MiB" }
        if self >= 1 << 10 { return Self.oneDecimal(value / Double(1 << 10)) + " KiB" }
        return "\(self) bytes"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}
