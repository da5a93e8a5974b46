import Backprop

/// The engine's calibration in `/metrics`: what it measured on this CPU for each shape class
/// trained so far, and the plan it chose for a lone trial and for a full batch of trials.
enum EngineMetrics {
    static func render(into text: inout PrometheusText, workers: Int, calibration: EngineCalibration = .shared) {
        let detected = CodePath.InstructionSet.detected, allowed = CodePath.InstructionSet.allowed
        text.family("backpropd_engine_info", .gauge, help: "The engine's instruction set (allowed: after BACKPROPD_ISA) and multiply-add rounding.")
        text.sample(
            "backpropd_engine_info",
            [
                ("detected", "\(detected)"), ("allowed", "\(allowed)"),
                ("rounding", CodePath.fastest.fusesMultiplyAdd ? "fused" : "separate"),
            ], 1)
        let calibrations = calibration.calibrations
        text.family(
            "backpropd_engine_iteration_seconds", .gauge,
            help: "Calibration: seconds per training iteration of one batch, by shape class, code path and layout, and threads.")
        for entry in calibrations {
            for (candidate, seconds) in entry.seconds.sorted(by: { $0.key < $1.key }) {
                text.sample(
                    "backpropd_engine_iteration_seconds",
                    [
                        ("shape", "\(entry.shapeClass)"), ("path", "\(candidate.path)"),
                        ("threads", String(candidate.threads)),
                    ], seconds)
            }
        }
        text.family(
            "backpropd_engine_side_by_side_slowdown", .gauge,
            help: "Calibration: how much slower a batch trains while one per worker core trains at once.")
        for entry in calibrations {
            text.sample("backpropd_engine_side_by_side_slowdown", [("shape", "\(entry.shapeClass)")], entry.concurrentSlowdown)
        }
        text.family("backpropd_engine_plan", .gauge, help: "The plan the calibration chose for 1 and 8 trials of a shape class (1 = chosen).")
        for entry in calibrations {
            for trials in [1, 8] {
                let plan = entry.plan(trials: Array(0..<trials), threads: workers)
                text.sample(
                    "backpropd_engine_plan",
                    [
                        ("shape", "\(entry.shapeClass)"), ("trials", String(trials)),
                        ("plan", plan.summary),
                    ], 1)
            }
        }
    }
}
