import Foundation
import HTTPServer
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct DashboardAssetTests {
    static let sources = DashboardBrowser.repository.appendingPathComponent("Sources/BackpropService/Dashboard")

    /// The EmbedFiles plugin writes each file as a raw string literal: every byte survives
    /// (quotes, backslashes, `\#(`), and every file of the folder is served.
    @Test func everyDashboardFileIsServedByteForByte() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == DashboardFiles.contents.keys.sorted())
        for name in names {
            let source = try Data(contentsOf: Self.sources.appendingPathComponent(name))
            let asset = Dashboard.assets.first { $0.path == (name == "index.html" ? "/" : "/dashboard/\(name)") }
            #expect(asset.map { Data($0.bytes) } == source, "\(name) is not served as it is on disk")
        }
        // Every file is served: `/` is index.html, the rest under /dashboard/.
        #expect(Dashboard.assets.map(\.path).sorted() == names.map { $0 == "index.html" ? "/" : "/dashboard/\($0)" }.sorted())
    }

    @Test func everyAssetHasItsTypeAStrongETagAnd304() async throws {
        try await withService { service in
            for asset in Dashboard.assets {
                let first = try await service.client.get(asset.path)
                #expect(first.status == 200, "\(asset.path)")
                #expect(first.headers["content-type"] == asset.headers["Content-Type"])
                #expect(Array(first.body) == asset.bytes)
                #expect(first.headers["x-content-type-options"] == "nosniff")
                #expect(first.headers["cache-control"] == "no-cache")
                let etag = try #require(first.headers["etag"])
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 18, "strong ETag: \(etag)")

                let unchanged = try await service.client.get(asset.path, headers: ["If-None-Match": "\"other\", \(etag)"])
                #expect(unchanged.status == 304)
                #expect(unchanged.body.isEmpty)
                #expect(unchanged.headers["etag"] == etag)
                let changed = try await service.client.get(asset.path, headers: ["If-None-Match": "\"0000000000000000\""])
                #expect(changed.status == 200)
            }
            let tags = Set(Dashboard.assets.map(\.etag))
            #expect(tags.count == Dashboard.assets.count, "different files, different tags")

            let head = try await curl(["-I", "http://127.0.0.1:\(service.port)/"])
            #expect(head.output.hasPrefix("HTTP/1.1 200"))
            #expect(head.output.lowercased().contains("content-length: \(Dashboard.assets[0].bytes.count)"))
        }
    }

    @Test func pageHasAStrictContentSecurityPolicy() async throws {
        try await withService { service in
            let page = try await service.client.get("/")
            let policy = try #require(page.headers["content-security-policy"])
            let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"] {
                #expect(directives.contains(directive), "\(directive) in \(policy)")
            }
            #expect(!policy.contains("unsafe"))
            #expect(page.headers["referrer-policy"] == "no-referrer")
        }
        let apiDocument = try String(contentsOf: ApiDocumentTests.apiDocument, encoding: .utf8)
        #expect(apiDocument.contains("`Content-Security-Policy: \(Dashboard.contentSecurityPolicy)`"), "api.md states the policy as served")
    }

    /// No CDN, no inline code: every URL the page names is served by backpropd itself, and no file
    /// refers to another host (the SVG namespace is a name, not a download).
    @Test func pageLoadsNothingFromElsewhere() async throws {
        let html = try #require(DashboardFiles.contents["index.html"])
        let references = html.matches(of: /(?:src|href)="([^"#]+)"/).map { String($0.output.1) }
        #expect(references.count >= 4)
        #expect(!html.contains("<script>") && !html.contains(" style=\""), "inline script or style would need a looser CSP")
        try await withService { service in
            for reference in references {
                #expect(reference.hasPrefix("/") && !reference.hasPrefix("//"), "\(reference) is not on this server")
                let answer = try await service.client.get(reference)
                #expect(answer.status == 200, "\(reference) → \(answer.status)")
            }
        }
        for (name, text) in DashboardFiles.contents {
            let hosts = text.matches(of: /(?:https?:)?\/\/([a-z0-9.-]+\.[a-z]{2,})/).map { String($0.output.1) }
            #expect(hosts.allSatisfy { $0 == "www.w3.org" }, "\(name) refers to \(hosts)")
        }
    }

    @Test func pageIsOpenWhenTheAPINeedsAToken() async throws {
        try await withService(configure: { $0.apiToken = "s3cret" }) { service in
            for asset in Dashboard.assets {
                let answer = try await service.client.get(asset.path)
                #expect(answer.status == 200, "\(asset.path)")
            }
            let runs = try await service.client.get("/runs")
            #expect(runs.status == 401)
        }
    }
}
