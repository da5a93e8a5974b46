/// A run's events in the one order every client sees them: what `GET /runs/{id}/events` streams,
/// what each event's `id:` counts and what the `next`/`after` cursors of `GET /runs/{id}` point
/// into. Append-only within an epoch, so a position names the same event for as long as the run
/// exists; per trial its points come in order, then its terminal `trial` event; the run's terminal
/// `status` after every trial's; `end` last.
///
/// Compact: a run of points of one trial is one entry that refers to the trial's curve (which
/// holds the values), and points are logged when someone reads the log (`Run.logPendingPoints`)
/// or before their trial's next event, not per progress report: a run nobody watches costs a
/// dozen bytes per trial event, one that is watched an entry per trial per read.
public struct RunEventLog: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case status, trial, points, end
    }

    /// One appended event, or for `points` a run of consecutive points of one trial.
    struct Entry: Sendable, Equatable {
        /// Position of its (first) event.
        var start: UInt32
        /// `points`: the curve index of the first point; `status`/`trial`: iterations done then.
        var value: UInt32
        var trial: UInt16
        var kind: Kind
        /// `status`: a `RunLifecycle.Status`; `trial`: a `TrialProgress.Phase` (their indices).
        var code: UInt8
    }

    /// One event as the stream sends it.
    public enum Event: Sendable, Equatable {
        case status(RunLifecycle.Status, iterationsDone: Int)
        case trial(Int, TrialProgress.Phase, iterationsDone: Int)
        case point(trial: Int, curveIndex: Int)
        case end
    }

    private(set) var entries: [Entry] = []
    /// Events logged so far: the position after the last one.
    public private(set) var count = 0
    /// Bumped each time a restart could not keep the whole log (see `restart`); cursors carry it.
    public private(set) var epoch = 0
    /// `epochStarts[e]`: the position where epoch e + 1 began; events before it are the same
    /// events in every later epoch.
    private(set) var epochStarts: [Int] = []
    /// How many points of each trial are logged: the first `logged[t]` of its curve.
    private(set) var logged: [Int] = []

    public init() {}

    // MARK: - Appending

    public mutating func appendStatus(_ status: RunLifecycle.Status, iterationsDone: Int) {
        append(Entry(start: 0, value: Self.clamp(iterationsDone), trial: 0, kind: .status, code: status.code), size: 1)
    }

    public mutating func appendTrial(_ trial: Int, _ phase: TrialProgress.Phase, iterationsDone: Int) {
        append(Entry(start: 0, value: Self.clamp(iterationsDone), trial: UInt16(trial), kind: .trial, code: phase.code), size: 1)
    }

    /// Points `curveIndices` of the trial's curve; extends the last entry when it holds the
    /// points just before these.
    public mutating func appendPoints(trial: Int, curveIndices: Range<Int>) {
        guard !curveIndices.isEmpty else { return }
        if let last = entries.last, last.kind == .points, Int(last.trial) == trial,
            Int(last.value) + (count - Int(last.start)) == curveIndices.lowerBound
        {
            count += curveIndices.count
            noteLogged(trial: trial, upTo: curveIndices.upperBound)
            return
        }
        append(Entry(start: 0, value: UInt32(curveIndices.lowerBound), trial: UInt16(trial), kind: .points, code: 0), size: curveIndices.count)
    }

    /// The last event: the log is complete, and keeps no spare capacity from here on.
    public mutating func appendEnd() {
        append(Entry(start: 0, value: 0, trial: 0, kind: .end, code: 0), size: 1)
        compact()
    }

    private mutating func append(_ entry: Entry, size: Int) {
        var entry = entry
        entry.start = UInt32(count)
        entries.append(entry)
        count += size
        if entry.kind == .points { noteLogged(trial: Int(entry.trial), upTo: Int(entry.value) + size) }
    }

    private mutating func noteLogged(trial: Int, upTo end: Int) {
        if trial >= logged.count { logged += [Int](repeating: 0, count: trial + 1 - logged.count) }
        logged[trial] = max(logged[trial], end)
    }

    /// Points of `trial` logged so far (its curve's first ones).
    public func pointsLogged(trial: Int) -> Int {
        trial < logged.count ? logged[trial] : 0
    }

    /// Drops the arrays' spare capacity (a finished run's log does not grow again).
    mutating func compact() {
        var exact: [Entry] = []
        exact.reserveCapacity(entries.count)
        exact.append(contentsOf: entries)
        entries = exact
    }

    private static func clamp(_ value: Int) -> UInt32 { UInt32(max(0, min(value, Int(UInt32.max)))) }

    /// Whether `end` is logged: nothing comes after it.
    public var hasEnded: Bool { entries.last?.kind == .end }

    // MARK: - Reading

    /// The events in `range` (positions), in order.
    public func events(in range: Range<Int>) -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(range.count)
        forEachEvent(in: range) { _, event in events.append(event) }
        return events
    }

    /// Calls `body(position, event)` for the events in `range`, in order, without collecting them.
    public func forEachEvent(in range: Range<Int>, _ body: (Int, Event) -> Void) {
        let range = range.clamped(to: 0..<count)
        guard !range.isEmpty else { return }
        var index = entryIndex(containing: range.lowerBound)
        var position = range.lowerBound
        while position < range.upperBound {
            let entry = entries[index]
            let end = index + 1 < entries.count ? Int(entries[index + 1].start) : count
            switch entry.kind {
            case .points:
                let first = Int(entry.value) - Int(entry.start)
                while position < min(end, range.upperBound) {
                    body(position, .point(trial: Int(entry.trial), curveIndex: first + position))
                    position += 1
                }
            case .status:
                body(position, .status(RunLifecycle.Status(code: entry.code), iterationsDone: Int(entry.value)))
                position += 1
            case .trial:
                body(position, .trial(Int(entry.trial), TrialProgress.Phase(code: entry.code), iterationsDone: Int(entry.value)))
                position += 1
            case .end:
                body(position, .end)
                position += 1
            }
            index += 1
        }
    }

    /// How many points of each of `trials` trials were logged at or after `position`.
    public func pointsLogged(from position: Int, trials: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: trials)
        guard position < count else { return counts }
        var index = entryIndex(containing: max(0, position))
        while index < entries.count {
            let entry = entries[index]
            if entry.kind == .points, Int(entry.trial) < trials {
                let end = index + 1 < entries.count ? Int(entries[index + 1].start) : count
                counts[Int(entry.trial)] += end - max(Int(entry.start), position)
            }
            index += 1
        }
        return counts
    }

    /// The entry holding `position` (binary search on the starts).
    private func entryIndex(containing position: Int) -> Int {
        var low = 0
        var high = entries.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if Int(entries[middle].start) <= position { low = middle } else { high = middle }
        }
        return low
    }

    // MARK: - Cursors

    /// The cursor of the position after `position`'s event (`position + 1`), or of the log's
    /// start (`0`): what an event's `id:` and a run's `next` say.
    public func cursor(at position: Int) -> EventCursor {
        EventCursor(epoch: epoch, position: position)
    }

    /// Where a cursor resumes in this log: exactly its position in this epoch; in an earlier one,
    /// at most where the events it counted stop being shared with this epoch (a restart that
    /// could not keep them sends them again). A well-formed cursor this log never gave out (past
    /// its end, or of a later epoch) resumes at the end: nothing is after it yet.
    public func position(of cursor: EventCursor) -> Int {
        guard cursor.epoch <= epoch else { return count }
        var position = cursor.position
        for start in epochStarts[cursor.epoch...] { position = min(position, start) }
        return min(position, count)
    }

    // MARK: - Restarts

    /// What the log needs to know of a trial after a reload.
    public struct TrialState: Sendable {
        /// Its terminal phase, nil when it must train again.
        public var terminal: TrialProgress.Phase?
        /// Points its curve holds (all of them are kept for a finished trial).
        public var curvePoints: Int
        public var iterationsDone: Int

        public init(terminal: TrialProgress.Phase?, curvePoints: Int, iterationsDone: Int) {
            self.terminal = terminal
            self.curvePoints = curvePoints
            self.iterationsDone = iterationsDone
        }
    }

    /// After a reload of an unfinished run, whose unfinished trials train again from their start:
    /// keeps the events before the first one about such a trial, begins a new epoch there, logs
    /// again what the finished trials had after that point, then the run's `status`. A cursor of
    /// the earlier epoch then resumes at most at the kept prefix (some events come twice, none is lost).
    public mutating func restart(trials: [TrialState], status: RunLifecycle.Status, iterationsDone: Int) {
        var keep = count
        for entry in entries
        where (entry.kind == .points || entry.kind == .trial)
            && Int(entry.trial) < trials.count && trials[Int(entry.trial)].terminal == nil
        {
            keep = Int(entry.start)
            break
        }
        truncate(at: keep)
        epochStarts.append(keep)
        epoch += 1
        relog(trials: trials, status: status, iterationsDone: iterationsDone)
    }

    /// The log of a run stored before logs were kept: every trial's events in trial order.
    public static func rebuilt(trials: [TrialState], status: RunLifecycle.Status, iterationsDone: Int) -> RunEventLog {
        var log = RunEventLog()
        log.appendStatus(.queued, iterationsDone: 0)
        log.relog(trials: trials, status: status, iterationsDone: iterationsDone)
        return log
    }

    /// Logs, for every finished trial, what the log lacks of it (running, points, terminal event),
    /// then the run's status if it differs from the last one logged (and `end` after a terminal one).
    private mutating func relog(trials: [TrialState], status: RunLifecycle.Status, iterationsDone: Int) {
        var points = pointsLogged(from: 0, trials: trials.count)
        var phases = [TrialProgress.Phase?](repeating: nil, count: trials.count)
        var lastStatus: RunLifecycle.Status?
        for entry in entries {
            if entry.kind == .trial, Int(entry.trial) < trials.count { phases[Int(entry.trial)] = TrialProgress.Phase(code: entry.code) }
            if entry.kind == .status { lastStatus = RunLifecycle.Status(code: entry.code) }
        }
        for (index, trial) in trials.enumerated() {
            guard let terminal = trial.terminal, phases[index] != terminal else { continue }
            if points[index] < trial.curvePoints, phases[index] != .running {
                appendTrial(index, .running, iterationsDone: 0)
            }
            appendPoints(trial: index, curveIndices: points[index]..<max(points[index], trial.curvePoints))
            points[index] = max(points[index], trial.curvePoints)
            appendTrial(index, terminal, iterationsDone: trial.iterationsDone)
        }
        if lastStatus != status {
            appendStatus(status, iterationsDone: iterationsDone)
            if status.isFinished { appendEnd() }
        }
    }

    private mutating func truncate(at position: Int) {
        guard position < count else { return }
        let index = entryIndex(containing: position)
        if Int(entries[index].start) == position {
            entries.removeSubrange(index...)
        } else {
            entries.removeSubrange((index + 1)...)
        }
        count = position
        logged = pointsLogged(from: 0, trials: logged.count)
    }

    // MARK: - Storage

    /// The log as the run file keeps it: five integers per entry (kind, code, trial, value, size).
    var storedEntries: [Int] {
        var flat: [Int] = []
        flat.reserveCapacity(entries.count * 5)
        for (index, entry) in entries.enumerated() {
            let end = index + 1 < entries.count ? Int(entries[index + 1].start) : count
            flat += [Int(entry.kind.rawValue), Int(entry.code), Int(entry.trial), Int(entry.value), end - Int(entry.start)]
        }
        return flat
    }

    /// Rebuilds a stored log; nil if the numbers do not describe one.
    init?(storedEntries flat: [Int], epoch: Int, epochStarts: [Int]) {
        guard flat.count % 5 == 0, epoch >= 0, epochStarts.count == epoch else { return nil }
        for offset in stride(from: 0, to: flat.count, by: 5) {
            guard let kind = Kind(rawValue: UInt8(clamping: flat[offset])), (0...255).contains(flat[offset + 1]),
                (0...Int(UInt16.max)).contains(flat[offset + 2]), (0...Int(UInt32.max)).contains(flat[offset + 3]),
                flat[offset + 4] >= 1, kind == .points || flat[offset + 4] == 1
            else { return nil }
            append(
                Entry(start: 0, value: UInt32(flat[offset + 3]), trial: UInt16(flat[offset + 2]), kind: kind, code: UInt8(flat[offset + 1])),
                size: flat[offset + 4])
        }
        guard count <= Int(UInt32.max), epochStarts.allSatisfy({ (0...count).contains($0) }) else { return nil }
        self.epoch = epoch
        self.epochStarts = epochStarts
        compact()
    }
}

extension RunLifecycle.Status {
    var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }

    init(code: UInt8) {
        self = Int(code) < Self.allCases.count ? Self.allCases[Int(code)] : .queued
    }
}
