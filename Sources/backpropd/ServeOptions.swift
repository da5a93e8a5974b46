import Backprop
import BackpropService
import HTTPServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The flags of `backpropd serve`, each with its environment variable. Precedence: flag, then
/// environment (`BACKPROPD_*`; `PORT` too, as container platforms set it), then the default.
struct ServeOptions {
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    struct Option: Sendable {
        var flag: String
        var environment: [String]
        var valueName: String
        var help: String
        /// A switch (`--allow-unauthenticated`): no value on the command line, `--flag=false`
        /// turns it off; its variable takes 1/0, true/false, yes/no.
        var isSwitch = false
        var apply: @Sendable (inout ServiceConfiguration, String) throws -> Void

        init(
            flag: String, environment: [String], valueName: String, help: String,
            apply: @escaping @Sendable (inout ServiceConfiguration, String) throws -> Void
        ) {
            self.flag = flag
            self.environment = environment
            self.valueName = valueName
            self.help = help
            self.apply = apply
        }

        static func `switch`(
            _ flag: String, environment: [String], help: String,
            apply: @escaping @Sendable (inout ServiceConfiguration, Bool) -> Void
        ) -> Option {
            var option = Option(flag: flag, environment: environment, valueName: "", help: help) { configuration, text in
                apply(&configuration, try boolean(text, flag))
            }
            option.isSwitch = true
            return option
        }
    }

    static let options: [Option] = [
        Option(
            flag: "--host", environment: ["BACKPROPD_HOST"], valueName: "ADDRESS",
            help: "address to listen on (default 127.0.0.1; 0.0.0.0 for all interfaces)"
        ) { $0.host = $1 },
        Option(
            flag: "--port", environment: ["BACKPROPD_PORT", "PORT"], valueName: "N",
            help: "TCP port (default 8080; 0 picks a free one)"
        ) { $0.port = try integer($1, "--port", 0...65535) },
        Option(
            flag: "--data-dir", environment: ["BACKPROPD_DATA_DIR"], valueName: "PATH",
            help: "where runs are stored, one JSON file each (default ./data)"
        ) { $0.dataDirectory = $1 },
        Option(
            flag: "--instance-prefix", environment: ["BACKPROPD_INSTANCE_PREFIX"], valueName: "HEX",
            help: "0-4 lowercase hex digits that begin every new run id, naming this replica (default: none)"
        ) { configuration, value in
            guard RunID.isValidInstancePrefix(value) else {
                throw UsageError(description: "--instance-prefix: expected 0 to 4 lowercase hex digits, got \"\(value)\"")
            }
            configuration.registry.instancePrefix = value
        },
        Option(
            flag: "--workers", environment: ["BACKPROPD_WORKERS"], valueName: "N",
            help: "training queues, one job each at a time (default: the number of cores)"
        ) { $0.registry.workers = try integer($1, "--workers", 1...1024) },
        Option(
            flag: "--queue-limit", environment: ["BACKPROPD_QUEUE_LIMIT"], valueName: "TRIALS",
            help: "trials waiting over all runs before POST /runs answers 429 (default 10000)"
        ) { $0.registry.queueLimit = try integer($1, "--queue-limit", 1...10_000_000) },
        Option(
            flag: "--max-runs", environment: ["BACKPROPD_MAX_RUNS"], valueName: "N",
            help: "runs kept; the oldest finished ones are evicted beyond it (default 10000)"
        ) { $0.registry.maxRuns = try integer($1, "--max-runs", 1...10_000_000) },
        Option(
            flag: "--max-alphas", environment: ["BACKPROPD_MAX_ALPHAS"], valueName: "N",
            help: "alphas per run (default 64)"
        ) { $0.limits.maxAlphas = try integer($1, "--max-alphas", 1...4096) },
        Option(
            flag: "--max-hidden-size", environment: ["BACKPROPD_MAX_HIDDEN_SIZE"], valueName: "N",
            help: "largest hidden layer (default 1024)"
        ) { $0.limits.training.maxHiddenSize = try integer($1, "--max-hidden-size", 0...1_000_000) },
        Option(
            flag: "--max-hidden-sizes", environment: ["BACKPROPD_MAX_HIDDEN_SIZES"], valueName: "N",
            help: "hidden sizes per run (default 16)"
        ) { $0.limits.maxHiddenSizes = try integer($1, "--max-hidden-sizes", 1...1024) },
        Option(
            flag: "--max-iterations", environment: ["BACKPROPD_MAX_ITERATIONS"], valueName: "N",
            help: "iterations per trial (default 10000000)"
        ) { $0.limits.training.maxIterations = try integer($1, "--max-iterations", 1...1_000_000_000) },
        Option(
            flag: "--max-curve-points", environment: ["BACKPROPD_MAX_CURVE_POINTS"], valueName: "N",
            help: "error-curve points per trial, iterations / error_every (default 10000)"
        ) { $0.limits.training.maxCurvePoints = try integer($1, "--max-curve-points", 1...10_000_000) },
        Option(
            flag: "--max-work", environment: ["BACKPROPD_MAX_WORK"], valueName: "UNITS",
            help: "samples × weights × iterations × trials per run (default 1e11)"
        ) { $0.limits.maxWork = try number($1, "--max-work") },
        Option(
            flag: "--max-run-weights", environment: ["BACKPROPD_MAX_RUN_WEIGHTS"], valueName: "N",
            help: "weights × trials per run (default 1000000)"
        ) { $0.limits.maxRunWeights = try integer($1, "--max-run-weights", 1...1_000_000_000) },
        Option(
            flag: "--max-run-bytes", environment: ["BACKPROPD_MAX_RUN_BYTES"], valueName: "N",
            help: "bytes of a finished run's GET /runs/{id} at their bound: curves, synapses, outputs (default 16777216; 422 beyond)"
        ) {
            $0.limits.maxRunBytes = try integer($1, "--max-run-bytes", 4096...(1 << 40))
        },
        Option(
            flag: "--max-data-bytes", environment: ["BACKPROPD_MAX_DATA_BYTES"], valueName: "N",
            help: "bytes of all kept run files at their bounds (default 536870912; a run beyond gets 507)"
        ) {
            $0.registry.maxDataBytes = try integer($1, "--max-data-bytes", 4096...(1 << 50))
        },
        Option(
            flag: "--max-dataset-values", environment: ["BACKPROPD_MAX_DATASET_VALUES"], valueName: "N",
            help: "numbers in an inline dataset (default 100000)"
        ) { $0.limits.maxDatasetValues = try integer($1, "--max-dataset-values", 1...100_000_000) },
        Option(
            flag: "--max-samples", environment: ["BACKPROPD_MAX_SAMPLES"], valueName: "N",
            help: "rows of an inline dataset (default 1024)"
        ) { $0.limits.training.maxSamples = try integer($1, "--max-samples", 1...1_000_000) },
        Option(
            flag: "--max-inputs", environment: ["BACKPROPD_MAX_INPUTS"], valueName: "N",
            help: "input columns of an inline dataset (default 256)"
        ) { $0.limits.training.maxInputs = try integer($1, "--max-inputs", 1...100_000) },
        Option(
            flag: "--max-outputs", environment: ["BACKPROPD_MAX_OUTPUTS"], valueName: "N",
            help: "target columns of an inline dataset (default 64)"
        ) { $0.limits.training.maxOutputs = try integer($1, "--max-outputs", 1...100_000) },
        Option(
            flag: "--max-body-bytes", environment: ["BACKPROPD_MAX_BODY_BYTES"], valueName: "N",
            help: "largest request body (default 1048576)"
        ) { $0.maxBodyBytes = try integer($1, "--max-body-bytes", 1...1 << 30) },
        Option(
            flag: "--max-header-bytes", environment: ["BACKPROPD_MAX_HEADER_BYTES"], valueName: "N",
            help: "request line plus header fields (default 65536; 431 beyond)"
        ) { $0.http.maxHeaderBytes = try integer($1, "--max-header-bytes", 1024...(16 << 20)) },
        Option(
            flag: "--max-connections", environment: ["BACKPROPD_MAX_CONNECTIONS"], valueName: "N",
            help: "open connections (default 10000; beyond, only probes are answered, anything else gets 503)"
        ) { $0.http.maxConnections = try integer($1, "--max-connections", 1...1_000_000) },
        Option(
            flag: "--max-connections-per-client", environment: ["BACKPROPD_MAX_CONNECTIONS_PER_CLIENT"], valueName: "N",
            help:
                "open connections from one address (default 1000; beyond, only probes are answered, anything else gets 429; behind a proxy raise it to --max-connections)"
        ) {
            $0.http.maxConnectionsPerClient = try integer($1, "--max-connections-per-client", 1...1_000_000)
        },
        Option(
            flag: "--reserved-connections", environment: ["BACKPROPD_RESERVED_CONNECTIONS"], valueName: "N",
            help: "places beyond both limits where /healthz, /readyz and /metrics are still answered, an eighth of them per client (default 64)"
        ) {
            $0.http.reservedConnections = try integer($1, "--reserved-connections", 1...100_000)
        },
        Option(
            flag: "--admin-port", environment: ["BACKPROPD_ADMIN_PORT"], valueName: "N",
            help: "also serve /healthz, /readyz and /metrics on this port, with its own connections (default: none; 0 picks a free one)"
        ) {
            $0.adminPort = try integer($1, "--admin-port", 0...65535)
        },
        Option(
            flag: "--header-timeout", environment: ["BACKPROPD_HEADER_TIMEOUT"], valueName: "SECONDS",
            help: "time to send a request's head (default 10; 408 beyond)"
        ) { $0.http.headerReadTimeout = .seconds(try integer($1, "--header-timeout", 1...3600)) },
        Option(
            flag: "--body-timeout", environment: ["BACKPROPD_BODY_TIMEOUT"], valueName: "SECONDS",
            help: "time to send a request's body (default 30; 408 beyond)"
        ) { $0.http.bodyReadTimeout = .seconds(try integer($1, "--body-timeout", 1...3600)) },
        Option(
            flag: "--idle-timeout", environment: ["BACKPROPD_IDLE_TIMEOUT"], valueName: "SECONDS",
            help: "how long a keep-alive connection may wait for its next request (default 60)"
        ) { $0.http.idleTimeout = .seconds(try integer($1, "--idle-timeout", 1...3600)) },
        Option(
            flag: "--write-timeout", environment: ["BACKPROPD_WRITE_TIMEOUT"], valueName: "SECONDS",
            help: "how long a response may wait for a client that stopped reading (default 30)"
        ) { $0.http.writeTimeout = .seconds(try integer($1, "--write-timeout", 1...3600)) },
        Option(
            flag: "--max-wait", environment: ["BACKPROPD_MAX_WAIT"], valueName: "SECONDS",
            help: "longest ?wait= long-poll (default 60)"
        ) { $0.maxWaitSeconds = try integer($1, "--max-wait", 0...3600) },
        Option(
            flag: "--checkpoint-interval", environment: ["BACKPROPD_CHECKPOINT_INTERVAL"], valueName: "MS",
            help: "how often running runs are written to disk (default 2000)"
        ) { $0.registry.checkpointMilliseconds = try integer($1, "--checkpoint-interval", 10...3_600_000) },
        Option(
            flag: "--response-cache-mb", environment: ["BACKPROPD_RESPONSE_CACHE_MB"], valueName: "MB",
            help: "memory for encoded run JSON (default 64)"
        ) { $0.registry.responseCacheBytes = try integer($1, "--response-cache-mb", 0...65536) << 20 },
        Option(
            flag: "--api-token", environment: ["BACKPROPD_API_TOKEN"], valueName: "TOKEN",
            help:
                "require Authorization: Bearer TOKEN on /runs routes (default: none; on the command line it shows in ps: prefer the file or the variable)"
        ) {
            $0.apiToken = try token(APIToken.trimmed($1), from: "--api-token")
        },
        Option(
            flag: "--api-token-file", environment: ["BACKPROPD_API_TOKEN_FILE"], valueName: "PATH",
            help: "read the token from a file (a mounted Secret), spaces and line breaks around it dropped"
        ) { configuration, path in
            let bytes: [UInt8]
            do {
                bytes = try RegularFile.read(path, maxBytes: APIToken.maxLength + 1024, followSymbolicLinks: true)
            } catch {
                throw UsageError(description: "--api-token-file: cannot read \(path): \(error)")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw UsageError(description: "--api-token-file: \(path) is not UTF-8 text")
            }
            guard let value = try token(APIToken.trimmed(text), from: "--api-token-file \(path)") else {
                throw UsageError(description: "--api-token-file: \(path) holds no token (it is empty or only white space)")
            }
            configuration.apiToken = value
        },
        .switch(
            "--allow-unauthenticated", environment: ["BACKPROPD_ALLOW_UNAUTHENTICATED"],
            help: "serve a non-loopback --host without a token (refused otherwise); for a proxy in front that authenticates"
        ) {
            $0.allowUnauthenticated = $1
        },
        Option(
            flag: "--cors-origin", environment: ["BACKPROPD_CORS_ORIGIN"], valueName: "ORIGIN",
            help: "allow browser calls from ORIGIN (or *) and answer preflights (default: none)"
        ) { $0.corsOrigin = $1.isEmpty ? nil : $1 },
        Option(
            flag: "--shutdown-grace", environment: ["BACKPROPD_SHUTDOWN_GRACE"], valueName: "SECONDS",
            help: "on SIGTERM/SIGINT, time given to in-flight responses (default 5)"
        ) { $0.shutdownGraceSeconds = try integer($1, "--shutdown-grace", 0...8) },
        Option(
            flag: "--log-format", environment: ["BACKPROPD_LOG_FORMAT"], valueName: "text|json",
            help: "one line per event on stdout (default text)"
        ) { configuration, value in
            guard let format = Logger.Format(rawValue: value) else {
                throw UsageError(description: "--log-format: expected text or json, got \"\(value)\"")
            }
            configuration.logFormat = format
        },
        Option(
            flag: "--log-level", environment: ["BACKPROPD_LOG_LEVEL"], valueName: "LEVEL",
            help: "debug, info, warning or error (default info)"
        ) { configuration, value in
            guard let level = Logger.Level(name: value) else {
                throw UsageError(description: "--log-level: expected debug, info, warning or error, got \"\(value)\"")
            }
            configuration.logLevel = level
        },
    ]

    /// `arguments` excludes the program and subcommand names. nil means `--help` was asked for.
    static func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> ServiceConfiguration? {
        var configuration = ServiceConfiguration()
        configuration.registry.workers = processorsOnline
        var given: Set<String> = []
        for option in options {
            if let name = option.environment.first(where: { environment[$0] != nil }) {
                if environment[name]?.isEmpty == false { given.insert(option.flag) }
                do {
                    try option.apply(&configuration, environment[name]!)
                } catch {
                    throw UsageError(description: "environment \(name): \(error)")
                }
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-h" || argument == "--help" { return nil }
            let (flag, inlineValue) = splitInlineValue(argument)
            guard let option = options.first(where: { $0.flag == flag }) else {
                throw UsageError(description: "unknown option \(argument) (see backpropd serve --help)")
            }
            if inlineValue?.isEmpty != true { given.insert(flag) }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if option.isSwitch {
                value = "true"
            } else {
                index += 1
                guard index < arguments.count else { throw UsageError(description: "\(flag) needs a value (\(option.valueName))") }
                value = arguments[index]
            }
            do {
                try option.apply(&configuration, value)
            } catch {
                throw UsageError(description: "\(error)")
            }
            index += 1
        }
        if given.contains("--api-token") && given.contains("--api-token-file") {
            throw UsageError(description: "--api-token and --api-token-file (or their variables) both given: give one")
        }
        return configuration
    }

    /// What to warn about once the log exists: a token on the command line is in every `ps`.
    static func warnings(_ arguments: [String]) -> [String] {
        guard arguments.contains(where: { $0 == "--api-token" || $0.hasPrefix("--api-token=") }) else { return [] }
        return ["--api-token on the command line is visible to every user of this machine (ps, /proc): use --api-token-file or BACKPROPD_API_TOKEN"]
    }

    static var help: String {
        var text = """
            usage: backpropd [serve] [options]

            Serves the training API (see api.md). Every option can also be set by its environment
            variable; a flag wins over the environment.

            options:

            """
        for option in options {
            let left = option.isSwitch ? "  \(option.flag)" : "  \(option.flag) \(option.valueName)"
            text += (left.count >= 34 ? left + " " : left.padding(to: 34)) + option.help + "\n"
            text += String(repeating: " ", count: 34) + "env: " + option.environment.joined(separator: ", ") + "\n"
        }
        text += "  -h, --help".padding(to: 34) + "show this help\n"
        return text
    }

    private static func splitInlineValue(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    private static func integer(_ text: String, _ flag: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(description: "\(flag): expected an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// A trimmed token, nil when empty (no token), or the reason it cannot be used.
    private static func token(_ text: String, from source: String) throws(UsageError) -> String? {
        guard !text.isEmpty else { return nil }
        if let problem = APIToken.problem(with: text) { throw UsageError(description: "\(source): \(problem)") }
        return text
    }

    private static func boolean(_ text: String, _ flag: String) throws(UsageError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw UsageError(description: "\(flag): expected true or false (1 or 0), got \"\(text)\"")
        }
    }

    private static func number(_ text: String, _ flag: String) throws(UsageError) -> Double {
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw UsageError(description: "\(flag): expected a number > 0, got \"\(text)\"")
        }
        return value
    }
}
