import Dispatch
import Foundation
import Posix
import TestSupport
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
    /// `submit` (it read the queue without the lock; it is a constant now). What still reads
    /// shared state while others submit is `load`: it must see a consistent queue, and every
    /// job must run once, each owner's in the order submitted.
    @Test func loadReadsWhileOtherThreadsSubmitAndEveryJobRunsOnceInOrder() async throws {
        let pool = WorkerPool<Int, Int>(workers: 1, capacity: 10_000)
        let ran = Locked<[Int: [Int]]>([:])
        pool.start { owner, job in ran.withLock { $0[owner, default: []].append(job) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for owner in 0..<4 {
                group.addTask {
                    for job in 0..<200 {
                        let load = pool.load
                        #expect((0...pool.capacity).contains(load.pendingCost) && (0...1).contains(load.busyWorkers))
                        try pool.submit([(job, 1)], for: owner)
                    }
                }
            }
            try await group.waitForAll()
        }
        let deadline = ContinuousClock.now + TestTime.scaled(.seconds(30))
        while ran.withLock({ $0.values.map(\.count).reduce(0, +) }) < 800, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        pool.stop()
        #expect(ran.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, Array(0..<200)) }))
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

    @Test func jobsRunOnTheTrainingQueuesAndOnlyOneAtATimePerQueue() async throws {
        let pool = WorkerPool<Int, Int>(workers: 2, capacity: 100)
        let key = DispatchSpecificKey<String>()
        for queue in pool.queues { queue.setSpecific(key: key, value: queue.label) }
        let labels = Locked<Set<String>>([])
        let running = Locked((now: 0, most: 0))
        pool.start { _, _ in
            labels.withLock { _ = $0.insert(DispatchQueue.getSpecific(key: key) ?? "not a training queue") }
            running.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
            usleep(3000)
            running.withLock { $0.now -= 1 }
        }
        for owner in 0..<6 { try pool.submit([(owner, 1), (owner + 100, 1)], for: owner) }
        while pool.load.pendingCost > 0 || pool.load.busyWorkers > 0 { try await Task.sleep(for: .milliseconds(1)) }
        pool.stop()
        #expect(labels.withLock { $0 } == ["backpropd.training.0", "backpropd.training.1"])
        #expect(running.withLock { $0.most } <= 2, "never more jobs at once than queues")
    }

    @Test func jobsSubmittedBeforeStartRunOnceItStarts() async throws {
        let pool = WorkerPool<Int, Int>(workers: 2, capacity: 10)
        try pool.submit([(1, 1), (2, 1), (3, 1)], for: 0, ignoringCapacity: true)
        let seen = Locked<[Int]>([])
        pool.start { _, job in seen.withLock { $0.append(job) } }
        while seen.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(1)) }
        pool.stop()
        #expect(seen.withLock { $0.sorted() } == [1, 2, 3])
    }

    @Test func stopWaitsForTheRunningJobsAndStartsNoMore() async throws {
        let pool = WorkerPool<Int, Int>(workers: 1, capacity: 10)
        let finished = Locked<[Int]>([])
        let gate = Gate()
        pool.start { _, job in
            gate.wait()
            finished.withLock { $0.append(job) }
        }
        try pool.submit([(1, 1), (2, 1)], for: 0)
        while pool.load.busyWorkers == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let stopped = Locked(false)
        let stopper = Thread {
            pool.stop()
            stopped.withLock { $0 = true }
        }
        stopper.start()
        try await Task.sleep(for: .milliseconds(50))
        #expect(!stopped.withLock { $0 }, "stop returns only once the running job has")
        gate.open()
        while !stopped.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        #expect(finished.withLock { $0 } == [1], "the job that had not started never runs")
    }

    /// LeakSanitizer (scripts/test --sanitize=address) found the service's registry leaked: it
    /// holds its pool, and the pool held the registry's `execute` closure for good.
    @Test func stopLetsGoOfTheExecuteClosure() async throws {
        final class Owner: Sendable {}
        weak var released: Owner?
        let pool = WorkerPool<Int, Int>(workers: 1, capacity: 10)
        do {
            let owner = Owner()
            released = owner
            pool.start { _, _ in withExtendedLifetime(owner) {} }
        }
        try pool.submit([(1, 1)], for: 0)
        while pool.load.pendingCost > 0 || pool.load.busyWorkers > 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(released != nil, "held while the pool runs")
        pool.stop()
        #expect(released == nil)
    }

    #if os(Linux)
    /// The job lowers its own thread (Dispatch threads are reused) and restores it afterwards.
    @Test func aJobTrainsUnderSchedBatchAtItsNiceValueAndTheThreadIsRestoredAfter() async throws {
        func niceDuringAJob(niceness: Int32) async throws -> (batch: Bool, nice: Int32) {
            let pool = WorkerPool<Int, Int>(workers: 1, capacity: 10, niceness: niceness)
            let during = Locked<(batch: Bool, nice: Int32)?>(nil)
            pool.start { _, _ in during.withLock { $0 = TrainingPriority.current } }
            try pool.submit([(1, 1)], for: 0)
            while during.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(1)) }
            pool.stop()
            return try #require(during.withLock { $0 })
        }
        // The training queues' QoS sets their threads' own nice value (2 for .utility on Linux).
        let plain = try await niceDuringAJob(niceness: 0)
        let niced = try await niceDuringAJob(niceness: 5)
        #expect(plain.batch && niced.batch)
        #expect(niced.nice == min(plain.nice + 5, 19), "\(niced) \(plain)")

        let result = Locked<((batch: Bool, nice: Int32), (batch: Bool, nice: Int32), (batch: Bool, nice: Int32))?>(nil)
        let thread = Thread {
            let outside = TrainingPriority.current
            let inside = TrainingPriority.lowered(niceness: 3) { TrainingPriority.current }
            result.withLock { $0 = (outside, inside, TrainingPriority.current) }
        }
        thread.start()
        while result.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(1)) }
        let (outside, inside, after) = try #require(result.withLock { $0 })
        #expect(!outside.batch && inside.batch && !after.batch)
        #expect(inside.nice == outside.nice + 3)
        if getuid() == 0 { #expect(after.nice == outside.nice, "restored (root may lower a nice value again)") }
    }
    #endif
}
