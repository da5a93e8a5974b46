import HTTPServer

/// The query of a read of one run or one trial (`GET /runs/{id}`, `GET /runs/{id}/trials/{index}`):
/// which points (`since`, `after`), how long to wait for news (`wait`), the curve window
/// (`points`, `from`, `to`) and the format.
struct RunReadQuery {
    let since: Int?
    let after: EventCursor?
    let wait: Int
    let window: CurveWindow
    let format: ResponseFormat

    /// Reads the query of `request`; a problem names every bad or unknown parameter.
    init(_ request: HTTPRequest, maxWaitSeconds: Int) throws(Problem) {
        var query = QueryParameters(request, allowed: ["since", "after", "wait", "points", "from", "to", "format"])
        since = query.integer("since", in: -1...Int.max)
        after = query.value("after", expected: "the next of an earlier answer or an event's id", EventCursor.init)
        wait = query.integer("wait", in: 0...maxWaitSeconds) ?? 0
        window = CurveWindow(reading: &query)
        format = ResponseFormat(reading: &query, accept: request.headers["Accept"])
        try query.check()
    }

    /// The part of an ETag that tells apart the representations of one run version.
    var variant: String {
        (since.map { "s\($0)" } ?? "") + (after.map { "a\($0)" } ?? "") + window.variant + (format == .csv ? "csv" : "")
    }
}
