import Backprop

/// Which part of each error curve an answer carries and how densely: `from`/`to` (iterations,
/// inclusive) cut a window, `points` caps the points per curve. Without them a curve is whole.
///
/// A capped window keeps its first and last point and splits the points between them into
/// (points − 2) / 2 buckets of consecutive points, keeping each bucket's lowest and highest
/// error in iteration order: a chart drawn from it has the envelope of the full curve, so a
/// spike of one iteration is never dropped, whatever `points` is. A window that holds no more
/// than `points` points comes back whole: a chart zoomed in far enough sees every point.
struct CurveWindow: Sendable, Equatable {
    var from: Int?
    var to: Int?
    var points: Int?

    /// Fewer than 4 points would leave no bucket between the first and last point, and a spike there would go.
    static let minPoints = 4
    static let maxPoints = 100_000

    static let whole = CurveWindow()

    init(from: Int? = nil, to: Int? = nil, points: Int? = nil) {
        self.from = from
        self.to = to
        self.points = points
    }

    /// Reads `points`, `from` and `to`, recording bad values in `query`.
    init(reading query: inout QueryParameters) {
        points = query.integer("points", in: Self.minPoints...Self.maxPoints)
        from = query.integer("from", in: 0...Int.max)
        to = query.integer("to", in: 0...Int.max)
    }

    var isWhole: Bool { self == .whole }

    /// Part of the ETag: the same run version cut differently is a different representation.
    var variant: String {
        guard !isWhole else { return "" }
        return "w\(from.map(String.init) ?? "")-\(to.map(String.init) ?? "")-\(points.map(String.init) ?? "")"
    }

    /// The indices of `curve` in the window, not before `first` (what `since`/`after` already cut).
    func range(in curve: [CurvePoint], notBefore first: Int = 0) -> Range<Int> {
        var lower = min(max(first, 0), curve.count)
        if let from { lower = max(lower, Self.firstIndex(in: curve) { $0.iteration >= from }) }
        let upper = to.map { to in Self.firstIndex(in: curve) { $0.iteration > to } } ?? curve.count
        return lower..<max(lower, upper)
    }

    /// The points of the window the answer keeps, in iteration order: a slice of `curve` (no
    /// copy) when nothing is dropped, else the downsampled points.
    func keptPoints(of curve: [CurvePoint], notBefore first: Int = 0) -> ArraySlice<CurvePoint> {
        let range = range(in: curve, notBefore: first)
        guard let points, range.count > points else { return curve[range] }
        var kept: [CurvePoint] = []
        kept.reserveCapacity(points)
        CurveDownsampling.forEachKept(in: curve, range: range, maxPoints: points) { kept.append($0) }
        return kept[...]
    }

    /// The first index whose point satisfies `isAtOrAfter` (which must hold for a suffix: curves are sorted).
    private static func firstIndex(in curve: [CurvePoint], where isAtOrAfter: (CurvePoint) -> Bool) -> Int {
        var low = 0
        var high = curve.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(curve[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// Min/max-per-bucket downsampling of an error curve (see `CurveWindow`).
enum CurveDownsampling {
    /// Calls `body` with the kept points of `curve[range]` (more than `maxPoints` ≥ 4 of them).
    static func forEachKept(in curve: [CurvePoint], range: Range<Int>, maxPoints: Int, _ body: (CurvePoint) -> Void) {
        precondition(maxPoints >= CurveWindow.minPoints && range.count > maxPoints)
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        let buckets = (maxPoints - 2) / 2
        body(curve[range.lowerBound])
        for bucket in 0..<buckets {
            // Every bucket holds at least two points: inner.count > maxPoints − 2 ≥ 2 × buckets.
            let start = inner.lowerBound + bucket * inner.count / buckets
            let end = inner.lowerBound + (bucket + 1) * inner.count / buckets
            var lowest = start
            var highest = start
            for index in (start + 1)..<end {
                let error = curve[index].error
                if error < curve[lowest].error { lowest = index }
                if isAbove(error, curve[highest].error) { highest = index }
            }
            body(curve[min(lowest, highest)])
            if lowest != highest { body(curve[max(lowest, highest)]) }
        }
        body(curve[range.upperBound - 1])
    }

    /// `a > b`, with a value that is not a number above every number (it is the spike a chart must show).
    private static func isAbove(_ a: Double, _ b: Double) -> Bool {
        a.isNaN ? !b.isNaN : a > b
    }
}
