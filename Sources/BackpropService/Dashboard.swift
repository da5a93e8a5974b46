import HTTPServer

/// The dashboard at `GET /`: one page whose script uses only the public API. Its files live in
/// `Sources/BackpropService/Dashboard` and are embedded by `scripts/generate-dashboard-assets`.
struct Dashboard: Sendable {
    /// Everything the page loads comes from this server; no inline script or style, no frames.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let assets = [
        DashboardAsset(path: "/", file: "index.html", contentType: "text/html; charset=utf-8", extraHeaders: [
            "Content-Security-Policy": contentSecurityPolicy,
            "Referrer-Policy": "no-referrer",
        ]),
        DashboardAsset(path: "/dashboard/dashboard.js", file: "dashboard.js", contentType: "text/javascript; charset=utf-8"),
        DashboardAsset(path: "/dashboard/dashboard.css", file: "dashboard.css", contentType: "text/css; charset=utf-8"),
        DashboardAsset(path: "/dashboard/icon.svg", file: "icon.svg", contentType: "image/svg+xml"),
    ]

    func register(in router: inout Router) {
        for asset in Self.assets {
            // Pinned to the I/O queue: answering is a tag comparison and a copy of cached bytes.
            router.get(asset.path, execution: .ioQueue) { asset.response(to: $0) }
        }
    }
}
