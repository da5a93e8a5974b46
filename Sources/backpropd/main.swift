#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Register a subcommand by adding its type here; `defaultSubcommand` runs when the first
/// argument names no subcommand.
let dispatcher = CommandDispatcher(subcommands: [ServeCommand.self, TrainCommand.self, BenchCommand.self, HealthcheckCommand.self], defaultSubcommand: ServeCommand.self)
exit(dispatcher.run(Array(CommandLine.arguments.dropFirst()), console: .standard))
