import HTTPServer

/// One file of the dashboard as served: its bytes, media type and a strong ETag of the content,
/// so a reload costs a 304.
struct DashboardAsset: Sendable {
    let path: String
    let bytes: [UInt8]
    let etag: String
    let headers: HTTPHeaders

    /// `file` names an entry of `DashboardFiles`; a missing one is a build mistake caught by the tests.
    init(path: String, file: String, contentType: String, extraHeaders: HTTPHeaders = [:]) {
        self.path = path
        bytes = Array((DashboardFiles.contents[file] ?? "").utf8)
        etag = EntityTag.fingerprint(bytes)
        var headers = extraHeaders
        headers["Content-Type"] = contentType
        headers["ETag"] = etag
        headers["Cache-Control"] = "no-cache"
        headers["X-Content-Type-Options"] = "nosniff"
        self.headers = headers
    }

    func response(to request: HTTPRequest) -> HTTPResponse {
        if request.head.ifNoneMatch?.matchesWeakly(etag) == true { return .notModified(etag: etag, headers: ["Cache-Control": "no-cache"]) }
        return HTTPResponse(status: .ok, headers: headers, bytes: bytes)
    }
}
