import Backprop

/// The readable form of a sweep's results: per trial its curve, synapses, direction changes and
/// outputs, matrices with 8 decimals as numpy prints them.
struct TrainReport {
    let sweep: Sweep
    let results: [TrialResult]

    var text: String {
        let data = sweep.dataset
        var lines = [
            "backpropd train: \(data.samples) samples × \(data.inputs.columns) inputs → \(data.targets.columns) output\(data.targets.columns == 1 ? "" : "s"), "
                + "\(sweep.iterations) iterations, seed \(sweep.seed), \(results.count) trials"
        ]
        for result in results {
            lines.append("")
            var heading =
                "alpha \(result.alpha), hidden \(result.hiddenSize): \(result.status.rawValue) after \(result.iterationsDone) iterations, "
                + (result.learned ? "learned" : "did not learn")
            if let diverged = result.divergedAtIteration { heading += " (weights or outputs not finite at iteration \(diverged))" }
            lines.append(heading + " in \(Self.fixed(result.durationMs, decimals: 1)) ms")
            let shown = Self.displayedPoints(of: result.errorCurve, errorEvery: sweep.errorEvery, iterations: sweep.iterations)
            if shown.count < result.errorCurve.count {
                lines.append(
                    "  error curve: \(result.errorCurve.count) points, one every \(sweep.errorEvery) iterations (--json prints them all); some of them:"
                )
            }
            let width = shown.map { String($0.iteration).count }.max() ?? 1
            for point in shown {
                lines.append("  error after \(String(point.iteration).leftPadding(to: width)) iterations: \(point.error)")
            }
            for (layer, synapse) in result.synapses.enumerated() {
                lines.append("  synapse_\(layer) (\(synapse.rows)×\(synapse.columns)):")
                lines += Self.rows(synapse.rowArrays.map { $0.map { Self.fixed($0, decimals: 8) } })
                lines.append("  direction changes of synapse_\(layer):")
                lines += Self.rows(result.directionChanges[layer].map { $0.map(String.init) })
            }
            lines.append("  outputs:")
            lines += Self.rows(result.outputs.rowArrays.map { $0.map { Self.fixed($0, decimals: 8) } })
        }
        lines.append("")
        if let best = TrialResult.bestIndex(among: results) {
            let result = results[best]
            lines.append("best: alpha \(result.alpha), hidden \(result.hiddenSize), final error \(result.finalError ?? .nan)")
        } else {
            lines.append("best: none (no trial learned: a final error at most half the starting error)")
        }
        return lines.joined(separator: "\n")
    }

    /// At most about ten points of a curve, for reading: those at multiples of the smallest
    /// 1-2-5 multiple of `errorEvery` that divides the run into ≤ 10 steps (60000 iterations
    /// every 50 → every 10000, the notebook's printout), and the last.
    static func displayedPoints(of curve: [CurvePoint], errorEvery: Int, iterations: Int) -> [CurvePoint] {
        var decade = max(1, errorEvery)
        var step = decade
        search: while true {
            for factor in [1, 2, 5] where iterations / (decade * factor) <= 10 {
                step = decade * factor
                break search
            }
            decade *= 10
        }
        return curve.enumerated().filter { index, point in point.iteration % step == 0 || index == curve.count - 1 }.map(\.element)
    }

    private static func rows(_ cells: [[String]]) -> [String] {
        let width = cells.flatMap { $0 }.map(\.count).max() ?? 0
        return cells.map { "    " + $0.map { $0.leftPadding(to: width) }.joined(separator: " ") }
    }

    /// `value` rounded to `decimals` places, without Foundation's formatter.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard value.isFinite, scaled < 9e15 else { return String(value) }
        let digits = String(Int64(scaled))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals), fraction = padded.suffix(decimals)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return decimals == 0 ? sign + whole : sign + whole + "." + fraction
    }
}
