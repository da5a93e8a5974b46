public import BackpropKernels

/// The kernels' loops compiled for x86-64-v4 (AVX-512). Only call them when the CPU reports that level.

public enum AVX512Kernel4: LaneKernel, WideKernel {
    public typealias Vector = SIMD4<Double>
    public typealias Rounding = AVX512Rounding
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
    public static var blockRows: BlockSums.Rows { .four }
    public static func forward(_ batch: WideBatch<Self>, _ vectors: Range<Int>) { batch.forwardLoop(vectors) }
    public static func update(_ batch: WideBatch<Self>, _ vectors: Range<Int>, iteration: Int) { batch.updateLoop(vectors, iteration: iteration) }
    public static func evaluate(_ batch: WideBatch<Self>) { batch.evaluateLoop() }
}

public enum AVX512Kernel8: LaneKernel, WideKernel {
    public typealias Vector = SIMD8<Double>
    public typealias Rounding = AVX512Rounding
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
    public static var blockRows: BlockSums.Rows { .four }
    public static func forward(_ batch: WideBatch<Self>, _ vectors: Range<Int>) { batch.forwardLoop(vectors) }
    public static func update(_ batch: WideBatch<Self>, _ vectors: Range<Int>, iteration: Int) { batch.updateLoop(vectors, iteration: iteration) }
    public static func evaluate(_ batch: WideBatch<Self>) { batch.evaluateLoop() }
}

/// Fused multiply-adds, this module's own type so that the generic helpers it compiles for
/// x86-64-v4 (AVX-512) are not shared with another module (see `Rounding`).
public enum AVX512Rounding: FusedMultiplyAdd {}
