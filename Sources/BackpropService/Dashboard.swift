import HTTPServer

/// The dashboard at `GET /`: one page whose script uses only the public API. Its files live in
/// `Sources/BackpropService/Dashboard` and are embedded at build time by the EmbedFiles plugin.
struct Dashboard: Sendable {
    /// Everything the page loads comes from this server; no inline script or style, no frames.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// `/` is the page; every other file of the folder is served as `/dashboard/NAME` (the page's
    /// modules, its worker, its style sheet and icon), typed by its extension.
    static let assets: [DashboardAsset] = {
        let page = DashboardAsset(
            path: "/", file: "index.html", contentType: "text/html; charset=utf-8",
            extraHeaders: [
                "Content-Security-Policy": contentSecurityPolicy,
                "Referrer-Policy": "no-referrer",
            ])
        let files = DashboardFiles.contents.keys.filter { $0 != "index.html" }.sorted().compactMap { name -> DashboardAsset? in
            guard let type = contentTypes.first(where: { name.hasSuffix($0.key) })?.value else { return nil }
            return DashboardAsset(path: "/dashboard/\(name)", file: name, contentType: type)
        }
        return [page] + files
    }()

    static let contentTypes = [
        ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
    ]

    func register(in router: inout Router) {
        for asset in Self.assets {
            // Pinned to the I/O queue: answering is a tag comparison and a copy of cached bytes.
            router.get(asset.path, execution: .ioQueue) { asset.response(to: $0) }
        }
    }
}
