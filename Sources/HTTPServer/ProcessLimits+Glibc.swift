#if canImport(Glibc)
import Glibc

extension ProcessLimits {
    static let openFiles = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    /// The hard limit, except that the kernel refuses an infinite NOFILE: then 1 Mi (fs.nr_open's default).
    static func largestOpenFileLimit(hard: rlim_t) -> rlim_t {
        hard == rlim_t.max ? rlim_t(1 << 20) : hard  // rlim_t.max: RLIM_INFINITY
    }
}
#endif
