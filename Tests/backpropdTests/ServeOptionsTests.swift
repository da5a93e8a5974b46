import Foundation
import TestSupport
import Testing

@testable import BackpropService
@testable import backpropd

@Suite struct ServeOptionsTests {
    @Test func defaultsAreSafeOutsideAContainer() throws {
        let configuration = try #require(try ServeOptions.parse([], environment: [:]))
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.registry.queueLimit == 10_000)
        #expect(configuration.registry.workers >= 1)
        #expect(configuration.apiToken == nil)
    }

    @Test func flagsBeatBackpropdVariablesWhichBeatPort() throws {
        let fromPort = try #require(try ServeOptions.parse([], environment: ["PORT": "9001"]))
        #expect(fromPort.port == 9001)
        let fromOwn = try #require(try ServeOptions.parse([], environment: ["PORT": "9001", "BACKPROPD_PORT": "9002"]))
        #expect(fromOwn.port == 9002)
        let fromFlag = try #require(try ServeOptions.parse(["--port", "9003"], environment: ["BACKPROPD_PORT": "9002"]))
        #expect(fromFlag.port == 9003)
        let inline = try #require(try ServeOptions.parse(["--port=0", "--log-format=json"], environment: [:]))
        #expect(inline.port == 0)
        #expect(inline.logFormat == .json)
    }

    @Test func everyFlagHasAnEnvironmentVariableThatWorks() throws {
        let tokenFile = temporaryDirectory("token") + "/token"
        try "from-a-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let values: [String: String] = [
            "--host": "0.0.0.0", "--port": "1234", "--data-dir": "/tmp/x", "--instance-prefix": "0a", "--workers": "3", "--queue-limit": "50",
            "--max-runs": "7", "--max-alphas": "8", "--max-hidden-size": "9", "--max-hidden-sizes": "2", "--max-iterations": "99",
            "--max-curve-points": "11", "--max-work": "1e6", "--max-run-weights": "12", "--max-run-bytes": "65536", "--max-data-bytes": "1000000",
            "--max-dataset-values": "13", "--max-samples": "5", "--max-inputs": "6", "--max-outputs": "2",
            "--max-body-bytes": "14", "--max-header-bytes": "2048", "--max-connections": "20", "--max-connections-per-client": "3",
            "--reserved-connections": "5", "--admin-port": "9999", "--header-timeout": "2", "--body-timeout": "3",
            "--idle-timeout": "4", "--write-timeout": "5", "--max-wait": "15", "--checkpoint-interval": "16", "--response-cache-mb": "17",
            "--api-token": "tok", "--api-token-file": tokenFile, "--allow-unauthenticated": "1", "--cors-origin": "*", "--shutdown-grace": "3",
            "--log-format": "json", "--log-level": "debug",
        ]
        #expect(Set(ServeOptions.options.map(\.flag)) == Set(values.keys))
        for option in ServeOptions.options {
            #expect(option.environment.first?.hasPrefix("BACKPROPD_") == true)
            let viaFlag = try #require(
                try ServeOptions.parse(option.isSwitch ? [option.flag] : [option.flag, values[option.flag]!], environment: [:]))
            let viaEnvironment = try #require(try ServeOptions.parse([], environment: [option.environment[0]: values[option.flag]!]))
            #expect(String(describing: viaFlag) == String(describing: viaEnvironment), "\(option.flag)")
            #expect(String(describing: viaFlag) != String(describing: try ServeOptions.parse([], environment: [:])!), "\(option.flag)")
        }
        #expect(ServeOptions.help.contains("--queue-limit TRIALS"))
        #expect(ServeOptions.help.contains("env: BACKPROPD_PORT, PORT"))
    }

    /// Issue 16: `--api-token-file` (a mounted Secret is a symbolic link; a trailing newline is
    /// dropped), `--allow-unauthenticated`, tokens checked when read.
    @Test func theTokenComesFromAFileTrimmedAndChecked() throws {
        let directory = temporaryDirectory("token")
        let file = directory + "/api-token"
        try "  s3cret-from-a-file\n\n".write(toFile: file, atomically: true, encoding: .utf8)
        let viaFlag = try #require(try ServeOptions.parse(["--api-token-file", file], environment: [:]))
        #expect(viaFlag.apiToken == "s3cret-from-a-file")
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: file)
        let viaLink = try #require(try ServeOptions.parse([], environment: ["BACKPROPD_API_TOKEN_FILE": directory + "/link"]))
        #expect(viaLink.apiToken == "s3cret-from-a-file")
        #expect(try ServeOptions.parse(["--api-token", " padded\n"], environment: [:])?.apiToken == "padded")

        try "\n \n".write(toFile: directory + "/blank", atomically: true, encoding: .utf8)
        try "two words\n".write(toFile: directory + "/spaced", atomically: true, encoding: .utf8)
        try String(repeating: "a", count: 10_000).write(toFile: directory + "/huge", atomically: true, encoding: .utf8)
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        let failures: [([String], [String: String], String)] = [
            (["--api-token-file", directory + "/blank"], [:], "holds no token"),
            (["--api-token-file", directory + "/spaced"], [:], "the token contains a space"),
            (["--api-token-file", directory + "/huge"], [:], "over the limit"),
            // A FIFO would block a plain open(2) forever.
            (["--api-token-file", directory + "/fifo"], [:], "a FIFO, not a regular file"),
            (["--api-token-file", directory], [:], "a directory, not a regular file"),
            (["--api-token-file", directory + "/missing"], [:], "No such file"),
            (["--api-token", "ab\u{7f}"], [:], "control character"),
            (["--api-token", "x"], ["BACKPROPD_API_TOKEN_FILE": file], "both given"),
            (["--allow-unauthenticated=maybe"], [:], "expected true or false"),
        ]
        for (arguments, environment, mention) in failures {
            do {
                _ = try ServeOptions.parse(arguments, environment: environment)
                Issue.record("accepted \(arguments)")
            } catch {
                #expect(error.description.contains(mention), "\(arguments): \(error.description)")
            }
        }
        #expect(try ServeOptions.parse(["--allow-unauthenticated"], environment: [:])?.allowUnauthenticated == true)
        #expect(
            try ServeOptions.parse(["--allow-unauthenticated=false"], environment: ["BACKPROPD_ALLOW_UNAUTHENTICATED": "1"])?.allowUnauthenticated
                == false)
        #expect(try ServeOptions.parse(["--port", "1"], environment: ["BACKPROPD_ALLOW_UNAUTHENTICATED": "true"])?.allowUnauthenticated == true)
        #expect(ServeOptions.warnings(["--api-token", "x"]).first?.contains("visible") == true)
        #expect(ServeOptions.warnings(["--api-token=x"]).count == 1)
        #expect(ServeOptions.warnings(["--api-token-file", "f"]).isEmpty)
        #expect(ServeOptions.help.contains("  --allow-unauthenticated ") && ServeOptions.help.contains("BACKPROPD_API_TOKEN_FILE"))
    }

    @Test(arguments: [
        (["--port", "70000"], "--port"),
        (["--port"], "--port needs a value"),
        (["--workers", "0"], "--workers"),
        (["--header-timeout", "0"], "--header-timeout: expected an integer from 1 to 3600"),
        (["--max-header-bytes", "100"], "--max-header-bytes"),
        (["--log-format", "xml"], "--log-format"),
        (["--instance-prefix", "0A"], "--instance-prefix: expected 0 to 4 lowercase hex digits"),
        (["--instance-prefix", "abcde"], "--instance-prefix"),
        (["--bogus"], "unknown option --bogus"),
    ])
    func badFlagsAreUsageErrors(arguments: [String], mention: String) {
        do {
            _ = try ServeOptions.parse(arguments, environment: [:])
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.description.contains(mention))
        }
    }

    @Test func badEnvironmentValuesNameTheVariable() {
        #expect(throws: ServeOptions.UsageError.self) { try ServeOptions.parse([], environment: ["BACKPROPD_LOG_LEVEL": "loud"]) }
        do {
            _ = try ServeOptions.parse([], environment: ["PORT": "http"])
        } catch {
            #expect(error.description.hasPrefix("environment PORT:"))
        }
    }
}
