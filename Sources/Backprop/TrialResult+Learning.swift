extension TrialResult {
    /// Whether the trial learned: it did not diverge and its final error is at most half its
    /// error at iteration 0. A net whose outputs saturate at 0 or 1 for every sample (the
    /// notebook's large alphas) ends "succeeded" at XOR's chance error, 0.5: not learned.
    public var learned: Bool {
        guard status != .diverged, let start = errorCurve.first?.error, let finalError, finalError.isFinite else { return false }
        return finalError <= start * Self.learnedErrorRatio
    }

    /// The largest final error, as a fraction of the starting error, that counts as learned.
    public static let learnedErrorRatio = 0.5

    /// The index of a sweep's best trial: the succeeded one with the lowest final error among
    /// those that learned (the first on a tie); nil when none did. Trials without a result yet
    /// are nil entries.
    public static func bestIndex(among results: [TrialResult?]) -> Int? {
        var best: (index: Int, error: Double)?
        for (index, result) in results.enumerated() {
            guard let result, result.status == .succeeded, result.learned, let error = result.finalError else { continue }
            if let current = best?.error, current <= error { continue }
            best = (index, error)
        }
        return best?.index
    }
}

extension TrialResult {
    private enum LearningKeys: String, CodingKey { case learned }

    /// `"learned": Bool` beside the stored fields (derived, so decoding ignores it).
    func encodeLearned(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: LearningKeys.self)
        try container.encode(learned, forKey: .learned)
    }
}
