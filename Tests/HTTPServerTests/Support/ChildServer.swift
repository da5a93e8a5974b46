import Foundation
import Posix
import TestSupport

@testable import HTTPServer

/// The HTTPBench executable run as a child process (built alongside the tests), for what a
/// test cannot do in its own process: run out of file descriptors, start with a low limit.
final class ChildServer: Sendable {
    let process: ChildProcess
    private let stderrLines = LineLog()
    let port: Int

    /// Runs `HTTPBench` through `bash -c "<shellPrefix> exec HTTPBench …"` and waits until it is
    /// ready: its "HTTPBench ready on" line, said once everything that allocates descriptors
    /// lazily (libdispatch's queues) is set up, not the server's earlier "listening on" log line.
    /// A test that exhausts descriptors right after that earlier line could make libdispatch trap
    /// in the child (the ECONNREFUSED flake of ProcessLimitTests, issue 11).
    init(shellPrefix: String) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("HTTPBench").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw RawClient.Failure(description: "HTTPBench not built next to the tests at \(executable)")
        }
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("child-body-\(getpid()).json")
        try Data(#"{"ok":true}"#.utf8).write(to: body)
        let process = try ChildProcess(
            "/bin/bash", ["-c", "\(shellPrefix) exec '\(executable)' --port 0 --queues 1 --body '\(body.path)' >/dev/null"],
            standardOutput: .inherit, standardError: .pipe)
        self.process = process
        let lines = stderrLines
        let reader = Thread {
            var pending: [UInt8] = []
            while case let chunk = process.readOutput(), !chunk.isEmpty {
                pending += chunk
                while let newline = pending.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeFirst(newline + 1)
                }
            }
        }
        reader.start()
        var bound: Int?
        for _ in 0..<Int(1000 * TestTime.scale) where bound == nil {
            bound =
                stderrLines.all.lazy.compactMap { line -> Int? in
                    guard let range = line.range(of: "HTTPBench ready on 127.0.0.1:") else { return nil }
                    return Int(line[range.upperBound...].prefix { $0.isNumber })
                }.first
            if bound == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard let bound else {
            process.terminate()
            throw RawClient.Failure(description: "HTTPBench did not start: \(stderrLines.all)")
        }
        port = bound
    }

    var log: [String] { stderrLines.all }

    /// CPU time (user + system) the child used so far, in clock ticks.
    var cpuTicks: Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Lines collected by one thread and read by another.
final class LineLog: Sendable {
    private let lines = Locked<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
