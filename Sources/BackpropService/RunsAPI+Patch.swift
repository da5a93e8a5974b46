import Backprop
import HTTPServer

extension RunsAPI {
    /// `PATCH /runs/{id}`: a JSON merge patch (RFC 7396) of the run's name and labels. With
    /// `If-Match`, applied only if the run's ETag is still one of those given (412 otherwise);
    /// without it, applied to the run as it is (a merge patch names only what it changes, so
    /// patches of different labels never undo each other). Answers 200 with the run as
    /// `GET /runs` lists it, and its new ETag.
    func patch(_ request: HTTPRequest) -> HTTPResponse {
        do throws(Problem) {
            try QueryParameters(request, allowed: []).check()
            let id = try runID(request)
            guard let contentType = request.headers["Content-Type"], Self.mediaType(contentType) == RunPatch.mediaType else {
                var problem = Problem(
                    status: 415, title: "Unsupported media type",
                    detail: "send the patch as \(RunPatch.mediaType) (RFC 7396)"
                        + (request.headers["Content-Type"].map { " (got \($0))" } ?? " (no Content-Type given)"),
                    errors: [ValidationIssue("header:Content-Type", "must be \(RunPatch.mediaType)")])
                problem.headers.append(("Accept-Patch", RunPatch.mediaType))
                throw problem
            }
            guard registry.run(id) != nil else { throw Problem.notFound("no run \(id)") }
            let patch = try RunPatch(parsing: request.body, limits: limits)
            let run = try registry.patch(id, with: patch, ifMatch: request.head.ifMatch, maxLabels: limits.maxLabels)
            var writer = JSONWriter(reservingCapacity: 1024)
            RunRepresentation.summary(run, to: &writer)
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "ETag": run.etag()], bytes: writer.bytes)
        } catch {
            return error.response(instance: request.path)
        }
    }

    /// The media type of a Content-Type value, lowercased, without parameters.
    static func mediaType(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingOptionalWhitespace().lowercased() } ?? ""
    }
}
