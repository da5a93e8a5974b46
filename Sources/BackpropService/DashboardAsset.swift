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
        etag = "\"\(Self.fingerprint(bytes))\""
        var headers = extraHeaders
        headers["Content-Type"] = contentType
        headers["ETag"] = etag
        headers["Cache-Control"] = "no-cache"
        headers["X-Content-Type-Options"] = "nosniff"
        self.headers = headers
    }

    func response(to request: HTTPRequest) -> HTTPResponse {
        if let tags = RunsAPI.entityTags(request.headers["If-None-Match"]), RunsAPI.matches(etag, tags) {
            return HTTPResponse(status: .notModified, headers: ["ETag": etag, "Cache-Control": "no-cache"])
        }
        return HTTPResponse(status: .ok, headers: headers, bytes: bytes)
    }

    /// 64-bit FNV-1a of the content as 16 hex digits: the same bytes always give the same tag.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
