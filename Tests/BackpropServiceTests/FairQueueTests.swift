import Testing

@testable import BackpropService

@Suite struct FairQueueTests {
    @Test func servesOwnersRoundRobin() throws {
        var queue = FairQueue<String, String>(capacity: 100)
        try queue.enqueue([("a1", 8), ("a2", 8), ("a3", 8)], for: "a")
        try queue.enqueue([("b1", 1)], for: "b")
        try queue.enqueue([("c1", 2), ("c2", 2)], for: "c")
        var served: [String] = []
        while let next = queue.dequeue() { served.append(next.job) }
        #expect(served == ["a1", "b1", "c1", "a2", "c2", "a3"])
        #expect(queue.pendingCost == 0)
        #expect(queue.isEmpty)
    }

    @Test func laterSmallRunWaitsOneBatchNotTheWholeSweep() throws {
        var queue = FairQueue<String, Int>(capacity: 1000)
        try queue.enqueue((0..<8).map { ($0, 8) }, for: "sweep")
        _ = queue.dequeue()
        try queue.enqueue([(99, 1)], for: "small")
        #expect(queue.dequeue()?.owner == "sweep")
        #expect(queue.dequeue()?.job == 99)
    }

    @Test func boundIsCountedInCostAndAllOrNothing() throws {
        var queue = FairQueue<String, Int>(capacity: 10)
        try queue.enqueue([(1, 6)], for: "a")
        #expect(throws: FairQueue<String, Int>.Full(pendingCost: 6, capacity: 10)) {
            try queue.enqueue([(2, 2), (3, 3)], for: "b")
        }
        #expect(queue.pendingCost == 6)
        try queue.enqueue([(2, 4)], for: "b")
        #expect(queue.pendingCost == 10)
        try queue.enqueue([(3, 5)], for: "c", ignoringCapacity: true)
        #expect(queue.pendingCost == 15)
    }

    @Test func removeAllDropsOnlyThatOwner() throws {
        var queue = FairQueue<String, Int>(capacity: 100)
        try queue.enqueue([(1, 1), (2, 1)], for: "a")
        try queue.enqueue([(3, 1)], for: "b")
        #expect(queue.removeAll(for: "a") == [1, 2])
        #expect(queue.removeAll(for: "a") == [])
        #expect(queue.pendingCost == 1)
        #expect(queue.dequeue()?.job == 3)
        #expect(queue.dequeue() == nil)
    }
}
