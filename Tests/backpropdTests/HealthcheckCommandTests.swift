import CommandLineOptions
import Foundation
import TestSupport
import Testing

@testable import HTTPServer
@testable import backpropd

@Suite struct HealthcheckCommandTests {
    @Test func followsServeEnvironmentAndMapsWildcardsToLoopback() throws {
        let plain = try HealthcheckCommand(arguments: [], environment: [:]).probe
        #expect((plain.host, plain.port, plain.path) == ("127.0.0.1", 8080, "/healthz"))

        let container = try HealthcheckCommand(arguments: [], environment: ["BACKPROPD_HOST": "0.0.0.0", "PORT": "9000"]).probe
        #expect((container.host, container.port) == ("127.0.0.1", 9000))

        let both = try HealthcheckCommand(arguments: [], environment: ["BACKPROPD_PORT": "7000", "PORT": "9000", "BACKPROPD_HOST": "::"]).probe
        #expect((both.host, both.port) == ("::1", 7000))
        #expect(both.url == "http://[::1]:7000/healthz")

        let flags = try HealthcheckCommand(
            arguments: ["--host", "[::1]", "--port=81", "--path", "/readyz", "--timeout", "1"], environment: ["PORT": "9000"]
        ).probe
        #expect((flags.host, flags.port, flags.path, flags.timeoutSeconds) == ("::1", 81, "/readyz", 1))
    }

    @Test(arguments: [
        ([String](), ["PORT": "http"], "BACKPROPD_PORT/PORT must be a port from 1 to 65535, not 'http'"),
        (["--port", "0"], [:], "--port must be a whole number from 1 to 65535, not '0'"),
        (["--path", "healthz"], [:], "--path must be an absolute path without spaces, not 'healthz'"),
        (["--verbose"], [:], "unknown option '--verbose'"),
    ])
    func refusesBadSettings(arguments: [String], environment: [String: String], message: String) {
        #expect(throws: UsageError(message)) { try HealthcheckCommand(arguments: arguments, environment: environment) }
    }

    @Test func exitsZeroOnlyWhileTheServerAnswers200() async throws {
        let server = try await ServerProcess.start(["--data-dir", temporaryDirectory("healthcheck")])
        let port = String(server.port)
        #expect(try await runProcess(ServerProcess.executable, ["healthcheck", "--port", port], mergingErrors: true).status == 0)
        #expect(
            try await runProcess(ServerProcess.executable, ["healthcheck", "--port", port, "--path", "/readyz"], mergingErrors: true).status == 0)

        let missing = try await runProcess(
            ServerProcess.executable, ["healthcheck", "--port", port, "--path", "/no-such-route"], mergingErrors: true)
        #expect(missing.status == 1)
        #expect(missing.output.contains("answered 404"))

        server.signal(SIGTERM)
        #expect(await server.waitForExit(timeout: 20) == 0)
        let stopped = try await runProcess(ServerProcess.executable, ["healthcheck", "--port", port], mergingErrors: true)
        #expect(stopped.status == 1)
        #expect(stopped.output.contains("refused"))
    }

    @Test func givesUpOnASilentServerAtItsTimeout() async throws {
        // A listener that never accepts (the kernel completes the handshake) and so never answers:
        // HTTPServer's own listening socket, with nobody serving it.
        let listener = try #require(try Socket.listen(host: "127.0.0.1", port: 0, backlog: 4).first)
        defer { close(listener.fd) }
        let port = String(listener.port)

        let silent = try await runProcess(ServerProcess.executable, ["healthcheck", "--port", port, "--timeout", "1"], mergingErrors: true)
        #expect(silent.status == 1)
        #expect(silent.output.contains("no response in time"))
    }
}
