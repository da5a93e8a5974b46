import BackpropAVX2
import BackpropAVX512
import BackpropKernels
import CPUFeatures

/// Which compiled loops train a batch: the instruction set they were compiled for and how many
/// trials share one vector. Every path gives bit-identical results; they differ only in speed.
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

        /// The best level this CPU and OS support (asked once, via cpuid).
        public static let detected: InstructionSet = {
            let level = backprop_x86_64_level()
            return level >= 4 ? .avx512 : level >= 3 ? .avx2 : .baseline
        }()
    }

    public let instructionSet: InstructionSet
    /// Trials trained together in one vector: 1 (scalar), 2, 4 or 8.
    public let width: Int

    /// nil when this build has no such loops (baseline: 1, 2, 4, 8; AVX2 and AVX-512: 4, 8).
    public init?(instructionSet: InstructionSet, width: Int) {
        let widths = instructionSet == .baseline ? [1, 2, 4, 8] : [4, 8]
        guard widths.contains(width) else { return nil }
        self.instructionSet = instructionSet
        self.width = width
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { instructionSet <= InstructionSet.detected }

    /// Every path this CPU can run.
    public static let supported: [CodePath] = InstructionSet.allCases.flatMap { set in
        [1, 2, 4, 8].compactMap { CodePath(instructionSet: set, width: $0) }
    }.filter(\.isSupported)

    /// The path `Trainer.train` uses by default: the fastest on this CPU.
    public static let fastest: CodePath = {
        switch InstructionSet.detected {
        case .avx512: CodePath(instructionSet: .avx512, width: 8)!
        case .avx2: CodePath(instructionSet: .avx2, width: 4)!
        case .baseline: CodePath(instructionSet: .baseline, width: 2)!
        }
    }()

    /// The plain scalar loops: one trial at a time, baseline instructions.
    public static let scalar = CodePath(instructionSet: .baseline, width: 1)!

    public var description: String { "\(instructionSet)×\(width)" }

    /// A batch of at most `width` trials whose loops are the ones this path names.
    func makeBatch(shape: NetworkShape, inputs: [Double], targets: [Double], alphas: [Double],
                   initialSynapses: [[[Double]]], errorEvery: Int, curvePoints: Int) -> any TrainingBatch {
        func make<Kernel: LaneKernel>(_: Kernel.Type) -> any TrainingBatch {
            LaneBatch<Kernel>(shape: shape, inputs: inputs, targets: targets, alphas: alphas,
                              initialSynapses: initialSynapses, errorEvery: errorEvery, curvePoints: curvePoints)
        }
        switch (instructionSet, width) {
        case (.avx512, 8): return make(AVX512LaneKernel8.self)
        case (.avx512, _): return make(AVX512LaneKernel4.self)
        case (.avx2, 8): return make(AVX2LaneKernel8.self)
        case (.avx2, _): return make(AVX2LaneKernel4.self)
        case (_, 8): return make(BaselineLaneKernel8.self)
        case (_, 4): return make(BaselineLaneKernel4.self)
        case (_, 2): return make(BaselineLaneKernel2.self)
        default: return make(ScalarLaneKernel.self)
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
