public import Backprop

/// What trained a run, as the run records it (`engine` in its JSON): the binary's version, and
/// the instruction set of the loops the engine ran its trials on (`baseline`, `avx2` or
/// `avx512`). Every code path gives bit-identical results (the engine's determinism tests), so
/// the path is reported, not part of the fingerprint; the version is.
public struct EngineIdentity: Sendable, Equatable {
    /// The version of this build of backpropd (`backpropd --version`). Raise it with every
    /// release; a change of the engine's results must raise it, as run fingerprints include it.
    public static let version = "1.0.0"

    public var version: String
    /// nil until one of the run's trials has trained.
    public var codePath: String?

    public init(version: String = EngineIdentity.version, codePath: String? = nil) {
        self.version = version
        self.codePath = codePath
    }

    /// The instruction set `Trainer.train` runs these trials on here: the engine trains every
    /// batch on its fastest path for this CPU (narrower vectors for small batches, the same
    /// instructions), `CodePath.fastest`.
    public static func codePath(training specs: [TrialSpec], on dataset: Dataset) -> String {
        CodePath.fastest.instructionSet.description
    }
}
