import BackpropKernels

/// What the engine measured for one shape class on this CPU: the seconds one training iteration
/// takes in each way it can train that shape, and what running batches side by side costs.
/// `plan` turns it into the fastest way to train a group of trials.
public struct Calibration: Sendable, Hashable {
    /// One way to train a batch: a code path with its layout, on a team of `threads` threads
    /// (more than 1 only for the hidden-units layout).
    public struct Candidate: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let path: CodePath
        public let threads: Int

        public init(path: CodePath, threads: Int = 1) {
            precondition(path.layout != nil, "a candidate names its layout")
            self.path = path
            self.threads = threads
        }

        var layout: CodePath.Layout { path.layout! }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

        /// "avx512×8 hidden, 2 threads", "avx2×4 trials".
        public var description: String { path.description + (threads > 1 ? ", \(threads) threads" : "") }
    }

    public let shapeClass: ShapeClass
    /// The shape the measurements ran on (samples capped so that they stay short).
    let measuredShape: NetworkShape
    public var measuredSamples: Int { measuredShape.samples }
    /// Threads of the team and concurrent batches it measured (the processors, at most 8).
    public let threads: Int
    /// Seconds per iteration of one batch trained alone (for the trials layout, whatever number
    /// of its lanes hold a trial).
    public let seconds: [Candidate: Double]
    /// How much slower a batch trains while `threads` batches train at once, one per thread
    /// (≥ 1: cores that share a physical core or a power budget are slower together).
    public let concurrentSlowdown: Double
    /// Wall time the measurements took.
    public let milliseconds: Double

    init(
        shapeClass: ShapeClass, measuredShape: NetworkShape, threads: Int, seconds: [Candidate: Double],
        concurrentSlowdown: Double, milliseconds: Double
    ) {
        self.shapeClass = shapeClass
        self.measuredShape = measuredShape
        self.threads = max(1, threads)
        self.seconds = seconds
        self.concurrentSlowdown = max(1, concurrentSlowdown)
        self.milliseconds = milliseconds
    }

    /// The fastest way (wall time; then CPU time) to train `trials` (indices of specs sharing
    /// this shape and an iteration count) with up to `threads` threads: the lane width and
    /// layout, and whether to split the group into concurrent jobs or to share one trial
    /// among a team of threads. Every choice gives the same results; only the time differs.
    public func plan(trials: [Int], threads: Int) -> TrainingPlan {
        guard !trials.isEmpty else { return TrainingPlan(jobs: [], secondsPerIteration: 0, cpuSecondsPerIteration: 0) }
        let threads = max(1, threads)
        var options = lanePlans(trials, threads: threads)
        if shapeClass.hidden > 0 { options += widePlans(trials, threads: threads) }
        return options.min { lhs, rhs in
            lhs.secondsPerIteration != rhs.secondsPerIteration
                ? lhs.secondsPerIteration < rhs.secondsPerIteration
                : lhs.cpuSecondsPerIteration < rhs.cpuSecondsPerIteration
        }
            ?? TrainingPlan(
                jobs: [trials.map { TrainingPlan.Batch(trials: [$0], path: .scalar, threads: 1) }],
                secondsPerIteration: .infinity, cpuSecondsPerIteration: .infinity)
    }

    /// Trials in the lanes: the group cut into `jobs` nearly equal parts (1 … threads), each
    /// part into the batches that train it fastest on one thread.
    private func lanePlans(_ trials: [Int], threads: Int) -> [TrainingPlan] {
        let paths = seconds.filter { $0.key.layout == .trialsInLanes && $0.key.threads == 1 }
            .map { (path: $0.key.path, seconds: $0.value) }.sorted { $0.path.description < $1.path.description }
        guard !paths.isEmpty else { return [] }
        let cheapest = cheapestBatches(upTo: trials.count, paths: paths)
        return (1...min(threads, trials.count)).map { jobCount in
            let parts = Self.split(trials, into: jobCount)
            let jobs = parts.map { part -> [TrainingPlan.Batch] in
                var rest = part[...]
                return cheapest(part.count).map { batch in
                    defer { rest = rest.dropFirst(batch.size) }
                    return TrainingPlan.Batch(trials: Array(rest.prefix(batch.size)), path: batch.path, threads: 1)
                }
            }
            let costs = parts.map { cheapest($0.count).reduce(0) { $0 + $1.seconds } }
            return TrainingPlan(
                jobs: jobs, secondsPerIteration: costs.max()! * (jobCount > 1 ? concurrentSlowdown : 1),
                cpuSecondsPerIteration: costs.reduce(0, +))
        }
    }

    /// One trial at a time with its hidden units in the lanes: on a team of threads, or the
    /// trials spread over concurrent jobs of one thread each.
    private func widePlans(_ trials: [Int], threads: Int) -> [TrainingPlan] {
        let wide = seconds.filter { $0.key.layout == .hiddenUnitsInLanes }
        var plans: [TrainingPlan] = []
        if let (solo, time) = wide.filter({ $0.key.threads == 1 }).min(by: { $0.value < $1.value }) {
            for jobCount in 1...min(threads, trials.count) {
                let parts = Self.split(trials, into: jobCount)
                let longest = Double(parts.map(\.count).max()!) * time
                plans.append(
                    TrainingPlan(
                        jobs: parts.map { $0.map { TrainingPlan.Batch(trials: [$0], path: solo.path, threads: 1) } },
                        secondsPerIteration: longest * (jobCount > 1 ? concurrentSlowdown : 1),
                        cpuSecondsPerIteration: Double(trials.count) * time))
            }
        }
        for (team, time) in wide where team.threads > 1 && team.threads <= threads {
            plans.append(
                TrainingPlan(
                    jobs: [trials.map { TrainingPlan.Batch(trials: [$0], path: team.path, threads: team.threads) }],
                    secondsPerIteration: Double(trials.count) * time,
                    cpuSecondsPerIteration: Double(trials.count * team.threads) * time))
        }
        return plans
    }

    /// For a count of 0…`count` trials, the batches (size, path) that train them in the least
    /// time on one thread.
    private func cheapestBatches(upTo count: Int, paths: [(path: CodePath, seconds: Double)]) -> (Int) -> [(
        size: Int, path: CodePath, seconds: Double
    )] {
        var cost = [0.0], last = [(size: 0, path: 0)]
        for trials in stride(from: 1, through: count, by: 1) {
            var choice = (cost: Double.infinity, size: 0, path: 0)
            for (index, candidate) in paths.enumerated() {
                let size = min(trials, candidate.path.width)
                if candidate.seconds + cost[trials - size] < choice.cost {
                    choice = (candidate.seconds + cost[trials - size], size, index)
                }
            }
            cost.append(choice.cost)
            last.append((choice.size, choice.path))
        }
        return { trials in
            var batches: [(size: Int, path: CodePath, seconds: Double)] = []
            var rest = trials
            while rest > 0 {
                let (size, index) = last[rest]
                batches.append((size, paths[index].path, paths[index].seconds))
                rest -= size
            }
            return batches.sorted { $0.size > $1.size }
        }
    }

    /// `items` in `parts` consecutive slices whose sizes differ by at most one, larger first.
    static func split(_ items: [Int], into parts: Int) -> [[Int]] {
        let base = items.count / parts, extra = items.count % parts
        var start = 0
        return (0..<parts).map { part in
            let size = base + (part < extra ? 1 : 0)
            defer { start += size }
            return Array(items[start..<start + size])
        }
    }
}

/// How to train a group of trials: `jobs` run concurrently, one per worker, each training its
/// batches one after another.
public struct TrainingPlan: Sendable, Hashable {
    public struct Batch: Sendable, Hashable {
        /// Indices into the specs.
        public var trials: [Int]
        /// The code path and layout (never automatic).
        public var path: CodePath
        /// Threads sharing the batch (a lone trial with its hidden units in the lanes).
        public var threads: Int
    }

    public var jobs: [[Batch]]

    /// "7 in avx512×8 trials", "4 in avx2×4 trials | 3 in avx2×4 trials (at once)",
    /// "1 in avx512×8 hidden on 2 threads".
    public var summary: String { Self.summary(of: jobs) }

    public static func summary(of jobs: [[Batch]]) -> String {
        let parts = jobs.map { job in
            job.map { "\($0.trials.count) in \($0.path)" + ($0.threads > 1 ? " on \($0.threads) threads" : "") }.joined(separator: " then ")
        }
        return parts.joined(separator: " | ") + (jobs.count > 1 ? " (at once)" : "")
    }
    /// Expected wall time per iteration.
    public var secondsPerIteration: Double
    /// Expected processor time per iteration, all threads together.
    public var cpuSecondsPerIteration: Double
}
