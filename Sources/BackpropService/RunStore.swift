import Dispatch
import Posix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps each run as a JSON file in `<data-dir>/runs/`, written atomically (temp file, fsync,
/// rename, fsync of the directory) on its own serial queue, never on an HTTP I/O queue.
public final class RunStore: Sendable {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var operation: String
        public var path: String
        public var code: Int32

        /// The disk is full (or over quota): the API answers 507.
        public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
        public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// A file that could not be read back, moved aside to `movedTo`.
    public struct SetAside: Error, Sendable {
        public var file: String
        public var movedTo: String
        public var reason: String
    }

    public let directory: String
    /// Where the writes happen, one at a time (tests suspend it to hold a write back).
    let queue = DispatchQueue(label: "backpropd.run-store")

    private let backlog = Locked(RunStoreBacklog())

    /// Creates the directory if needed and proves it writable, so a read-only or missing data
    /// dir fails at start-up with a clear message instead of at the first submission. A data dir
    /// it creates and its `runs/` directory are 0700 and run files 0600 whatever the umask:
    /// inline datasets are the users' data.
    public init(dataDirectory: String, maxFileBytes: Int = RunStore.defaultMaxFileBytes) throws(Failure) {
        directory = dataDirectory.hasSuffix("/") ? dataDirectory + "runs" : dataDirectory + "/runs"
        self.maxFileBytes = maxFileBytes
        try Self.makeDirectory(dataDirectory, tightenExisting: false)
        try Self.makeDirectory(directory, tightenExisting: true)
        let probe = directory + "/.write-probe"
        do {
            try Self.writeAtomically(Array("ok\n".utf8), to: probe, directory: directory)
            unlink(probe)
        } catch  where error.isOutOfSpace {
            // A full disk is not a configuration error: submissions get 507 until space returns.
        }
    }

    /// Largest run file read at start-up (a bigger one stays where it is, named in the log).
    public static let defaultMaxFileBytes = 256 << 20
    public let maxFileBytes: Int

    /// How a save ended.
    public enum SaveOutcome: Sendable, Equatable {
        /// The run (this version or a newer one) is durable.
        case stored
        case failed(Failure)
        /// Removed before it was written: nothing of it is on disk.
        case dropped

        public var failure: Failure? {
            if case .failed(let failure) = self { return failure }
            return nil
        }
    }

    public typealias Completion = @Sendable (SaveOutcome) -> Void

    /// Saves `run` in the background; `completion` (if any) gets the outcome once it is durable.
    /// An `urgent` save (someone is waiting for it) is written before the background ones.
    public func save(_ run: Run, urgent: Bool = false, completion: Completion? = nil) {
        switch backlog.withLock({ $0.save(run, urgent: urgent, completion: completion) }) {
        case .startDrain: queue.async { [self] in drain() }
        case .queued: break
        case .alreadyDurable: completion?(.stored)
        }
    }

    /// An urgent save: returns once the run is durable (or could not be written, or was removed first).
    public func save(_ run: Run) async -> SaveOutcome {
        await withCheckedContinuation { continuation in
            save(run, urgent: true) { continuation.resume(returning: $0) }
        }
    }

    /// Deletes the run's file and drops a save of it not yet written (its waiters hear `dropped`).
    public func remove(_ id: RunID) {
        let (start, dropped) = backlog.withLock { $0.remove(id) }
        for completion in dropped { completion(.dropped) }
        if start { queue.async { [self] in drain() } }
    }

    /// Waits until every save and removal asked for so far is on disk. Blocks: not for a Swift
    /// concurrency thread (use `flushed()` there).
    public func flush() {
        queue.sync {}
    }

    public func flushed() async {
        await withCheckedContinuation { continuation in queue.async { continuation.resume() } }
    }

    private func drain() {
        while let step = backlog.withLock({ $0.next() }) {
            switch step {
            case .save(let run, let completions):
                let outcome: SaveOutcome = write(run).map { .failed($0) } ?? .stored
                let joined = backlog.withLock { $0.wrote(run, outcome: outcome) }
                for completion in completions + joined { completion(outcome) }
            case .remove(let id):
                unlink(path(of: id))
                Self.syncDirectory(directory)
            }
        }
    }

    private func write(_ run: Run) -> Failure? {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(StoredRun(run)))
        } catch {
            return Failure(operation: "encode", path: path(of: run.id), code: EINVAL)
        }
        do {
            try Self.writeAtomically(bytes, to: path(of: run.id), directory: directory)
            return nil
        } catch {
            return error
        }
    }

    func path(of id: RunID) -> String { directory + "/" + id.description + ".json" }

    /// What start-up made of the run files.
    public struct LoadReport: Sendable {
        public var runs: [Run] = []
        /// Damaged files (not JSON, or this format but inconsistent): renamed `*.corrupt-<ms>`.
        public var setAside: [SetAside] = []
        /// Files left where they are: another format (a newer version's, after a rollback), not
        /// a regular file (a FIFO, a symbolic link), over `maxFileBytes`, or unreadable.
        public var skipped: [Skipped] = []
        /// True when start-up was stopped (SIGTERM) before every file was read.
        public var interrupted = false
    }

    public struct Skipped: Sendable {
        public enum Reason: String, Sendable, CaseIterable {
            case unknownFormat = "unknown_format", notRegular = "not_regular", tooLarge = "too_large", unreadable
        }

        public var file: String
        public var reason: Reason
        public var detail: String
    }

    /// Reads every stored run, on every core. Only regular files are opened (never a FIFO, which
    /// would block, nor through a symbolic link), each up to `maxFileBytes`. A file this version
    /// cannot understand is never lost: another format stays where it is (a newer version
    /// reads it again after a roll-forward); only a damaged file of this format is renamed.
    /// `shouldStop` is asked between files; `progress` gets (files read, files in all).
    public func loadAll(
        shouldStop: @Sendable () -> Bool = { false },
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) -> LoadReport {
        for name in Self.fileNames(in: directory) where name.hasSuffix(".tmp") { unlink(directory + "/" + name) }
        let names = Self.fileNames(in: directory).filter { $0.hasSuffix(".json") }
        let outcomes = Locked([Int: Loaded]())
        let done = Locked(0)
        progress(0, names.count)
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            guard !shouldStop() else { return }
            let outcome = load(names[index])
            outcomes.withLock { $0[index] = outcome }
            progress(
                done.withLock { count in
                    count += 1
                    return count
                }, names.count)
        }
        var report = LoadReport()
        let loaded = outcomes.withLock { $0 }
        report.interrupted = loaded.count < names.count
        for index in names.indices {
            switch loaded[index] {
            case .run(let run)?: report.runs.append(run)
            case .setAside(let aside)?: report.setAside.append(aside)
            case .skipped(let skipped)?: report.skipped.append(skipped)
            case nil: break
            }
        }
        if !report.setAside.isEmpty { Self.syncDirectory(directory) }
        return report
    }

    private enum Loaded {
        case run(Run)
        case setAside(SetAside)
        case skipped(Skipped)
    }

    private struct FormatOnly: Decodable {
        var format: Int?
    }

    private func load(_ name: String) -> Loaded {
        let file = directory + "/" + name
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(file, maxBytes: maxFileBytes, followSymbolicLinks: false)
        } catch {
            let reason: Skipped.Reason =
                switch error {
                case .symbolicLink, .notRegular: .notRegular
                case .tooLarge: .tooLarge
                case .system: .unreadable
                }
            return .skipped(Skipped(file: file, reason: reason, detail: error.description))
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = Data(bytes)
        do {
            let stored = try decoder.decode(StoredRun.self, from: data)
            if !StoredRun.readableFormats.contains(stored.format) { return .skipped(unknownFormat(stored.format, file)) }
            guard stored.id + ".json" == name else { throw StoredRun.Unusable(description: "file name does not match id \(stored.id)") }
            return .run(try stored.restore())
        } catch {
            if let format = (try? decoder.decode(FormatOnly.self, from: data))?.format, !StoredRun.readableFormats.contains(format) {
                return .skipped(unknownFormat(format, file))
            }
            let aside = file + ".corrupt-\(Timestamp.now().millisecondsSince1970)"
            rename(file, aside)
            return .setAside(SetAside(file: file, movedTo: aside, reason: String(describing: error)))
        }
    }

    private func unknownFormat(_ format: Int, _ file: String) -> Skipped {
        let newer = format > StoredRun.currentFormat ? "; written by a newer version" : ""
        let readable = StoredRun.readableFormats
        return Skipped(
            file: file, reason: .unknownFormat,
            detail: "format \(format) (this version reads formats \(readable.lowerBound) to \(readable.upperBound)\(newer))")
    }

    // MARK: - Files

    /// Writes a new file under a random temporary name, created exclusively (`O_EXCL|O_NOFOLLOW`:
    /// a file or link planted under any name is never written through), mode 0600 whatever
    /// the umask, then renamed over `path` (rename replaces a link, never its target).
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(Failure) {
        let temporary = path + "." + String(RunID().description.prefix(16)) + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, code: errno) }
        func fail(_ operation: String) -> Failure {
            let code = errno
            close(descriptor)
            unlink(temporary)
            return Failure(operation: operation, path: temporary, code: code)
        }
        guard fchmod(descriptor, 0o600) == 0 else { throw fail("chmod") }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw fail("fsync") }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(operation: "rename", path: temporary, code: code)
        }
        syncDirectory(directory)
    }

    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Creates `path` as 0700 (then sets exactly that: the umask may have removed more), or
    /// checks that it is a directory. `tightenExisting` also takes group and other access away
    /// from an existing one of ours (older versions made `runs/` 0755).
    private static func makeDirectory(_ path: String, tightenExisting: Bool) throws(Failure) {
        if mkdir(path, 0o700) == 0 {
            guard chmod(path, 0o700) == 0 else { throw Failure(operation: "chmod", path: path, code: errno) }
            return
        }
        guard errno == EEXIST else { throw Failure(operation: "create directory", path: path, code: errno) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(operation: "stat", path: path, code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Failure(operation: "use as directory", path: path, code: ENOTDIR) }
        if tightenExisting && info.st_uid == geteuid() && (info.st_mode & 0o077) != 0 {
            guard chmod(path, info.st_mode & 0o700) == 0 else { throw Failure(operation: "chmod", path: path, code: errno) }
        }
    }

    private static func fileNames(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// Writes waiting for the store's queue. Each run is written once with its newest version
/// however often it was saved meanwhile, and is queued at most once; urgent saves (a new run's
/// 202) go first, so a busy or failing disk delays a submission by one write, not by the backlog.
/// Versions only go forward on disk: a save of a version older than one being written or already
/// written (a checkpoint's snapshot taken just before the run finished, a submission's first save
/// overtaken by its first batch's) writes nothing and hears the newer write's outcome.
struct RunStoreBacklog {
    enum Step {
        case save(Run, [RunStore.Completion])
        case remove(RunID)
    }

    /// What `save` asks of the store.
    enum Admission: Equatable {
        /// Queued, and no drain is under way: start one.
        case startDrain
        /// Queued (or joined a write of a newer version); the running drain writes it.
        case queued
        /// This version or a newer one is on disk: nothing to write, the save has succeeded.
        case alreadyDurable
    }

    /// The write under way, and the saves of an older version that wait for its outcome.
    private var writing: (id: RunID, version: Int, joined: [RunStore.Completion], removed: Bool)?
    /// The newest version of each run on disk (forgotten when the run is removed).
    private var durable: [RunID: Int] = [:]

    private var saves: [RunID: (run: Run, completions: [RunStore.Completion])] = [:]
    private var urgent: [RunID] = []
    private var others: [RunID] = []
    private var urgentIDs: Set<RunID> = []
    private var removals: [RunID] = []
    private var draining = false

    mutating func save(_ run: Run, urgent isUrgent: Bool = false, completion: RunStore.Completion?) -> Admission {
        if let version = durable[run.id], run.version <= version, saves[run.id] == nil { return .alreadyDurable }
        if let writing, writing.id == run.id, !writing.removed, run.version <= writing.version, saves[run.id] == nil {
            if let completion { self.writing!.joined.append(completion) }
            return .queued
        }
        if var entry = saves[run.id] {
            if run.version >= entry.run.version { entry.run = run }
            if let completion { entry.completions.append(completion) }
            saves[run.id] = entry
        } else {
            saves[run.id] = (run, completion.map { [$0] } ?? [])
            others.append(run.id)
        }
        if isUrgent, urgentIDs.insert(run.id).inserted { urgent.append(run.id) }
        defer { draining = true }
        return draining ? .queued : .startDrain
    }

    /// The write `next()` gave out has ended: returns the saves that joined it.
    mutating func wrote(_ run: Run, outcome: RunStore.SaveOutcome) -> [RunStore.Completion] {
        guard let finished = writing, finished.id == run.id else { return [] }
        writing = nil
        if outcome == .stored, !finished.removed { durable[run.id] = max(durable[run.id] ?? 0, run.version) }
        return finished.joined
    }

    /// Drops a pending save of the run (its completions are returned) and queues the deletion.
    mutating func remove(_ id: RunID) -> (startDrain: Bool, dropped: [RunStore.Completion]) {
        let dropped = saves.removeValue(forKey: id)?.completions ?? []
        durable.removeValue(forKey: id)
        if writing?.id == id { writing!.removed = true }
        removals.append(id)
        defer { draining = true }
        return (!draining, dropped)
    }

    /// The next write, or nil (and the drain ends) when there is none.
    mutating func next() -> Step? {
        if !removals.isEmpty { return .remove(removals.removeFirst()) }
        while let id = urgent.first ?? others.first {
            if urgent.isEmpty {
                others.removeFirst()
            } else {
                urgent.removeFirst()
                urgentIDs.remove(id)
            }
            if let entry = saves.removeValue(forKey: id) {
                writing = (id, entry.run.version, [], false)
                return .save(entry.run, entry.completions)
            }
        }
        draining = false
        return nil
    }
}
