/// The buffers of one training batch: allocated zeroed, all freed together when the batch goes.
/// Every buffer a kernel touches comes from here, once, before training starts.
public final class KernelMemory {
    private var allocations: [UnsafeMutableRawPointer] = []

    public init() {}

    /// `count` elements (at least 1), each `zero`. Only for trivial types (doubles, SIMD vectors).
    public func buffer<T>(_ count: Int, _ zero: T) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: zero, count: max(count, 1))
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }
}

/// Copies of a batch's training state (weights, previous updates, direction counts), one per
/// `SnapshotSlot`, for replaying a chunk after a divergence.
public struct StateSnapshots<V> {
    private let copies: [[UnsafeMutablePointer<V>]]
    private let counts: [Int]

    /// `counts`: the element count of each state buffer, in the order `save`/`restore` get them.
    public init(counts: [Int], zero: V, memory: KernelMemory) {
        self.counts = counts
        copies = SnapshotSlot.allCases.map { _ in counts.map { memory.buffer($0, zero) } }
    }

    public func save(_ slot: SnapshotSlot, from live: [UnsafeMutablePointer<V>]) {
        for (index, buffer) in live.enumerated() { copies[slot.rawValue][index].update(from: buffer, count: counts[index]) }
    }

    public func restore(_ slot: SnapshotSlot, into live: [UnsafeMutablePointer<V>]) {
        for (index, buffer) in live.enumerated() { buffer.update(from: copies[slot.rawValue][index], count: counts[index]) }
    }
}
