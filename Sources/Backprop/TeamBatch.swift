import BackpropKernels
import Dispatch
import Synchronization

/// One `PhasedBatch` trained by a team of threads: the calling thread and up to `threads − 1`
/// helpers from Dispatch's pool claim the tasks of each phase in order, and a task of the next
/// phase starts only when every task before it has finished.
///
/// No thread waits for a helper that has not started: a task is only waited for once a running
/// thread has claimed it, so a team whose helpers never arrive is the calling thread alone.
/// Every task computes the same numbers whichever thread runs it, so results are bit-identical
/// to training on one thread.
///
/// A team only pays while its threads have cores to themselves. Each chunk is timed, and the
/// team trains the next chunk the way (team or alone) that was faster lately, trying the other
/// way every `probeInterval` chunks: on a machine whose other cores are busy it falls back to
/// one thread, and comes back when they are free.
final class TeamBatch: TrainingBatch, @unchecked Sendable {
    let batch: any PhasedBatch
    let threads: Int
    private let progress = TeamProgress()
    /// Recent seconds per iteration, alone and as a team (exponentially weighted).
    private(set) var alone: Double?
    private(set) var together: Double?
    private var chunks = 0
    /// false: always the team (the calibration times the team itself).
    private let adaptive: Bool
    static let probeInterval = 16

    init(_ batch: any PhasedBatch, threads: Int, adaptive: Bool = true) {
        self.batch = batch
        self.threads = max(1, threads)
        self.adaptive = adaptive
    }

    var trialCount: Int { batch.trialCount }

    func train(_ range: Range<Int>) {
        guard threads > 1, range.count > 0 else { return batch.train(range) }
        guard adaptive else { return trainTogether(range) }
        chunks += 1
        let team = Self.trainsTogether(chunk: chunks, alone: alone, together: together)
        let clock = ContinuousClock()
        let started = clock.now
        if team { trainTogether(range) } else { batch.train(range) }
        let seconds = BatchRun.milliseconds(clock.now - started) / 1000 / Double(range.count)
        if team {
            together = together.map { 0.7 * $0 + 0.3 * seconds } ?? seconds
        } else {
            alone = alone.map { 0.7 * $0 + 0.3 * seconds } ?? seconds
        }
    }

    /// Whether chunk number `chunk` (from 1) trains as a team: first once each way, then the way
    /// that was faster lately, except every `probeInterval`-th chunk, which tries the other.
    static func trainsTogether(chunk: Int, alone: Double?, together: Double?) -> Bool {
        switch (alone, together) {
        case (_, nil): true
        case (nil, _): false
        case (let alone?, let together?): (together <= alone) != (chunk % probeInterval == 0)
        }
    }

    /// The iterations of `range` on the team: every thread claims tasks in order.
    private func trainTogether(_ range: Range<Int>) {
        let forward = batch.forwardTasks, perIteration = forward + batch.updateTasks
        let total = range.count * perIteration
        progress.reset()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let task = progress.claim()
                if task >= total { return }
                let round = task / perIteration, index = task % perIteration
                progress.wait(until: round * perIteration + (index < forward ? 0 : forward))
                if index < forward {
                    batch.forward(task: index)
                } else {
                    batch.update(task: index - forward, iteration: range.lowerBound + round)
                }
                progress.finish()
            }
        }
    }

    func evaluate() { batch.evaluate() }
    func isFinite(trial: Int) -> Bool { batch.isFinite(trial: trial) }
    func currentError(trial: Int) -> Double { batch.currentError(trial: trial) }
    func curveError(trial: Int, point: Int) -> Double { batch.curveError(trial: trial, point: point) }
    func synapses(trial: Int) -> [[Double]] { batch.synapses(trial: trial) }
    func directionChanges(trial: Int) -> [[Int]] { batch.directionChanges(trial: trial) }
    func outputs(trial: Int) -> [Double] { batch.outputs(trial: trial) }
    func save(to slot: SnapshotSlot) { batch.save(to: slot) }
    func restore(from slot: SnapshotSlot) { batch.restore(from: slot) }
}

/// The team's two counters: tasks claimed and tasks finished.
private final class TeamProgress: Sendable {
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)

    func reset() {
        claimed.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
    }

    func claim() -> Int { claimed.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// The task's writes happen before any thread's `wait` that sees it finished.
    func finish() { finished.wrappingAdd(1, ordering: .releasing) }

    /// Returns once `count` tasks have finished (then every task below `count` has: tasks are
    /// claimed in order, and none starts before the tasks of the phases before it finished).
    /// Spins briefly, then yields the processor between looks.
    func wait(until count: Int) {
        var looks = 0
        while finished.load(ordering: .acquiring) < count {
            looks += 1
            if looks > 2000 { Platform.yieldProcessor() }
        }
    }
}
