#if canImport(Darwin)
import Darwin

/// How a training job keeps the HTTP I/O queues responsive when every worker trains. On Darwin
/// the training queues' QoS (`.utility`) already lowers their threads, below the I/O queues'
/// `.userInitiated`; a job changes nothing itself.
enum TrainingPriority {
    /// Runs `body`; `niceness` is not applied on Darwin (QoS decides).
    static func lowered<T>(niceness: Int32, _ body: () throws -> T) rethrows -> T {
        try body()
    }

    /// The calling thread's nice value (there is no SCHED_BATCH on Darwin).
    static var current: (batch: Bool, nice: Int32) {
        (false, getpriority(PRIO_PROCESS, 0))
    }
}
#endif
