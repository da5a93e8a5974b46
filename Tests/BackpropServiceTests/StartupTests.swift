import Foundation
import TestSupport
import Testing

@testable import BackpropService

/// Issue 16: runs loaded before the server listened (20 s for one large run, ~190 s for a full
/// volume) while /healthz could not answer and SIGTERM was ignored.
@Suite struct StartupTests {
    /// A service on `directory` not started yet (`TestService` waits for the runs to load).
    static func unstartedService(_ directory: String) async throws -> BackpropService {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.shutdownGraceSeconds = 1
        return try await offPool { [configuration] in
            try BackpropService(configuration: configuration, log: Logger(level: .error, descriptor: quietLogDescriptor))
        }
    }

    @Test func theServerListensFirstAndAnswers503OnRunsUntilTheStoredRunsAreLoaded() async throws {
        let directory = temporaryDirectory("startup")
        let first = try await offPool { try TestService(dataDirectory: directory) }
        let id = try await first.client.submit(quickRunBody(alphas: [1], iterations: 50))
        _ = try await first.client.waitUntilFinished(id)
        await first.shutdown()

        let service = try await Self.unstartedService(directory)
        // Held back here: what the server does while a large volume loads.
        service.registry.loadQueue.suspend()
        let port = try await offPool { try service.start() }
        let client = APIClient(port: port)
        #expect(try await client.get("/healthz").status == 200)
        let ready = try await client.get("/readyz")
        #expect(ready.status == 503 && ready.text.contains("loading stored runs"), "\(ready.text)")
        for path in ["/runs", "/runs/\(id)"] {
            let answer = try await client.get(path)
            #expect(
                answer.status == 503 && answer.headers["retry-after"] == "1" && answer.headers["content-type"] == "application/problem+json",
                "\(path)")
            #expect(answer.text.contains("loading its stored runs"), "\(answer.text)")
        }
        let submitted = try await client.send("POST", "/runs", body: quickRunBody())
        #expect(submitted.status == 503)
        #expect(try await client.get("/metrics").text.contains("backpropd_loading 1"))

        service.registry.loadQueue.resume()
        service.registry.waitUntilLoaded()
        #expect(try await client.get("/readyz").status == 200)
        #expect(try await client.get("/runs/\(id)").status == 200)
        #expect(try await client.get("/metrics").text.contains("backpropd_loading 0"))
        await service.shutdown()
    }

    @Test func aShutdownWhileRunsLoadStopsTheLoadingAndEnds() async throws {
        let directory = temporaryDirectory("startup-stop")
        let first = try await offPool { try TestService(dataDirectory: directory) }
        _ = try await first.client.submit(quickRunBody(alphas: [1], iterations: 50))
        await first.shutdown()

        let service = try await Self.unstartedService(directory)
        service.registry.loadQueue.suspend()
        _ = try await offPool { try service.start() }
        let stopped = Task { await service.shutdown() }
        // Shutdown does not wait for a loader stuck on a file; once it runs, it reads nothing.
        await stopped.value
        #expect(service.registry.isStopping)
        service.registry.loadQueue.resume()
        service.registry.waitUntilLoaded()
        #expect(service.registry.countsByStatus().values.reduce(0, +) == 0)
        #expect(service.registry.loadingProgress != nil)
    }
}
