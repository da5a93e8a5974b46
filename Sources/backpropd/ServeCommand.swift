import BackpropService
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backpropd serve` (the default): configuration from flags and environment, the service,
/// and graceful shutdown on SIGTERM/SIGINT (exit 0, nothing accepted lost).
struct ServeCommand: Subcommand {
    static let name = "serve"
    static let summary = "serve the training API over HTTP (the default; see api.md)"
    static var help: String { ServeOptions.help }

    let configuration: ServiceConfiguration

    init(arguments: [String]) throws(UsageError) {
        do {
            configuration = try ServeOptions.parse(arguments, environment: Self.environment()) ?? ServiceConfiguration()
        } catch {
            throw UsageError(error.description)
        }
    }

    static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment
    }

    /// Serves until SIGTERM or SIGINT, then returns 0 after a graceful stop. The main thread waits
    /// here rather than in dispatchMain(), which ends it with pthread_exit: what its stack held
    /// would look leaked to LeakSanitizer at exit (`scripts/test --sanitize=address`).
    func run(console: Console) -> Int32 {
        let log = Logger(level: configuration.logLevel, format: configuration.logFormat)
        // Handled below by dispatch sources; ignoring first keeps a signal from killing us mid-setup.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let service: BackpropService
        do {
            service = try BackpropService(configuration: configuration, log: log)
            try service.start()
        } catch {
            log.error("cannot start", [("reason", error.description)])
            log.flush()
            console.error("backpropd: \(error.description)")
            return 1
        }

        let stopped = DispatchSemaphore(value: 0)
        let signals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log.info("signal received", [("signal", number == SIGTERM ? "SIGTERM" : "SIGINT")])
                Task.detached {
                    await service.shutdown()
                    stopped.signal()
                }
                // A second signal while stopping ends at once.
                signal(number, SIG_DFL)
            }
            source.resume()
            return source
        }
        withExtendedLifetime(signals) { stopped.wait() }
        return 0
    }
}
