import Synchronization

/// A flag one thread raises and a training thread polls between chunks of iterations (every few
/// milliseconds). Cancelling is permanent.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
