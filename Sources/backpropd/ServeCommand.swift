import BackpropService
import Dispatch
import Glibc

/// `backpropd serve` (the default): configuration from flags and environment, the service,
/// and graceful shutdown on SIGTERM/SIGINT (exit 0, nothing accepted lost).
enum ServeCommand {
    static func run(_ arguments: [String]) -> Never {
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") { environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]) }
            entry += 1
        }
        let configuration: ServiceConfiguration
        do {
            guard let parsed = try ServeOptions.parse(arguments, environment: environment) else {
                print(ServeOptions.help, terminator: "")
                exit(0)
            }
            configuration = parsed
        } catch {
            printToStandardError("backpropd serve: \(error.description)")
            exit(64)
        }

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
            printToStandardError("backpropd: \(error.description)")
            exit(1)
        }

        let signals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                log.info("signal received", [("signal", number == SIGTERM ? "SIGTERM" : "SIGINT")])
                Task.detached {
                    await service.shutdown()
                    exit(0)
                }
                // A second signal while stopping ends at once.
                signal(number, SIG_DFL)
            }
            source.resume()
            return source
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }
}

func printToStandardError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
