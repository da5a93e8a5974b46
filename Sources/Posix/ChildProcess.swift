#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// A child process started with `posix_spawn`: the bench's compilers and reference programs, and
/// the tests' curl, shells and real binaries. Not Foundation's `Process`, whose `run()` crashed
/// now and then on Linux (it over-reads the `dirent`s of /proc/self/fd:
/// swift-corelibs-foundation#5472, fixed after Swift 6.3.1). The child gets stdin from /dev/null,
/// the chosen outputs, no other descriptor of ours (so it cannot hold a test's sockets open), no
/// blocked signal and every signal at its default action, whatever the spawning thread had.
public final class ChildProcess: @unchecked Sendable {
    public enum Output: Sendable {
        /// This process's own stream.
        case inherit
        case discard
        /// Into the pipe `readOutput` reads (standard output and error share it when both ask).
        case pipe
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let processIdentifier: pid_t
    /// The read end of the pipe, -1 when neither output is `.pipe`.
    private let outputDescriptor: Int32
    private let status = Locked<Int32?>(nil)
    /// Held around `waitpid`, so two threads asking at once do not both wait for one exit.
    private let reaping = Locked(())

    /// Starts `executable`: a path, or a name looked up in PATH. `environment` replaces this
    /// process's environment when given.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        standardOutput: Output = .pipe, standardError: Output = .inherit
    ) throws(Failure) {
        var actions = Self.makeFileActions()
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        let closeOthers = try Self.closeOtherDescriptors()

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
        closeOthers(&actions, &flags)  // last: the dup2s above still need the pipe

        var attributes = Self.makeAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in argv + (envp ?? []) { free(pointer) } }
        var pid = pid_t()
        let result: Int32
        if let envp {
            result =
                executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            result =
                executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, &attributes, argv, Self.currentEnvironment)
                : posix_spawnp(&pid, executable, &actions, &attributes, argv, Self.currentEnvironment)
        }
        if pipeEnds[1] >= 0 { _ = close(pipeEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { _ = close(pipeEnds[0]) }
            throw Failure(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        outputDescriptor = pipeEnds[0]
    }

    deinit {
        if status.withLock({ $0 == nil }) {
            _ = kill(processIdentifier, SIGKILL)
            reap(blocking: true)
        }
        if outputDescriptor >= 0 { _ = close(outputDescriptor) }
    }

    /// Whether the child still runs (reaps it once it has exited).
    public var isRunning: Bool {
        if status.withLock({ $0 == nil }) { reap(blocking: false) }
        return status.withLock { $0 == nil }
    }

    /// The exit code, or the signal's number if a signal ended it (as Foundation's Process);
    /// -1 while it runs.
    public var terminationStatus: Int32 {
        status.withLock { $0 ?? -1 }
    }

    public func terminate() { signal(SIGTERM) }

    public func signal(_ number: Int32) {
        if status.withLock({ $0 == nil }) { _ = kill(processIdentifier, number) }
    }

    public func waitUntilExit() {
        if status.withLock({ $0 == nil }) { reap(blocking: true) }
    }

    /// Blocks until the child writes to the pipe: what it wrote, empty once it closed the pipe
    /// (or when there is none).
    public func readOutput(upTo limit: Int = 65536) -> [UInt8] {
        guard outputDescriptor >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outputDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Array(buffer[..<count]) }
            if errno != EINTR { return [] }
        }
    }

    /// Everything the child writes to the pipe until it closes it.
    public func readOutputToEnd() -> String {
        var bytes: [UInt8] = []
        while case let chunk = readOutput(), !chunk.isEmpty { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reaps the child if it has exited (or, `blocking`, once it has) and records its status.
    private func reap(blocking: Bool) {
        reaping.withLock { _ in
            guard status.withLock({ $0 == nil }) else { return }
            var raw: Int32 = 0
            while true {
                let reaped = waitpid(processIdentifier, &raw, blocking ? 0 : WNOHANG)
                if reaped == -1 && errno == EINTR { continue }
                guard reaped == processIdentifier else { return }
                break
            }
            let signalNumber = raw & 0x7f
            let code = signalNumber == 0 ? (raw >> 8) & 0xff : signalNumber
            status.withLock { $0 = code }
        }
    }
}

extension ChildProcess {
    /// Runs `executable` to its end with standard output (and standard error, if `mergingErrors`)
    /// collected; blocks the calling thread.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        mergingErrors: Bool = false
    ) throws(Failure) -> (status: Int32, output: String) {
        let child = try ChildProcess(
            executable, arguments, environment: environment,
            standardOutput: .pipe, standardError: mergingErrors ? .pipe : .inherit)
        let text = child.readOutputToEnd()
        child.waitUntilExit()
        return (child.terminationStatus, text)
    }
}
