import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A BackpropService on 127.0.0.1 and a free port with its own temporary data directory.
final class TestService: Sendable {
    let service: BackpropService
    let port: Int
    let dataDirectory: String
    let client: APIClient

    init(dataDirectory: String? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in }) throws {
        let directory = dataDirectory ?? temporaryDirectory("service")
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory
        configuration.registry.workers = 2
        // Every suite shares two cores: training yields to the HTTP threads of the other suites.
        configuration.registry.workerNiceness = 10
        configuration.shutdownGraceSeconds = 1
        configure(&configuration)
        service = try BackpropService(configuration: configuration, log: Logger(level: .error, descriptor: quietLogDescriptor))
        port = try service.start()
        service.registry.waitUntilLoaded()
        self.dataDirectory = directory
        client = APIClient(port: port)
    }

    var registry: RunRegistry { service.registry }

    func shutdown() async {
        await service.shutdown()
    }
}

/// Runs `body` against a fresh service (on `dataDirectory`, or a new temporary one), then shuts
/// it down (also when `body` throws). The service starts on a Dispatch thread: opening its data
/// directory fsyncs, and a Swift concurrency thread blocked on a slow disk starves every other
/// suite's server.
func withService<T>(
    dataDirectory: String? = nil, configure: @escaping @Sendable (inout ServiceConfiguration) -> Void = { _ in },
    _ body: (TestService) async throws -> T
) async throws -> T {
    let service = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TestService, any Error>) in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try TestService(dataDirectory: dataDirectory, configure: configure) })
        }
    }
    do {
        let result = try await body(service)
        await service.shutdown()
        return result
    } catch {
        await service.shutdown()
        throw error
    }
}

let quietLogDescriptor = open("/dev/null", O_WRONLY)

/// A small request body for runs that finish in milliseconds.
func quickRunBody(alphas: [Double] = [0.5, 1, 2], iterations: Int = 300, errorEvery: Int = 10, hiddenSize: Int = 4, extra: String = "") -> String {
    #"{"dataset": "xor", "alphas": \#(alphas), "hidden_size": \#(hiddenSize), "iterations": \#(iterations), "error_every": \#(errorEvery)\#(extra)}"#
}

/// A run that trains until a test cancels or deletes it: the most iterations a run may ask, with a
/// hidden layer large enough that one trial takes about 15 s (hidden 128) in a debug build on the
/// 2-vCPU Xeon. Tests that act on a run while it still trains use it: a merely "long" run of the
/// notebook's size (10^7 iterations at hidden 4 train in 1.5 s) can finish first on a faster CPU.
/// At most 4 alphas at hidden 128 fit the default work budget (8 at hidden 64).
func untilCancelledRunBody(alphas: [Double] = [1], hiddenSize: Int = 128, extra: String = "") -> String {
    quickRunBody(alphas: alphas, iterations: 10_000_000, errorEvery: 10_000, hiddenSize: hiddenSize, extra: extra)
}
