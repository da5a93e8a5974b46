import Posix

/// Encoded `GET /runs/{id}` bodies by run version, within a byte budget (least recently used out
/// first), so a finished sweep's JSON is encoded once however often it is read. Its own lock:
/// readers on I/O queues never wait for the registry's writers here.
final class RepresentationCache: Sendable {
    private struct Entry {
        var version: Int
        var bytes: [UInt8]
        var lastUse: UInt64
    }

    private struct State {
        var entries: [RunID: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    let budget: Int
    private let state = Locked(State())

    init(budget: Int) {
        self.budget = budget
    }

    /// The bytes of this version of the run, if they were encoded before.
    func bytes(of id: RunID, version: Int) -> [UInt8]? {
        state.withLock { state in
            guard var entry = state.entries[id], entry.version == version else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[id] = entry
            return entry.bytes
        }
    }

    /// Keeps `bytes` for this version unless a newer one is cached or they take over a quarter
    /// of the budget.
    func store(_ bytes: [UInt8], of id: RunID, version: Int) {
        guard bytes.count <= budget / 4 else { return }
        state.withLock { state in
            if let old = state.entries[id] {
                guard old.version < version else { return }
                state.bytes -= old.bytes.count
            }
            state.clock += 1
            state.entries[id] = Entry(version: version, bytes: bytes, lastUse: state.clock)
            state.bytes += bytes.count
            while state.bytes > budget, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries.removeValue(forKey: oldest.key)
                state.bytes -= oldest.value.bytes.count
            }
        }
    }

    func remove(_ id: RunID) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: id) { state.bytes -= old.bytes.count }
        }
    }
}
