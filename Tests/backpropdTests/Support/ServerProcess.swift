import Foundation
import Posix
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `backpropd` binary (built next to the test bundle) running as a child process.
final class ServerProcess: Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static var executable: String {
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("backpropd").path
    }

    let process: ChildProcess
    private let output = Locked("")
    private let boundPort = Locked(0)
    private(set) var port: Int {
        get { boundPort.withLock { $0 } }
        set { boundPort.withLock { $0 = newValue } }
    }

    /// Starts `backpropd serve --port 0 ARGUMENTS` and waits for its `listening on` line (polling
    /// with Task.sleep: other suites' in-process servers need the few Swift concurrency threads).
    /// Then, unless `waitForRuns` is false, waits until the stored runs are loaded (`/readyz`
    /// no longer says it is loading them): the server listens before it reads them.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], umask: String? = nil,
        waitForRuns: Bool = true
    ) async throws -> ServerProcess {
        let server = try ServerProcess(arguments, environment: environment, umask: umask)
        let deadline = Date().addingTimeInterval(TestTime.scaled(30))
        while server.port == 0, Date() < deadline, server.process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
            server.port = server.output.withLock { text in
                text.firstRange(of: "listening on http://127.0.0.1:").map { range in
                    Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
                } ?? 0
            }
        }
        guard server.port > 0 else {
            server.process.terminate()
            throw Failure(description: "backpropd did not start: \(server.log)")
        }
        while waitForRuns, Date() < deadline, server.process.isRunning,
            try await request("GET", server.port, "/readyz").text.contains("loading stored runs")
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        return server
    }

    private init(_ arguments: [String], environment: [String: String], umask: String?) throws {
        // Niced (nice execs it, same pid): the other suites' servers share the two cores.
        let command = ["/usr/bin/nice", "-n", "10", Self.executable, "serve", "--port", "0"] + arguments
        let (program, programArguments) =
            umask.map { mask in
                ("/bin/sh", ["-c", "umask \(mask) && exec \"$@\"", "sh"] + command)
            } ?? (command[0], Array(command.dropFirst()))
        process = try ChildProcess(
            program, programArguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            standardOutput: .pipe, standardError: .pipe)
        let output = self.output
        let process = self.process
        let reader = Thread {
            while case let bytes = process.readOutput(), !bytes.isEmpty {
                output.withLock { $0 += String(decoding: bytes, as: UTF8.self) }
            }
        }
        reader.start()
    }

    var log: String { output.withLock { $0 } }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the process to exit; returns its status (nil on timeout, which is multiplied by
    /// `TestTime.scale`).
    func waitForExit(timeout: TimeInterval) async -> Int32? {
        let deadline = Date().addingTimeInterval(TestTime.scaled(timeout))
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }
}

/// Minimal HTTP for the process tests: status and body text.
func request(_ method: String, _ port: Int, _ path: String, body: String? = nil) async throws -> (status: Int, text: String) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    let (data, response) = try await URLSession(configuration: configuration).data(for: request)
    return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
}

func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}
