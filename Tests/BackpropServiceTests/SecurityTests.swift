import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BackpropService

@Suite struct SecurityTests {
    @Test func aTokenProtectedServerRejectsMissingAndWrongTokens() async throws {
        try await withService(configure: { $0.apiToken = "s3cret-token" }) { service in
            let missing = try await service.client.send("POST", "/runs", body: quickRunBody())
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(missing.headers["content-type"] == "application/problem+json")
            for wrong in ["Bearer s3cret-toke", "Bearer s3cret-token2", "Basic czNjcmV0LXRva2Vu", "Bearer ", "s3cret-token"] {
                let result = try await service.client.get("/runs", headers: ["Authorization": wrong])
                #expect(result.status == 401, "\(wrong)")
            }
            #expect(try await service.client.get("/runs/0123456789abcdef0123456789abcdef/events").status == 401)
            for open in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
                #expect(try await service.client.get(open).status == 200, "\(open)")
            }
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 10), headers: ["Authorization": "Bearer s3cret-token"])
            #expect(try await service.client.get("/runs/\(id)", headers: ["Authorization": "bearer s3cret-token"]).status == 200)
            let (status, output) = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(service.port)/runs/\(id)"])
            #expect(status == 0 && output == "401")
        }
    }

    @Test func corsPreflightIsAnsweredWithoutATokenAndResponsesAreMarked() async throws {
        try await withService(configure: { $0.apiToken = "t"; $0.corsOrigin = "https://dash.example" }) { service in
            let preflight = try await service.client.send("OPTIONS", "/runs", headers: [
                "Origin": "https://dash.example", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == "https://dash.example")
            #expect(preflight.headers["access-control-allow-headers"]?.contains("Authorization") == true)
            #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            let listed = try await service.client.get("/runs", headers: ["Origin": "https://dash.example", "Authorization": "Bearer t"])
            #expect(listed.status == 200)
            #expect(listed.headers["access-control-allow-origin"] == "https://dash.example")
            #expect(listed.headers["access-control-expose-headers"]?.contains("ETag") == true)
            let foreign = try await service.client.get("/healthz", headers: ["Origin": "https://evil.example"])
            #expect(foreign.headers["access-control-allow-origin"] == nil)
        }
    }

    @Test func tokenComparisonChecksEveryByte() {
        let token = Array("abcdef".utf8)
        #expect(BearerAuthentication.constantTimeEqual(token, token))
        #expect(!BearerAuthentication.constantTimeEqual(token, Array("abcdeg".utf8)))
        #expect(!BearerAuthentication.constantTimeEqual(token, Array("abcde".utf8)))
        #expect(!BearerAuthentication.constantTimeEqual(token, []))
    }

    @Test func runIdsAreRandom128BitHex() {
        let ids = (0..<1000).map { _ in RunID().description }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 32 && RunID($0) != nil })
        #expect(RunID("0123456789ABCDEF0123456789abcdef") == nil)

        let replicaIDs = (0..<1000).map { _ in RunID(instancePrefix: "b2").description }
        #expect(replicaIDs.allSatisfy { $0.hasPrefix("b2") && $0.count == 32 && RunID($0) != nil })
        #expect(Set(replicaIDs.map { $0.dropFirst(2) }).count == 1000)
        #expect(!RunID.isValidInstancePrefix("b2c3d") && !RunID.isValidInstancePrefix("B2") && RunID.isValidInstancePrefix(""))
    }
}
