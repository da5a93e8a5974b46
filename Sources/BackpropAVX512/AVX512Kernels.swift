import BackpropKernels

/// The trials-in-lanes loops compiled for x86-64-v4 (AVX-512). Only call when
/// the CPU reports that level.
public enum AVX512LaneKernel4: LaneKernel {
    public typealias Vector = SIMD4<Double>
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
}

public enum AVX512LaneKernel8: LaneKernel {
    public typealias Vector = SIMD8<Double>
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
}
