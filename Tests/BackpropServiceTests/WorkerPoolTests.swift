import Glibc
import Testing
@testable import BackpropService

@Suite struct WorkerPoolTests {
    final class Gate: Sendable {
        private let opened = Locked(false)
        func open() { opened.withLock { $0 = true } }
        func wait() { while !opened.withLock({ $0 }) { usleep(1000) } }
    }

    @Test func everyJobRunsOnceOnSeveralThreadsAndStopJoins() async throws {
        let pool = WorkerPool<Int, Int>(workers: 3, capacity: 1000)
        let seen = Locked<[Int]>([])
        let threads = Locked<Set<UInt>>([])
        let gate = Gate()
        pool.start { _, job in
            gate.wait()
            threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            usleep(2000)
            seen.withLock { $0.append(job) }
        }
        for owner in 0..<10 {
            try pool.submit((0..<5).map { (owner * 10 + $0, 1) }, for: owner)
        }
        #expect(pool.load.pendingCost > 40)
        gate.open()
        while seen.withLock({ $0.count }) < 50 { try await Task.sleep(for: .milliseconds(1)) }
        pool.stop()
        let expected: [Int] = (0..<10).flatMap { owner in (0..<5).map { owner * 10 + $0 } }
        let ran: [Int] = seen.withLock { $0.sorted() }
        #expect(ran == expected)
        #expect(threads.withLock { $0.count } > 1)
        #expect(pool.load.pendingCost == 0)
        #expect(pool.load.busyWorkers == 0)
    }

    /// ThreadSanitizer (scripts/test --sanitize=thread) once reported `capacity` racing with
    /// `submit`: it read the queue, which `submit` mutates under the lock, without the lock.
    @Test func capacityReadsWhileOtherThreadsSubmit() async throws {
        let pool = WorkerPool<Int, Int>(workers: 1, capacity: 10_000)
        let done = Locked(0)
        pool.start { _, _ in done.withLock { $0 += 1 } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for owner in 0..<4 {
                group.addTask {
                    for job in 0..<200 {
                        #expect(pool.capacity == 10_000)
                        try pool.submit([(job, 1)], for: owner)
                    }
                }
            }
            try await group.waitForAll()
        }
        while done.withLock({ $0 }) < 800 { try await Task.sleep(for: .milliseconds(1)) }
        pool.stop()
        #expect(pool.load.pendingCost == 0)
    }

    @Test func fullQueueRefusesAndRemovePendingFreesRoom() async throws {
        let pool = WorkerPool<String, Int>(workers: 1, capacity: 4)
        let gate = Gate()
        pool.start { _, _ in gate.wait() }
        try pool.submit([(1, 1)], for: "a")
        while pool.load.busyWorkers == 0 { try await Task.sleep(for: .milliseconds(1)) }
        try pool.submit([(2, 2), (3, 2)], for: "b")
        #expect(throws: FairQueue<String, Int>.Full.self) { try pool.submit([(4, 1)], for: "c") }
        #expect(pool.removePending(for: "b") == [2, 3])
        try pool.submit([(4, 1)], for: "c")
        gate.open()
        pool.stop()
    }
}
