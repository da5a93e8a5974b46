import CommandLineOptions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `backpropd NAME …` command: parses its own arguments and runs.
protocol Subcommand {
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    /// Throws `UsageError` for anything it cannot use, naming the argument.
    init(arguments: [String]) throws(UsageError)
    /// The process exit status.
    func run(console: Console) -> Int32
}

/// Where commands write: standard output and standard error, or a test's buffers.
struct Console: Sendable {
    let out: @Sendable (String) -> Void
    let error: @Sendable (String) -> Void

    static let standard = Console(
        out: { print($0) },
        error: { message in
            var stream = StandardError()
            print(message, to: &stream)
        })
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { writeToStandardError($0) }
    }
}

/// At file scope, where `write` is the C library's and not `StandardError.write`.
private func writeToStandardError(_ bytes: UnsafeRawBufferPointer) -> Int {
    write(2, bytes.baseAddress, bytes.count)
}

/// Processors online: the default for `serve --workers` and `train --threads`.
var processorsOnline: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
