import Dispatch

/// Long-polls and event streams suspended until a run changes: continuations by run, woken by
/// the registry after a change (progress at most every 20 ms per run, state changes at once).
/// A plain value under the registry's lock, so registering and the check before it are atomic.
struct RunWaiters {
    typealias Waiter = CheckedContinuation<Void, Never>

    static let progressInterval: UInt64 = 20_000_000

    private var waiting: [RunID: [UInt64: Waiter]] = [:]
    private var nextTicket: UInt64 = 0
    private var lastWoken: [RunID: UInt64] = [:]

    mutating func ticket() -> UInt64 {
        nextTicket += 1
        return nextTicket
    }

    mutating func add(_ waiter: Waiter, ticket: UInt64, for id: RunID) {
        waiting[id, default: [:]][ticket] = waiter
    }

    /// The waiter of `ticket` if it still waits (a timeout or a cancelled task ends it).
    mutating func remove(ticket: UInt64, of id: RunID) -> Waiter? {
        waiting[id]?.removeValue(forKey: ticket)
    }

    /// The run's waiters to wake after a change; a progress change (`throttled`) wakes them at
    /// most every `progressInterval`.
    mutating func take(for id: RunID, throttled: Bool) -> [Waiter] {
        let now = DispatchTime.now().uptimeNanoseconds
        guard !throttled || now - (lastWoken[id] ?? 0) >= Self.progressInterval else { return [] }
        lastWoken[id] = now
        return Array((waiting.removeValue(forKey: id) ?? [:]).values)
    }

    /// The run is gone: its waiters, to wake.
    mutating func forget(_ id: RunID) -> [Waiter] {
        lastWoken.removeValue(forKey: id)
        return Array((waiting.removeValue(forKey: id) ?? [:]).values)
    }

    mutating func takeAll() -> [Waiter] {
        defer { waiting = [:] }
        return waiting.values.flatMap(\.values)
    }
}
