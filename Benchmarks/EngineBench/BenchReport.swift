import Backprop
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Seconds recorded per case and column, one per round.
struct BenchSamples {
    private(set) var values: [String: [String: [Double]]] = [:]

    mutating func record(_ workload: String, _ column: String, _ seconds: Double?) {
        if let seconds { values[workload, default: [:]][column, default: []].append(seconds) }
    }

    func median(_ workload: String, _ column: String) -> Double? {
        guard let sorted = values[workload]?[column]?.sorted(), !sorted.isEmpty else { return nil }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func columns(_ workload: String) -> [String] { values[workload].map { Array($0.keys) } ?? [] }
}

/// The bench's tables: medians and ratios, the plans and what the calibration measured.
struct BenchReport {
    let samples: BenchSamples
    let cases: [EngineWorkload]
    let threads: Int
    let variantLabels: [(EngineWorkload, [String])]

    var text: String {
        var lines = [
            "| case | engine, 1 thread | engine, \(threads) threads | plain C -O3 | C reordered | JAX jit | numpy "
                + "| 1 thread / JAX | \(threads) threads / JAX | 1 thread / C | 1 thread / numpy |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for workload in cases {
            let name = workload.name
            let engine = samples.median(name, "engine"), all = samples.median(name, "engine threads")
            let jax = bestJAX(name)
            lines.append(
                "| \(workload.label) | \(seconds(engine)) | \(seconds(all)) | \(seconds(samples.median(name, "C"))) "
                    + "| \(seconds(samples.median(name, "C reordered"))) | \(seconds(jax?.seconds))\(jax.map { " (\($0.variant))" } ?? "") "
                    + "| \(seconds(samples.median(name, "numpy"))) | \(ratio(engine, jax?.seconds)) | \(ratio(all, jax?.seconds)) "
                    + "| \(ratio(engine, samples.median(name, "C"))) | \(ratio(engine, samples.median(name, "numpy"))) |")
        }
        lines += ["", "Plans the engine chose (the service and `backpropd train` use the same):", ""]
        for workload in cases {
            lines.append("- \(workload.label): 1 thread: \(workload.plan(threads: 1)); \(threads) threads: \(workload.plan(threads: threads))")
        }
        let jaxRows = cases.flatMap { workload in
            samples.columns(workload.name).filter { $0.hasPrefix("JAX ") }.sorted().map { (workload, $0) }
        }
        if !jaxRows.isEmpty {
            lines += ["", "| JAX variant | time |", "|---|---|"]
            for (workload, column) in jaxRows {
                lines.append("| \(workload.name) \(column.dropFirst(4)) | \(seconds(samples.median(workload.name, column))) |")
            }
        }
        if !variantLabels.isEmpty {
            lines += ["", "| engine variant (fixed path and layout) | time | vs default, 1 thread |", "|---|---|---|"]
            for (workload, labels) in variantLabels {
                for label in labels {
                    let time = samples.median(workload.name, "variant " + label)
                    lines.append("| \(workload.name) \(label) | \(seconds(time)) | \(ratio(time, samples.median(workload.name, "engine"))) |")
                }
            }
        }
        lines += ["", "Calibration (µs per iteration of one batch; side by side: slowdown of \(threads) batches at once):", ""]
        for calibration in EngineCalibration.shared.calibrations {
            let timings = calibration.seconds.sorted { $0.value < $1.value }
                .map { "\($0.key) \(fixed($0.value * 1e6, 2))" }.joined(separator: ", ")
            lines.append(
                "- \(calibration.shapeClass) (measured on \(calibration.measuredSamples) samples, "
                    + "\(fixed(calibration.milliseconds, 1)) ms): \(timings); side by side "
                    + "\(fixed(calibration.concurrentSlowdown, 2))×")
        }
        return lines.joined(separator: "\n")
    }

    /// The fastest JAX variant's median.
    private func bestJAX(_ name: String) -> (variant: String, seconds: Double)? {
        samples.columns(name).filter { $0.hasPrefix("JAX ") }
            .compactMap { column in samples.median(name, column).map { (String(column.dropFirst(4)), $0) } }
            .min { $0.1 < $1.1 }
    }

    /// `value` with `decimals` digits after the point.
    private func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    private func seconds(_ value: Double?) -> String { value.map { fixed($0, 4) + " s" } ?? "–" }

    private func ratio(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, b > 0 else { return "–" }
        return fixed(a / b, 3) + "×"
    }
}

/// This machine, for the report.
enum Machine {
    static var description: String {
        let cpu = field("model name") ?? "unknown CPU"
        return "\(cpu), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) processors, \(Date.now.formatted(.iso8601))"
    }

    /// "avx512 (detected avx512)" or "avx2 (detected avx512, capped by BACKPROPD_ISA)".
    static var instructionSets: String {
        let detected = CodePath.InstructionSet.detected, allowed = CodePath.InstructionSet.allowed
        return "\(allowed)" + (allowed == detected ? " (detected)" : " (detected \(detected), capped by BACKPROPD_ISA)")
    }

    static var loadAverage: String {
        read("/proc/loadavg").map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    }

    private static func field(_ name: String) -> String? {
        read("/proc/cpuinfo")?.split(separator: "\n").first { $0.hasPrefix(name) }?
            .split(separator: ":", maxSplits: 1).last.map { String($0.drop { $0 == " " }) }
    }

    private static func read(_ path: String) -> String? {
        try? String(decoding: Data(contentsOf: URL(filePath: path)), as: UTF8.self)
    }
}
