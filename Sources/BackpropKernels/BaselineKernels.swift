/// The loops compiled for baseline x86-64 (SSE2), which every x86-64 CPU runs; `ScalarKernel`
/// (in LaneBatch.swift) is the one-trial-at-a-time path.

public enum BaselineKernel2: LaneKernel, WideKernel {
    public typealias Vector = SIMD2<Double>
    public typealias Rounding = SeparateRounding
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
    public static var blockRows: BlockSums.Rows { .two }
    public static func forward(_ batch: WideBatch<Self>, _ vectors: Range<Int>) { batch.forwardLoop(vectors) }
    public static func update(_ batch: WideBatch<Self>, _ vectors: Range<Int>, iteration: Int) { batch.updateLoop(vectors, iteration: iteration) }
    public static func evaluate(_ batch: WideBatch<Self>) { batch.evaluateLoop() }
}

public enum BaselineKernel4: LaneKernel, WideKernel {
    public typealias Vector = SIMD4<Double>
    public typealias Rounding = SeparateRounding
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
    public static var blockRows: BlockSums.Rows { .one }
    public static func forward(_ batch: WideBatch<Self>, _ vectors: Range<Int>) { batch.forwardLoop(vectors) }
    public static func update(_ batch: WideBatch<Self>, _ vectors: Range<Int>, iteration: Int) { batch.updateLoop(vectors, iteration: iteration) }
    public static func evaluate(_ batch: WideBatch<Self>) { batch.evaluateLoop() }
}

public enum BaselineKernel8: LaneKernel, WideKernel {
    public typealias Vector = SIMD8<Double>
    public typealias Rounding = SeparateRounding
    public static func train(_ batch: LaneBatch<Self>, _ range: Range<Int>) { batch.trainLoop(range) }
    public static func evaluate(_ batch: LaneBatch<Self>) { batch.evaluateLoop() }
    public static var blockRows: BlockSums.Rows { .one }
    public static func forward(_ batch: WideBatch<Self>, _ vectors: Range<Int>) { batch.forwardLoop(vectors) }
    public static func update(_ batch: WideBatch<Self>, _ vectors: Range<Int>, iteration: Int) { batch.updateLoop(vectors, iteration: iteration) }
    public static func evaluate(_ batch: WideBatch<Self>) { batch.evaluateLoop() }
}
