#if canImport(Glibc)
import Glibc

/// How a training job keeps the HTTP I/O queues responsive when every worker trains. Dispatch
/// QoS does not change a thread's scheduling on Linux, so the job lowers its own thread for its
/// duration and restores it afterwards (Dispatch threads are shared and reused).
enum TrainingPriority {
    /// Linux's SCHED_BATCH (not exported by Glibc's Swift module).
    private static let batchPolicy: Int32 = 3

    /// Runs `body` with the calling thread under SCHED_BATCH: the same CPU share, but the
    /// scheduler treats the thread as CPU-bound, so threads that wake (the I/O queues') run
    /// sooner. `niceness` > 0 also raises the thread's nice value by that much. Both are
    /// restored afterwards; switching between SCHED_BATCH and SCHED_OTHER needs no privilege,
    /// but lowering a nice value again does (root or RLIMIT_NICE): without it the thread keeps
    /// the raised value. It is a thread of the training queues' QoS (`.utility`, overcommit),
    /// which nothing else in the process uses, so only training ever runs on it.
    static func lowered<T>(niceness: Int32, _ body: () throws -> T) rethrows -> T {
        let thread = pthread_self()
        var policy: Int32 = 0
        var parameters = sched_param()
        let known = pthread_getschedparam(thread, &policy, &parameters) == 0
        var batch = sched_param()
        let switched = known && policy != batchPolicy && pthread_setschedparam(thread, batchPolicy, &batch) == 0
        // On Linux, PRIO_PROCESS with id 0 is the calling thread only.
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let nice = niceness > 0 ? getpriority(which, 0) : 0
        if niceness > 0 { _ = setpriority(which, 0, nice + niceness) }
        defer {
            if niceness > 0 { _ = setpriority(which, 0, nice) }
            if switched { _ = pthread_setschedparam(thread, policy, &parameters) }
        }
        return try body()
    }

    /// The calling thread's scheduling policy and nice value (for tests and diagnostics).
    static var current: (batch: Bool, nice: Int32) {
        var policy: Int32 = 0
        var parameters = sched_param()
        _ = pthread_getschedparam(pthread_self(), &policy, &parameters)
        return (policy == batchPolicy, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
    }
}
#endif
