import HTTPServer

extension Problem {
    /// The problem as an `application/problem+json` response; `instance` is the request path.
    public func response(instance: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        for (name, value) in self.headers { headers.add(name, value) }
        return HTTPResponse(status: HTTPStatus(code: status, reasonPhrase: Self.reasonPhrase(status)), headers: headers,
                            bytes: json(instance: instance))
    }

    static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 409: "Conflict"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        case 507: "Insufficient Storage"
        default: "Error"
        }
    }
}
