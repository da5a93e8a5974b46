import Foundation
import Glibc

/// A child process started with `posix_spawn`, for tests that run curl, a shell or the real
/// binaries. Foundation's `Process.run()` crashes now and then on Linux (it over-reads the
/// `dirent`s of /proc/self/fd: swift-corelibs-foundation#5472, fixed after Swift 6.3.1), which
/// made whole test processes die at random. Here the child gets only stdin from /dev/null and
/// the chosen output; every other descriptor is closed (`closefrom`), so it cannot keep the
/// sockets of tests running in parallel open.
public final class ChildProcess: @unchecked Sendable {
    public enum Output: Sendable {
        /// The test process's own stream.
        case inherit
        case discard
        /// Into `output` (standard output and standard error share one pipe when both ask for it).
        case pipe
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let processIdentifier: pid_t
    /// The read end of the pipe, when standard output or standard error is `.pipe`.
    public let output: FileHandle?
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` (a path) with `arguments`; `environment` replaces the test process's
    /// environment when given.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                standardOutput: Output = .pipe, standardError: Output = .inherit) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let addCloseFrom = try Self.addCloseFrom()

        var pipeEnds: [Int32] = [-1, -1]
        if standardOutput == .pipe || standardError == .pipe {
            guard pipe(&pipeEnds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        for (target, choice) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
            switch choice {
            case .inherit: break
            case .discard: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .pipe: posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], target)
            }
        }
        _ = addCloseFrom(&actions, 3)  // last: the dup2s above still need the pipe

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            environmentStrings?.forEach { free($0) }
        }
        // As Foundation's Process: the child starts with no signal blocked and every signal at its
        // default action, whatever the spawning thread had (SIGPIPE ignored, a worker's mask).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let result = environmentStrings.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
            throw Failure(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        output = pipeEnds[0] >= 0 ? FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true) : nil
    }

    /// Whether the child still runs (reaps it once it has exited).
    public var isRunning: Bool {
        lock.withLock {
            if status == nil { reap(blocking: false) }
            return status == nil
        }
    }

    /// The exit code, or the signal's number if a signal ended it (as Foundation's Process);
    /// call after `waitUntilExit()` or once `isRunning` is false.
    public var terminationStatus: Int32 {
        lock.withLock { status ?? -1 }
    }

    public func terminate() { signal(SIGTERM) }

    public func signal(_ number: Int32) {
        lock.withLock { if status == nil { _ = kill(processIdentifier, number) } }
    }

    public func waitUntilExit() {
        lock.withLock { if status == nil { reap(blocking: true) } }
    }

    /// Everything the child writes to the pipe until it closes it.
    public func readOutputToEnd() -> String {
        String(decoding: output?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34; not exported to Swift), looked up
    /// before any descriptor is opened so that a missing one leaks nothing.
    private static func addCloseFrom() throws -> AddCloseFrom {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "posix_spawn_file_actions_addclosefrom_np is missing: glibc 2.34 or later is needed")
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }

    private func reap(blocking: Bool) {
        var raw: Int32 = 0
        while true {
            let reaped = waitpid(processIdentifier, &raw, blocking ? 0 : WNOHANG)
            if reaped == -1 && errno == EINTR { continue }
            guard reaped == processIdentifier else { return }
            break
        }
        let signalNumber = raw & 0x7f
        status = signalNumber == 0 ? (raw >> 8) & 0xff : signalNumber
    }

    deinit {
        if status == nil {
            _ = kill(processIdentifier, SIGKILL)
            reap(blocking: true)
        }
    }
}

extension ChildProcess {
    /// Runs `executable` to its end with standard output (and standard error, if `mergingErrors`)
    /// collected; blocks the calling thread.
    public static func run(_ executable: String, _ arguments: [String], mergingErrors: Bool = false) throws -> (status: Int32, output: String) {
        let child = try ChildProcess(executable, arguments, standardOutput: .pipe, standardError: mergingErrors ? .pipe : .inherit)
        let text = child.readOutputToEnd()
        child.waitUntilExit()
        return (child.terminationStatus, text)
    }
}
