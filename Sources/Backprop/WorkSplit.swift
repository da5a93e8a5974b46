/// Whether and how to share trials out over several threads: the one place that decides it,
/// for the service's worker pool and for `backpropd train --threads`. (A start-up calibration
/// can replace `shares(of:workers:path:)` without touching its callers.)
///
/// The rule, measured (BENCHMARKS.md, "Splitting a run"): training is latency-bound. One
/// iteration of a batch is a chain of dependent vector operations, so a batch that fills one
/// vector register costs about as much as one trial alone, and a thread's time grows with the
/// number of registers its trials fill, not with the number of trials. Splitting therefore
/// pays only when the trials fill more than one register: on AVX-512 (8 doubles a register)
/// the notebook's 7 trials fit one and are never split, on AVX2 (4) they fill two and are split
/// 4 + 3. Networks trained alone (hidden units in the lanes) cost one batch each and are shared
/// out trial by trial.
public enum WorkSplit {
    /// Trials one vector register of `path`'s instruction set holds.
    public static func registerLanes(of path: CodePath) -> Int {
        switch path.instructionSet {
        case .avx512: 8
        case .avx2: 4
        case .baseline: path.width == 1 ? 1 : 2
        }
    }

    /// `specs`' indices cut into at most `workers` shares, one per thread. Trials that can share
    /// a batch (same hidden size, iterations and error interval) stay together unless splitting
    /// them pays (see the type's comment); each share keeps `specs`' order. One share means:
    /// train everything on one thread.
    public static func shares(of specs: [TrialSpec], workers: Int, path: CodePath = .fastest) -> [[Int]] {
        let groups = Trainer.batchGroups(of: specs)
        guard workers > 1 else { return groups.isEmpty ? [] : [groups.flatMap { $0 }.sorted()] }
        var shares: [[Int]] = []
        for members in groups {
            let first = specs[members[0]]
            let layout = path.layout(trials: members.count, hidden: max(first.hiddenSize, 0))
            let unit = layout == .trialsInLanes ? registerLanes(of: path) : 1
            let units = (members.count + unit - 1) / unit
            let count = min(workers, units)
            // `count` shares of whole units each, as even as possible.
            var start = 0
            for share in 0..<count {
                let unitsHere = units / count + (share < units % count ? 1 : 0)
                let end = min(members.count, start + unitsHere * unit)
                shares.append(Array(members[start..<end]))
                start = end
            }
        }
        return shares
    }
}
