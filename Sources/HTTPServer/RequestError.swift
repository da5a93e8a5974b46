/// Why a request was rejected before reaching a handler: the status to answer and a detail
/// for the problem document. The connection closes after answering, because its framing can
/// no longer be trusted.
struct RequestError: Error, Hashable, Sendable {
    let status: HTTPStatus
    let detail: String

    init(_ status: HTTPStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    static func badRequest(_ detail: String) -> RequestError { RequestError(.badRequest, detail) }
}
