import Glibc

/// Process-wide settings a socket server needs, applied once at start.
enum ProcessLimits {
    /// Ignores SIGPIPE, so a write to a closed socket fails with EPIPE instead of killing the
    /// process (sends also pass MSG_NOSIGNAL; this covers every other write in the process).
    static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Raises the soft open-file limit to the hard limit so `maxConnections` is reachable.
    /// Returns (old, new) soft limits, or nil when the limit could not be read or raised.
    static func raiseOpenFileLimit() -> (old: UInt64, new: UInt64)? {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let old = UInt64(limit.rlim_cur)
        var target = limit.rlim_max
        if target == rlim_t.max {  // RLIM_INFINITY
            target = rlim_t(1 << 20)   // the kernel refuses an infinite NOFILE; 1 Mi is fs.nr_open's default
        }
        guard target > limit.rlim_cur else { return (old, old) }
        limit.rlim_cur = target
        guard setrlimit(resource, &limit) == 0 else { return nil }
        return (old, UInt64(target))
    }
}
