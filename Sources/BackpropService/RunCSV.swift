import Backprop
import HTTPServer

/// The CSV answers (RFC 4180, `text/csv; charset=utf-8`): a run's curves, one row per point,
/// and the run list, one row per run. Written in chunks of about 64 KB as the client reads
/// them, off the I/O queues, so a 64-trial × 10,000-point run is never held as text whole.
enum RunCSV {
    static let chunkBytes = 64 << 10
    static let curveColumns = ["trial", "alpha", "hidden_size", "iteration", "error"]
    static let listColumns = ["id", "name", "status", "created_at", "finished_at", "best_alpha", "best_hidden_size", "best_final_error"]

    /// `trial,alpha,hidden_size,iteration,error` for every kept point of the given trials.
    /// `firstPoints[i]`: where trial i's curve starts (after `since`/`after`).
    static func curves(of run: Run, trials: Range<Int>, firstPoints: [Int], window: CurveWindow, headers: HTTPHeaders) -> HTTPResponse {
        response(
            headers: headers, filename: "run-\(run.id)\(trials.count == 1 && trials != run.trials.indices ? "-trial-\(trials.lowerBound)" : "").csv"
        ) { writer, flush in
            writer.record(curveColumns)
            for index in trials {
                let trial = run.trials[index]
                let curve = trial.errorCurve
                for point in window.keptPoints(of: curve, notBefore: firstPoints[index]) {
                    writer.field(index)
                    writer.field(trial.spec.alpha)
                    writer.field(trial.spec.hiddenSize)
                    writer.field(point.iteration)
                    writer.field(point.error)
                    writer.endRecord()
                    try await flush(&writer, false)
                }
            }
        }
    }

    /// One row per run: the list columns, then `label:KEY` for every label key the rows carry.
    static func list(_ entries: [RunIndexEntry], headers: HTTPHeaders) -> HTTPResponse {
        response(headers: headers, filename: "runs.csv") { writer, flush in
            let keys = Set(entries.flatMap(\.labels.keys)).sorted()
            writer.record(listColumns + keys.map { "label:" + $0 })
            for entry in entries {
                writer.field(entry.id.description)
                writer.field(optional: entry.name)
                writer.field(entry.status.rawValue)
                writer.field(entry.createdAt.description)
                writer.field(optional: entry.finishedAt?.description)
                writer.field(entry.best?.alpha)
                if let best = entry.best { writer.field(best.hiddenSize) } else { writer.field(optional: nil) }
                writer.field(entry.best?.finalError)
                for key in keys { writer.field(optional: entry.labels[key]) }
                writer.endRecord()
                try await flush(&writer, false)
            }
        }
    }

    /// Hands a chunk to the client when the buffer is full (or `force`): what the writers call.
    typealias Flush = (inout CSVWriter, Bool) async throws -> Void

    /// A streamed CSV answer whose rows `produce` writes. Runs on the global executor, never on
    /// the I/O queue of the connection (encoding 640,000 rows takes a while).
    private static func response(
        headers: HTTPHeaders, filename: String,
        _ produce: @escaping @Sendable (inout CSVWriter, Flush) async throws -> Void
    ) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = CSVWriter.contentType
        headers["Content-Disposition"] = "attachment; filename=\"\(filename)\""
        return HTTPResponse(
            status: .ok, headers: headers,
            body: .stream { body in
                try await Task.detached {
                    var writer = CSVWriter(reservingCapacity: chunkBytes + 1024)
                    let flush: Flush = { writer, force in
                        if force || writer.bytes.count >= chunkBytes { try await body.write(writer.take()) }
                    }
                    try await produce(&writer, flush)
                    try await flush(&writer, true)
                }.value
            })
    }
}
