// The engine benchmark (BENCHMARKS.md, "Engine"): `swift run -c release EngineBench --help`.
import CommandLineOptions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(EngineBenchCommand.help)
    exit(0)
}
do {
    exit(try EngineBenchCommand(arguments: arguments).run())
} catch {
    printError("EngineBench: \(error.message) (see EngineBench --help)")
    exit(2)
}

/// One line on standard error.
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
