/// Why a request was rejected before reaching a handler: the status to answer and a detail
/// for the problem document. The connection closes after answering, because its framing can
/// no longer be trusted.
struct RequestError: Error, Hashable, Sendable {
    let status: HTTPStatus
    let detail: String
    /// The request's path, when the request line was read before the problem was found (a body
    /// over the limit, a missing Host): the problem document names it as its `instance`.
    var path: String?

    init(_ status: HTTPStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    static func badRequest(_ detail: String) -> RequestError { RequestError(.badRequest, detail) }
}
