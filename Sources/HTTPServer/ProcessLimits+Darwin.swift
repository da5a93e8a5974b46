#if canImport(Darwin)
import Darwin

extension ProcessLimits {
    static let openFiles = RLIMIT_NOFILE

    /// The hard limit, at most OPEN_MAX: Darwin refuses a larger soft NOFILE limit.
    static func largestOpenFileLimit(hard: rlim_t) -> rlim_t {
        min(hard, rlim_t(OPEN_MAX))
    }
}
#endif
