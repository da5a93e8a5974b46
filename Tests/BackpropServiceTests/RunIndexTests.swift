import Backprop
import Testing

@testable import BackpropService

/// `GET /runs` filters and orders, on the index alone (issue 14): every filter, both orders,
/// cursors that stay valid per filter and order, and an index that follows every change.
@Suite struct RunIndexTests {
    /// A run created at `millis`; with `bestError`, one learned trial ending there (and the run succeeded).
    static func run(
        _ millis: Int64, name: String? = nil, labels: [String: String] = [:], bestError: Double? = nil,
        status: RunLifecycle.Status? = nil
    ) -> Run {
        let sweep = Sweep(dataset: .builtIn(named: "xor")!, alphas: [1], hiddenSizes: [2], iterations: 10, errorEvery: 5)
        var run = Run(
            request: RunRequest(datasetName: "xor", sweep: sweep, name: name, labels: labels),
            createdAt: Timestamp(millisecondsSince1970: millis))
        if let bestError {
            let curve = [CurvePoint(iteration: 0, error: 0.5), CurvePoint(iteration: 10, error: bestError)]
            run.trials[0].state = .finished(
                TrialResult(
                    alpha: 1, hiddenSize: 2, status: .succeeded, divergedAtIteration: nil, iterationsDone: 10,
                    errorCurve: curve, finalError: bestError, synapses: [], directionChanges: [],
                    outputs: Matrix(rows: 0, columns: 0, values: []), durationMs: 1))
        }
        let finalStatus: RunLifecycle.Status? = status ?? (bestError == nil ? nil : .succeeded)
        if let finalStatus {
            run.lifecycle = finalStatus == .queued ? RunLifecycle(trialsLeft: 1) : RunLifecycle(finished: finalStatus)
        }
        return run
    }

    /// Every page of `query` from the first, following `next`.
    static func allPages(_ index: RunIndex, _ query: RunQuery) -> [[RunIndexEntry]] {
        var pages: [[RunIndexEntry]] = []
        var query = query
        while true {
            let (page, next) = index.page(query)
            pages.append(page)
            guard let next else { return pages }
            #expect(RunListCursor(next.description) == next, "a cursor reads back as itself: \(next)")
            query.cursor = RunListCursor(next.description)
            if pages.count > 1000 { Issue.record("no end"); return pages }
        }
    }

    /// 60 runs: some created in the same millisecond, some unnamed, two label keys (one on
    /// every run), equal best errors, a quarter cancelled without a result.
    static let runs: [Run] = (0..<60).map(sampleRun)

    static func sampleRun(_ number: Int) -> Run {
        let millis = Int64(1_000 + number * 10 + (number % 7 == 0 ? 0 : 1))
        let word = number % 3 == 0 ? "ÄLPHA" : "beta"
        let name: String? = number % 5 == 0 ? nil : "Sweep \(word) #\(number)"
        var labels = ["team": number % 2 == 0 ? "red" : "blue"]
        if number % 3 != 0 { labels["size"] = String(number % 4) }
        let hasResult = number % 4 != 3
        let error = Double((number * 37) % 23) / 100 + 0.001 * Double(number % 2)
        return run(millis, name: name, labels: labels, bestError: hasResult ? error : nil, status: hasResult ? nil : .cancelled)
    }

    static var index: RunIndex {
        var index = RunIndex()
        for run in runs { index.update(run) }
        return index
    }

    static func expected(_ query: RunQuery) -> [RunID] {
        let entries = runs.map(RunIndexEntry.init).filter(query.matches)
        return entries.sorted { $0.key(for: query.sort) < $1.key(for: query.sort) }.map(\.id)
    }

    @Test(arguments: [1, 2, 7, 50, 1000])
    func everyFilterAndOrderPagesThroughExactlyTheMatchingRuns(limit: Int) {
        let index = Self.index
        var queries: [RunQuery] = []
        for sort in RunListSort.allCases {
            for labels in [
                [], [RunQuery.Label(key: "team", value: "red")],
                [RunQuery.Label(key: "team", value: "blue"), RunQuery.Label(key: "size", value: "1")],
                [RunQuery.Label(key: "size", value: "0")], [RunQuery.Label(key: "nope", value: "x")],
            ] {
                for text in [nil, "älpha", "BETA #1", "zzz"] as [String?] {
                    for status in [nil, RunLifecycle.Status.succeeded, .cancelled] {
                        var query = RunQuery()
                        query.sort = sort
                        query.labels = labels
                        query.text = text
                        query.status = status
                        query.limit = limit
                        queries.append(query)
                    }
                }
            }
        }
        for query in queries {
            let pages = Self.allPages(index, query)
            #expect(pages.dropLast().allSatisfy { $0.count == limit }, "full pages before the last")
            #expect(pages.flatMap { $0 }.map(\.id) == Self.expected(query), "\(query)")
        }
    }

    /// `q=` compares the folded name's UTF-8 bytes: the same answers as String containment.
    @Test(arguments: [
        ("älpha run", "älpha", true), ("älpha run", "run", true), ("älpha run", "älpha run", true),
        ("älpha run", "älpha runs", false), ("älpha", "", true), ("", "a", false), ("aab", "ab", true),
        ("beta #1", "beta #2", false), ("ä", "a", false), ("a\u{301}", "a\u{301}", true), ("x", "xx", false),
    ])
    func theNameSearchFindsBytesWhereTheStringIs(name: String, text: String, found: Bool) {
        #expect(RunIndexEntry.contains(Array(name.utf8), Array(text.utf8)) == found)
        #expect(text.isEmpty || name.contains(text) == found, "the string answer agrees")
    }

    @Test func filtersMeanWhatTheySay() {
        let index = Self.index
        var query = RunQuery()
        query.limit = 1000
        query.labels = [.init(key: "team", value: "red")]
        #expect(index.page(query).entries.allSatisfy { $0.labels["team"] == "red" })
        #expect(index.page(query).entries.count == 30)
        query.labels.append(.init(key: "size", value: "2"))
        let both = index.page(query).entries
        #expect(!both.isEmpty && both.allSatisfy { $0.labels["team"] == "red" && $0.labels["size"] == "2" }, "all labels must match")
        query.labels = []
        query.text = "älpha"
        let named = index.page(query).entries
        #expect(!named.isEmpty && named.allSatisfy { $0.name?.contains("ÄLPHA") == true }, "q is case-insensitive, Unicode too")
        query.text = nil
        query.status = .cancelled
        #expect(index.page(query).entries.map(\.status) == Array(repeating: .cancelled, count: 15))
    }

    @Test func bestErrorListsLowestFirstAndRunsWithoutAResultLast() {
        var query = RunQuery()
        query.sort = .bestError
        query.limit = 1000
        let entries = Self.index.page(query).entries
        let errors = entries.map { $0.best?.finalError }
        let withResult = errors.prefix { $0 != nil }.map { $0! }
        #expect(withResult == withResult.sorted())
        #expect(errors.dropFirst(withResult.count).allSatisfy { $0 == nil }, "no result: last")
        let without = entries.dropFirst(withResult.count)
        #expect(zip(without, without.dropFirst()).allSatisfy { $0.createdAt >= $1.createdAt }, "among them, newest first")
        var created = RunQuery()
        created.limit = 1000
        let newestFirst = Self.index.page(created).entries
        #expect(zip(newestFirst, newestFirst.dropFirst()).allSatisfy { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) })
    }

    /// A cursor is a position, not a snapshot: runs added, finished, renamed or deleted while a
    /// client pages never make it skip or repeat a run that stayed put.
    @Test func cursorsStayValidWhileRunsChange() {
        var index = Self.index
        for sort in RunListSort.allCases {
            var query = RunQuery()
            query.sort = sort
            query.limit = 10
            let (first, next) = index.page(query)
            let seen = Set(first.map(\.id))
            // Changes after the first page: a new run (listed before the cursor in created_at order), a deleted one.
            let newcomer = Self.run(999_999, name: "new", bestError: 0.000_01)
            index.update(newcomer)
            let removed = Self.expected(query).last!
            index.remove(removed)
            query.cursor = next
            var rest: [RunID] = []
            while true {
                let (page, next) = index.page(query)
                rest += page.map(\.id)
                guard let next else { break }
                query.cursor = next
            }
            let unchanged = Self.expected(RunQuery.sorted(sort)).filter { $0 != removed && !seen.contains($0) }
            #expect(rest == unchanged, "\(sort)")
            index.remove(newcomer.id)
            index.update(Self.runs.first { $0.id == removed }!)
        }
    }

    /// A cursor of one order used with the other still names a position there (no well-formed
    /// cursor is refused): its created_at/id part, among the runs without a result for best_error.
    @Test func aCursorOfTheOtherOrderStillPages() {
        let index = Self.index
        var created = RunQuery()
        created.limit = 5
        let createdCursor = index.page(created).next!
        var best = RunQuery.sorted(.bestError)
        best.limit = 5
        let bestCursor = index.page(best).next!
        #expect(bestCursor.description.hasPrefix("e"))
        best.cursor = createdCursor
        let tail = index.page(best).entries
        #expect(tail.allSatisfy { $0.best == nil }, "only runs without a result follow a created_at cursor in best_error order")
        created.cursor = bestCursor
        let after = index.page(created).entries
        #expect(after.allSatisfy { ($0.createdAt, $0.id) < (bestCursor.createdAt, bestCursor.id) })
    }

    @Test func theIndexFollowsEveryChange() {
        var index = RunIndex()
        var run = Self.run(5, name: "Old", labels: ["a": "1"])
        index.update(run)
        run.name = "Renamed"
        run.labels = ["b": "2"]
        index.update(run)
        var query = RunQuery()
        query.labels = [.init(key: "a", value: "1")]
        #expect(index.page(query).entries.isEmpty)
        query.labels = [.init(key: "b", value: "2")]
        query.text = "renamed"
        #expect(index.page(query).entries.map(\.id) == [run.id])
        index.remove(run.id)
        #expect(index.page(query).entries.isEmpty)
        #expect(index.count == 0)
    }

    @Test func cursorTextsReadBackAndOddOnesAreStillPositions() {
        let id = RunID("0123456789abcdef0123456789abcdef")!
        for cursor in [
            RunListCursor(createdAt: Timestamp(millisecondsSince1970: 17), id: id),
            RunListCursor(createdAt: Timestamp(millisecondsSince1970: 17), id: id, bestError: 0.0123),
            RunListCursor(createdAt: Timestamp(millisecondsSince1970: 0), id: id, bestError: 0),
        ] {
            #expect(RunListCursor(cursor.description) == cursor)
        }
        #expect(RunListCursor("e7ff8000000000000.5.\(id)")?.bestError == .infinity, "NaN sorts after every result")
        #expect(RunListCursor("99999999999999999999999.\(id)")?.createdAt.millisecondsSince1970 == .max)
        for bad in [
            "", "5", "5.", ".\(id)", "e12.5.\(id)", "eXXXXXXXXXXXXXXXX.5.\(id)", "+5.\(id)", "5.\(id.description.uppercased())",
            "e0000000000000000\(id)",
        ] {
            #expect(RunListCursor(bad) == nil, "\(bad)")
        }
        #expect(RunListCursor("e3f847ae147ae147b.5.\(id)") != nil)
    }
}

extension RunQuery {
    static func sorted(_ sort: RunListSort) -> RunQuery {
        var query = RunQuery()
        query.sort = sort
        query.limit = 1000
        return query
    }
}
