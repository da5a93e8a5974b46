#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(CommandDispatcher.backpropd.run(Array(CommandLine.arguments.dropFirst()), console: .standard))
