/// Trials of one network shape trained together, as the trainer drives them: in chunks of
/// iterations, checking after each chunk that every weight and output is still finite.
///
/// `train` and `evaluate` are the hot parts, compiled once per instruction set; the rest moves
/// small amounts of data between chunks.
public protocol TrainingBatch: AnyObject {
    var trialCount: Int { get }
    /// Runs the iterations in `range`: forward pass, the mean error when the iteration is a
    /// multiple of errorEvery, deltas, updates, direction counts (from iteration 1 on), weights.
    func train(_ range: Range<Int>)
    /// A forward pass with the current weights: outputs, error and finiteness of each trial.
    func evaluate()
    /// After `evaluate`: whether the trial's weights and outputs are all finite.
    func isFinite(trial: Int) -> Bool
    /// After `evaluate`: the mean absolute error of the current weights.
    func currentError(trial: Int) -> Double
    /// The mean absolute error `train` recorded at iteration `point × errorEvery`.
    func curveError(trial: Int, point: Int) -> Double
    /// Row-major weight matrices, synapse_0 first.
    func synapses(trial: Int) -> [[Double]]
    /// Row-major direction-change counts, shaped like `synapses`.
    func directionChanges(trial: Int) -> [[Int]]
    /// After `evaluate`: the outputs, samples × outputs, row-major.
    func outputs(trial: Int) -> [Double]
    /// Saves or restores the training state (weights, previous updates, counts).
    func save(to slot: SnapshotSlot)
    func restore(from slot: SnapshotSlot)
}

public enum SnapshotSlot: Int, CaseIterable, Sendable {
    case chunkStart
    case previousStep
}

/// A batch whose every iteration is two phases of independent tasks: all forward tasks (the
/// forward pass and the deltas, per block of samples), then all update tasks (updates, direction
/// counts and weights, per block of weights). Tasks of one phase may run on different threads at
/// once, a phase starting when the one before has finished; which thread runs a task changes
/// nothing in the results. `train(_:)` runs the phases in order on the calling thread.
public protocol PhasedBatch: TrainingBatch {
    var forwardTasks: Int { get }
    var updateTasks: Int { get }
    func forward(task: Int)
    /// The update tasks of `iteration` (its direction counts and curve point depend on it).
    func update(task: Int, iteration: Int)
}
