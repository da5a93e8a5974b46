import HTTPServer

extension RunsAPI {
    /// `GET /runs`: the runs matching the filters, in the order asked for, a page at a time
    /// (JSON), or all of them (CSV, unless `limit` is given). A cut page links to the next one
    /// (`next_cursor`, and `Link: <…>; rel="next"`).
    func list(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            var parameters = QueryParameters(request, allowed: ["limit", "cursor", "status", "label", "q", "sort", "format"], repeatable: ["label"])
            let format = ResponseFormat(reading: &parameters, accept: request.headers["Accept"])
            let query = RunQuery(reading: &parameters, defaultLimit: format == .csv ? .max : 50)
            try parameters.check()
            var headers: HTTPHeaders = ["Cache-Control": "no-cache", "Vary": "Accept"]
            if format == .csv {
                let (entries, next) = registry.listEntries(query)
                if let next { headers["Link"] = nextLink(query, next, format: format) }
                return RunCSV.list(entries, headers: headers)
            }
            let (runs, next) = registry.list(query)
            var writer = JSONWriter(reservingCapacity: 640 * runs.count + 64)
            writer.beginObject()
            writer.key("runs")
            writer.beginArray()
            for run in runs { RunRepresentation.summary(run, to: &writer) }
            writer.endArray()
            writer.key("next_cursor")
            if let next { writer.string(next.description) } else { writer.null() }
            writer.endObject()
            if let next { headers["Link"] = nextLink(query, next, format: format) }
            // The tag is a hash of the page itself: the same page after a restart has the same tag.
            let etag = EntityTag.fingerprint(writer.bytes)
            headers["ETag"] = etag
            if request.head.ifNoneMatch?.matchesWeakly(etag) == true {
                headers["Link"] = nil
                return .notModified(etag: etag, headers: headers)
            }
            headers["Content-Type"] = "application/json"
            return HTTPResponse(status: .ok, headers: headers, bytes: writer.bytes)
        } catch {
            return error.response(instance: request.path)
        }
    }

    private func nextLink(_ query: RunQuery, _ next: RunListCursor, format: ResponseFormat) -> String {
        "</runs?\(query.queryString(after: next, extra: format == .csv ? [("format", "csv")] : []))>; rel=\"next\""
    }
}
