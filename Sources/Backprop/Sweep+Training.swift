extension Sweep {
    /// Trains every trial on the calling thread (see `Trainer.train`); results in `trials` order.
    public func run(cancellation: Cancellation = Cancellation(), onProgress: (Int, TrialSnapshot) -> Void = { _, _ in }) -> [TrialResult] {
        Trainer.train(dataset: dataset, specs: trials, cancellation: cancellation, onProgress: onProgress)
    }
}
