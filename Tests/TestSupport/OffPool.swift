import Foundation
import Posix

/// Runs blocking work (a client's socket calls, disk, fsync, a child process) on a thread of its
/// own, never on one of Swift's cooperative threads: the in-process servers' `.concurrent`
/// handlers need those, and on a 2-core machine there are only two.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// Runs a program to its end off the cooperative pool: its exit status and standard output (and
/// standard error, if `mergingErrors`).
public func runProcess(
    _ executable: String, _ arguments: [String],
    mergingErrors: Bool = false
) async throws -> (status: Int32, output: String) {
    try await offPool { try ChildProcess.run(executable, arguments, mergingErrors: mergingErrors) }
}
