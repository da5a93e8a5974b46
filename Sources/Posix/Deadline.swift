/// The monotonic time by which a blocking step (connect, send, receive) must be done.
public typealias Deadline = ContinuousClock.Instant

extension Deadline {
    /// Milliseconds left for `poll(2)`: 0 once the deadline has passed.
    var pollMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: self)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
