import BackpropService
import CommandLineOptions
import Dispatch
import Synchronization

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
    let warnings: [String]

    init(arguments: [String]) throws(UsageError) {
        warnings = ServeOptions.warnings(arguments)
        do {
            configuration = try ServeOptions.parse(arguments, environment: Self.environment()) ?? ServiceConfiguration()
        } catch {
            throw UsageError(error.description)
        }
    }

    static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment
    }

    /// Serves until SIGTERM or SIGINT, then returns 0 after a graceful stop. The signals are
    /// watched before anything else happens: one that arrives while the data directory is being
    /// opened ends the process at once (nothing was accepted yet), one that arrives while the
    /// stored runs load stops the loading and shuts down. The main thread waits here rather than
    /// in dispatchMain(), which ends it with pthread_exit: what its stack held would look leaked
    /// to LeakSanitizer at exit (`scripts/test --sanitize=address`).
    func run(console: Console) -> Int32 {
        let log = Logger(level: configuration.logLevel, format: configuration.logFormat)
        for warning in warnings { log.warning(warning) }
        // Handled below by dispatch sources; ignoring first keeps a signal from killing us mid-setup.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let running = Mutex<BackpropService?>(nil)
        let stopped = DispatchSemaphore(value: 0)
        let signals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
                // A second signal while stopping ends at once.
                signal(number, SIG_DFL)
                guard let service = running.withLock({ $0 }) else {
                    log.info("signal received during start-up: exiting", [("signal", name)])
                    log.flush()
                    _exit(0)
                }
                log.info("signal received", [("signal", name)])
                Task.detached {
                    await service.shutdown()
                    stopped.signal()
                }
            }
            source.resume()
            return source
        }
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
        running.withLock { $0 = service }
        withExtendedLifetime(signals) { stopped.wait() }
        return 0
    }
}
