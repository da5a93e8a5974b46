extension Sweep {
    /// Trains every trial on up to `threads` threads, as the calibration plans it (`WorkSplit`:
    /// never split when splitting is slower); results in `trials` order, identical to `run()`'s.
    public func run(threads: Int) -> [TrialResult] {
        Trainer.train(dataset: dataset, specs: trials, threads: threads, cancellation: Cancellation()) { _, _ in }
    }
}
