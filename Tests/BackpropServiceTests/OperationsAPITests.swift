import Backprop
import Foundation
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct OperationsAPITests {
    @Test func healthReadinessDatasetsAndMetrics() async throws {
        try await withService { service in
            #expect(try await service.client.get("/healthz").json()["status"] as? String == "ok")
            let ready = try await service.client.get("/readyz")
            #expect(ready.status == 200)
            #expect(try ready.json()["status"] as? String == "ready")

            let datasets = try await service.client.get("/datasets").json()["datasets"] as? [[String: Any]] ?? []
            #expect(datasets.compactMap { $0["name"] as? String } == ["xor", "first-column"])
            #expect(datasets.first?["samples"] as? Int == 4)

            let id = try await service.client.submit(quickRunBody(alphas: [1, 2], iterations: 100))
            _ = try await service.client.waitUntilFinished(id)
            _ = try await service.client.get("/runs/ffffffffffffffffffffffffffffffff")
            let metrics = try await service.client.get("/metrics")
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(metrics.text.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"backpropd_runs{status="succeeded"} 1"#))
            #expect(lines.contains(#"backpropd_trials_completed_total{status="succeeded"} 2"#))
            #expect(lines.contains("backpropd_iterations_completed_total 200"))
            #expect(lines.contains("backpropd_workers 2"))
            #expect(lines.contains("backpropd_queue_trials 0"))
            #expect(lines.contains("backpropd_workers_busy 0"))
            #expect(lines.contains(#"backpropd_http_requests_total{route="/runs",code="202"} 1"#))
            #expect(lines.contains(#"backpropd_http_requests_total{route="/runs/{id}",code="404"} 1"#))
            #expect(lines.contains { $0.hasPrefix(#"backpropd_http_request_duration_seconds_bucket{route="/runs/{id}",le="+Inf"}"#) })
            // The engine's calibration of the run's shape (xor, hidden 4): its measurements and plans.
            let xorClass = #"shape="samples≤4 inputs≤4 hidden≤4 outputs≤1""#
            #expect(lines.contains { $0.hasPrefix("backpropd_engine_info{detected=") && $0.hasSuffix(" 1") })
            #expect(lines.contains { $0.hasPrefix("backpropd_engine_iteration_seconds{\(xorClass),path=") })
            #expect(lines.contains { $0.hasPrefix("backpropd_engine_side_by_side_slowdown{\(xorClass)}") })
            #expect(lines.contains { $0.hasPrefix(#"backpropd_engine_plan{\#(xorClass),trials="8",plan=""#) })
        }
    }

    @Test func openAPIDocumentDescribesEveryRouteWithTheConfiguredLimits() async throws {
        try await withService(configure: {
            $0.limits.training.maxIterations = 12345; $0.maxWaitSeconds = 7
        }) { service in
            let document = try await service.client.get("/openapi.json").json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes: [(String, String)] = [
                ("/runs", "post"), ("/runs", "get"), ("/runs/{id}", "get"), ("/runs/{id}", "delete"),
                ("/runs/{id}/cancel", "post"), ("/runs/{id}/events", "get"), ("/datasets", "get"),
                ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
                ("/runs/{id}", "patch"), ("/runs/{id}/trials/{index}", "get"),
            ]
            for (path, method) in routes {
                #expect(paths[path]?[method] != nil, "\(method) \(path)")
            }
            #expect(paths.values.map { $0.keys.filter { $0 != "parameters" }.count }.reduce(0, +) == routes.count)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let request = try #require(schemas["RunRequest"] as? [String: Any])
            let iterations = (request["properties"] as? [String: Any])?["iterations"] as? [String: Any]
            #expect(iterations?["maximum"] as? Int == 12345)
            #expect(iterations?["default"] as? Int == 12345, "the default is within the limit")
            let wait = ((paths["/runs/{id}"]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "wait" }
            #expect((wait?["schema"] as? [String: Any])?["maximum"] as? Int == 7)
        }
    }
}
