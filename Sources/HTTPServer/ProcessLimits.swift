#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide settings a socket server needs, applied once at start. The resource names and
/// the largest open-file limit the kernel accepts differ per platform (`ProcessLimits+Glibc`,
/// `ProcessLimits+Darwin`).
enum ProcessLimits {
    /// Ignores SIGPIPE, so a write to a closed socket fails with EPIPE instead of killing the
    /// process (sends are made so that they never raise it; this covers every other write).
    static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Raises the soft open-file limit to the hard limit so `maxConnections` is reachable.
    /// Returns (old, new) soft limits, or nil when the limit could not be read or raised.
    static func raiseOpenFileLimit() -> (old: UInt64, new: UInt64)? {
        var limit = rlimit()
        guard getrlimit(openFiles, &limit) == 0 else { return nil }
        let old = UInt64(limit.rlim_cur)
        let target = largestOpenFileLimit(hard: limit.rlim_max)
        guard target > limit.rlim_cur else { return (old, old) }
        limit.rlim_cur = target
        guard setrlimit(openFiles, &limit) == 0 else { return nil }
        return (old, UInt64(target))
    }

    /// Processors online: the default number of I/O queues.
    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
