import HTTPServer

/// CORS for dashboards served from another origin (`--cors-origin`): answers preflights before
/// authentication (browsers send them without credentials) and marks every response.
struct CrossOriginAccess: HTTPMiddleware {
    let allowedOrigin: String

    static let allowedMethods = "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
    static let allowedHeaders = "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, Last-Event-ID, X-Request-Id"
    static let exposedHeaders = "ETag, Location, Link, Retry-After, X-Request-Id, Idempotent-Replayed"

    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.method == .options, head.headers["Origin"] != nil,
            head.headers["Access-Control-Request-Method"] != nil
        else { return nil }
        return HTTPResponse(
            status: .noContent,
            headers: [
                "Access-Control-Allow-Methods": Self.allowedMethods,
                "Access-Control-Allow-Headers": Self.allowedHeaders,
                "Access-Control-Max-Age": "600",
            ])
    }

    func prepare(_ response: inout HTTPResponse, for head: HTTPRequestHead) {
        guard let origin = head.headers["Origin"], allowedOrigin == "*" || origin == allowedOrigin else { return }
        response.headers["Access-Control-Allow-Origin"] = allowedOrigin == "*" ? "*" : origin
        response.headers["Access-Control-Expose-Headers"] = Self.exposedHeaders
        if allowedOrigin != "*" { response.headers.add("Vary", "Origin") }
    }
}
