import BackpropService
import CommandLineOptions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backpropd healthcheck`: the container's HEALTHCHECK without curl in the image. Asks the
/// server configured by the same flags/environment as `serve` for `/healthz`; exit 0 on 200.
struct HealthcheckCommand: Subcommand {
    static let name = "healthcheck"
    static let summary = "exit 0 if the local server answers GET /healthz with 200 (for container health checks)"
    static let help = """
        usage: backpropd healthcheck [--host ADDRESS] [--port N] [--path PATH] [--timeout SECONDS]

        Connects to the server that `backpropd serve` with the same environment would run
        (BACKPROPD_HOST, BACKPROPD_PORT or PORT; a wildcard host such as 0.0.0.0 means loopback),
        sends GET PATH (default /healthz) and exits 0 when it answers 200, 1 otherwise.

        options:
          --host ADDRESS      server address (default: BACKPROPD_HOST, else 127.0.0.1)
          --port N            server port (default: BACKPROPD_PORT, else PORT, else 8080)
          --path PATH         path to ask for (default /healthz)
          --timeout SECONDS   give up after this long (default 3)
          -h, --help          show this help
        """

    let probe: HealthProbe

    init(arguments: [String]) throws(UsageError) {
        try self.init(arguments: arguments, environment: ServeCommand.environment())
    }

    init(arguments: [String], environment: [String: String]) throws(UsageError) {
        var host = environment["BACKPROPD_HOST"] ?? ServiceConfiguration().host
        var port = ServiceConfiguration().port
        if let text = environment["BACKPROPD_PORT"] ?? environment["PORT"] {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw UsageError("BACKPROPD_PORT/PORT must be a port from 1 to 65535, not '\(text)'")
            }
            port = value
        }
        let options = try OptionParser(arguments, valued: ["host", "port", "path", "timeout"], flags: [])
        if let value = options.string("host") { host = value }
        port = try options.integer("port", default: port, in: 1...65535)
        let path = options.string("path") ?? "/healthz"
        guard path.hasPrefix("/"), !path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw UsageError("--path must be an absolute path without spaces, not '\(path)'")
        }
        let timeout = try options.integer("timeout", default: 3, in: 1...300)
        probe = HealthProbe(host: Self.connectable(host), port: port, path: path, timeoutSeconds: timeout)
    }

    func run(console: Console) -> Int32 {
        switch probe.check() {
        case .success(let status) where status == 200:
            return 0
        case .success(let status):
            console.error("backpropd healthcheck: \(probe.url) answered \(status)")
            return 1
        case .failure(let reason):
            console.error("backpropd healthcheck: \(probe.url): \(reason.description)")
            return 1
        }
    }

    /// A server listening on every interface is reached on loopback.
    static func connectable(_ host: String) -> String {
        switch host {
        case "", "0.0.0.0", "*": return "127.0.0.1"
        case "::", "[::]": return "::1"
        default: return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
    }
}
