/// A position in a run's event log, as clients hold it: `id:` of an event (the position after
/// it), `next` of `GET /runs/{id}`, and `Last-Event-ID` / `?after=` to resume. Written as the
/// position (`1532`), prefixed by the log's epoch after a restart that began one (`1.1532`).
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public var epoch: Int
    public var position: Int

    public init(epoch: Int, position: Int) {
        self.epoch = epoch
        self.position = position
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 12 && $0.utf8.allSatisfy { (48...57).contains($0) } }) else { return nil }
        if parts.count == 2 {
            guard let epoch = Int(parts[0]), epoch > 0, let position = Int(parts[1]) else { return nil }
            self.init(epoch: epoch, position: position)
        } else {
            guard let position = Int(parts[0]) else { return nil }
            self.init(epoch: 0, position: position)
        }
    }

    public var description: String { epoch == 0 ? String(position) : "\(epoch).\(position)" }
}
