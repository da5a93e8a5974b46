/// Whether and how to share trials out over several threads: the one place that decides it,
/// for the service's worker pool and for `backpropd train --threads`.
///
/// The decision comes from the engine's calibration (`EngineCalibration`, `Calibration.plan`):
/// on this CPU and for this shape, is one batch in wide vectors faster than two narrower ones
/// side by side (on the AVX-512 Xeon of issue 12 it was, on AVX2 EPYCs it was not), and does a
/// lone large trial train faster on a team of threads? Splitting never changes a result.
public enum WorkSplit {
    /// Trials one worker trains, one batch after another.
    public struct Share: Sendable, Hashable {
        /// Indices into the specs, in their order.
        public var trials: [Int]
        /// Threads the share's training may use: more than 1 when a lone large trial trains on
        /// a team (the share then wants that many workers).
        public var threads: Int

        public init(trials: [Int], threads: Int = 1) {
            self.trials = trials
            self.threads = threads
        }
    }

    /// `specs`' indices cut into shares for at most `workers` threads at a time. Trials that
    /// cannot share a batch (hidden size, iterations, error interval) are in different shares.
    public static func shares(
        of specs: [TrialSpec], dataset: Dataset, workers: Int,
        calibration: EngineCalibration = .shared
    ) -> [Share] {
        Trainer.plan(dataset: dataset, specs: specs, threads: workers, calibration: calibration).map { job in
            Share(trials: job.flatMap(\.trials).sorted(), threads: job.map(\.threads).max() ?? 1)
        }
    }
}
