#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's few calls into the C library.
enum Platform {
    /// Gives the processor to another runnable thread (a team member waiting for a task that a
    /// descheduled thread holds).
    static func yieldProcessor() {
        _ = sched_yield()
    }

    /// Processors online.
    static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The value of an environment variable, read when asked.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
