import HTTPServer
import Testing

@testable import BackpropService

/// `ServiceConfiguration.http` reaches the HTTP server (the flags of `backpropd serve` set it).
@Suite struct ServiceHTTPLimitsTests {
    @Test func configuredHeaderLimitIsEnforcedWith431AndRunsStillWork() async throws {
        try await withService(configure: { $0.http.maxHeaderBytes = 2048 }) { service in
            let small = try await service.client.get("/healthz", headers: ["X-Padding": String(repeating: "a", count: 1000)])
            #expect(small.status == 200)
            let large = try await service.client.get("/healthz", headers: ["X-Padding": String(repeating: "a", count: 3000)])
            #expect(large.status == 431)
            #expect(large.headers["content-type"] == "application/problem+json")
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 10))
            #expect(try await service.client.waitUntilFinished(id)["status"] as? String == "succeeded")
        }
    }

    @Test func bodyLimitIsTheServicesOwnWhateverTheHTTPLimitsSay() async throws {
        try await withService(configure: {
            $0.http.maxBodyBytes = 5; $0.maxBodyBytes = 4096
        }) { (service: TestService) async throws in
            #expect(try await service.client.send("POST", "/runs", body: quickRunBody(alphas: [1], iterations: 10)).status == 202)
            let padded = quickRunBody(alphas: [1], iterations: 10, extra: #", "name": "\#(String(repeating: "n", count: 5000))""#)
            #expect(try await service.client.send("POST", "/runs", body: padded).status == 413)
        }
    }
}
