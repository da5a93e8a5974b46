import BackpropAVX2
import BackpropAVX512
import BackpropKernels

/// Which compiled loops train a batch: the instruction set they were compiled for, how many
/// trials share one vector and what the lanes hold.
///
/// The AVX2 and AVX-512 paths round every multiply-add once (fused: `AVX2Rounding`, `AVX512Rounding`); the
/// baseline paths, for CPUs without FMA, round product and sum separately. Paths with the same
/// rounding give bit-identical results whatever their width or layout; the two roundings agree
/// to ~1e-12 on stable trials (`DeterminismTests`), chaotic ones drift apart like any two roundings.
public struct CodePath: Sendable, Hashable, CustomStringConvertible {
    /// x86-64 micro-architecture levels; raw values are the level numbers.
    public enum InstructionSet: Int, Sendable, Hashable, CaseIterable, Comparable {
        /// x86-64 as Swift compiles by default (SSE2): runs everywhere.
        case baseline = 1
        /// x86-64-v3: AVX2.
        case avx2 = 3
        /// x86-64-v4: AVX-512.
        case avx512 = 4

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The best level this CPU and OS support (asked once: `MicroarchitectureLevel`).
        public static let detected: InstructionSet = {
            let level = MicroarchitectureLevel.detected
            return level >= 4 ? .avx512 : level >= 3 ? .avx2 : .baseline
        }()

        /// The best level the engine uses: `detected`, capped by the environment variable
        /// `BACKPROPD_ISA` (`baseline`, `avx2` or `avx512`), which stands in for an older CPU
        /// (an AVX2-only machine, say) on this one. Read once.
        public static let allowed: InstructionSet = {
            let cap = Platform.environment("BACKPROPD_ISA").flatMap(InstructionSet.init(name:))
            return min(detected, cap ?? detected)
        }()

        /// `baseline`, `avx2` or `avx512` (the `description`).
        public init?(name: String) {
            guard let set = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
            self = set
        }
    }

    /// What the lanes of a vector hold.
    public enum Layout: String, Sendable, Hashable, CaseIterable {
        /// One trial per lane: sweeps of small networks.
        case trialsInLanes
        /// One trial at a time, its hidden units (and samples) in the lanes: large networks
        /// trained alone. Needs a hidden layer and a width above 1.
        case hiddenUnitsInLanes
    }

    public let instructionSet: InstructionSet
    /// Doubles per vector: 1 (scalar), 2, 4 or 8.
    public let width: Int
    /// nil: chosen per group of trials (see `layout(trials:hidden:)`).
    public let layout: Layout?

    /// nil when this build has no such loops (baseline: 1, 2, 4, 8; AVX2 and AVX-512: 4, 8).
    public init?(instructionSet: InstructionSet, width: Int, layout: Layout? = nil) {
        let widths = instructionSet == .baseline ? [1, 2, 4, 8] : [4, 8]
        guard widths.contains(width), width > 1 || layout != .hiddenUnitsInLanes else { return nil }
        self.instructionSet = instructionSet
        self.width = width
        self.layout = layout
    }

    /// The narrowest vectors of this instruction set that still hold `trials` trials (at
    /// least this path's width when none is narrower): a 4-trial batch in 8 lanes would pay for 8.
    public func narrowed(toHold trials: Int) -> CodePath {
        guard layout != .hiddenUnitsInLanes else { return self }
        for narrower in [2, 4] where narrower < width && narrower >= trials {
            if let path = CodePath(instructionSet: instructionSet, width: narrower, layout: layout) { return path }
        }
        return self
    }

    /// The layout for `trials` trials sharing a shape: hidden units in the lanes when the trials
    /// would fill at most half the lanes and the hidden layer fills at least one vector.
    func layout(trials: Int, hidden: Int) -> Layout {
        if let layout { return hidden > 0 ? layout : .trialsInLanes }
        return width > 1 && hidden >= width && trials * 2 <= width ? .hiddenUnitsInLanes : .trialsInLanes
    }

    /// Whether multiply-adds are fused (AVX2, AVX-512): the rounding that fixes the results.
    public var fusesMultiplyAdd: Bool { instructionSet >= .avx2 }

    /// Whether this CPU can run the path (and `BACKPROPD_ISA` allows it).
    public var isSupported: Bool { instructionSet <= InstructionSet.allowed }

    /// Every path this CPU can run, each layout forced, and with the automatic layout.
    public static let supported: [CodePath] = InstructionSet.allCases.flatMap { set in
        [1, 2, 4, 8].flatMap { width in
            ([nil] + Layout.allCases).compactMap { CodePath(instructionSet: set, width: width, layout: $0) }
        }
    }.filter(\.isSupported)

    /// The path `Trainer.train` uses by default: the fastest on this CPU.
    public static let fastest: CodePath = {
        switch InstructionSet.allowed {
        case .avx512: CodePath(instructionSet: .avx512, width: 8)!
        case .avx2: CodePath(instructionSet: .avx2, width: 4)!
        case .baseline: CodePath(instructionSet: .baseline, width: 2)!
        }
    }()

    /// The plain scalar loops: one trial at a time, baseline instructions.
    public static let scalar = CodePath(instructionSet: .baseline, width: 1)!

    public var description: String {
        "\(instructionSet)×\(width)" + (layout.map { $0 == .trialsInLanes ? " trials" : " hidden" } ?? "")
    }

    /// A batch whose loops are the ones this path names: up to `width` trials in lanes, or one
    /// trial (`alphas.count == 1`) with its hidden units in the lanes.
    func makeBatch(
        layout: Layout, shape: NetworkShape, inputs: [Double], targets: [Double], alphas: [Double],
        initialSynapses: [[[Double]]], errorEvery: Int, curvePoints: Int
    ) -> any TrainingBatch {
        func lanes<Kernel: LaneKernel>(_: Kernel.Type) -> any TrainingBatch {
            LaneBatch<Kernel>(
                shape: shape, inputs: inputs, targets: targets, alphas: alphas,
                initialSynapses: initialSynapses, errorEvery: errorEvery, curvePoints: curvePoints)
        }
        func hidden<Kernel: WideKernel>(_: Kernel.Type) -> any TrainingBatch {
            WideBatch<Kernel>(
                shape: shape, inputs: inputs, targets: targets, alpha: alphas[0],
                initialSynapses: initialSynapses[0], errorEvery: errorEvery, curvePoints: curvePoints)
        }
        switch (instructionSet, width, layout) {
        case (.avx512, 8, .trialsInLanes): return lanes(AVX512Kernel8.self)
        case (.avx512, 8, .hiddenUnitsInLanes): return hidden(AVX512Kernel8.self)
        case (.avx512, _, .trialsInLanes): return lanes(AVX512Kernel4.self)
        case (.avx512, _, .hiddenUnitsInLanes): return hidden(AVX512Kernel4.self)
        case (.avx2, 8, .trialsInLanes): return lanes(AVX2Kernel8.self)
        case (.avx2, 8, .hiddenUnitsInLanes): return hidden(AVX2Kernel8.self)
        case (.avx2, _, .trialsInLanes): return lanes(AVX2Kernel4.self)
        case (.avx2, _, .hiddenUnitsInLanes): return hidden(AVX2Kernel4.self)
        case (_, 8, .trialsInLanes): return lanes(BaselineKernel8.self)
        case (_, 8, .hiddenUnitsInLanes): return hidden(BaselineKernel8.self)
        case (_, 4, .trialsInLanes): return lanes(BaselineKernel4.self)
        case (_, 4, .hiddenUnitsInLanes): return hidden(BaselineKernel4.self)
        case (_, 2, .trialsInLanes): return lanes(BaselineKernel2.self)
        case (_, 2, .hiddenUnitsInLanes): return hidden(BaselineKernel2.self)
        default: return lanes(ScalarKernel.self)
        }
    }
}

extension CodePath.InstructionSet: CustomStringConvertible {
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}
