import CommandLineOptions

/// Picks the subcommand named by the first argument (or the default one) and runs it.
/// Usage errors exit 2 with one line on standard error.
struct CommandDispatcher {
    let subcommands: [any Subcommand.Type]
    let defaultSubcommand: (any Subcommand.Type)?

    /// The product's commands. Register a subcommand by adding its type here; `serve` runs when
    /// the first argument names no subcommand. (Developer tools such as the engine benchmark are
    /// their own executables under Benchmarks/.)
    static var backpropd: CommandDispatcher {
        CommandDispatcher(subcommands: [ServeCommand.self, TrainCommand.self, HealthcheckCommand.self], defaultSubcommand: ServeCommand.self)
    }

    var help: String {
        let names = subcommands.map { $0.name }
        let width = names.map { $0.count }.max() ?? 0
        let list = subcommands.map { command in "  \(command.name.padding(to: width))  \(command.summary)" }.joined(separator: "\n")
        let usage =
            defaultSubcommand.map { "usage: backpropd [\($0.name)] [options]\n       backpropd <command> [options]" }
            ?? "usage: backpropd <command> [options]"
        return """
            backpropd — trains the sigmoid networks of the numpy gradient-descent tutorial.

            \(usage)

            commands:
            \(list)

            `backpropd <command> --help` describes a command's options.
            """
    }

    func run(_ arguments: [String], console: Console) -> Int32 {
        if let first = arguments.first, first == "--help" || first == "-h" || first == "help" {
            console.out(help)
            return 0
        }
        let named = arguments.first.flatMap { first in subcommands.first { $0.name == first } }
        guard let command = named ?? defaultSubcommand else {
            let reason = arguments.first.map { "unknown command '\($0)'" } ?? "no command given"
            console.error("backpropd: \(reason) (commands: \(subcommands.map { $0.name }.joined(separator: ", ")); see backpropd --help)")
            return 2
        }
        let rest = named == nil ? arguments : Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(command.help)
            return 0
        }
        do {
            return try command.init(arguments: rest).run(console: console)
        } catch {
            console.error("backpropd \(command.name): \(error.message) (see backpropd \(command.name) --help)")
            return 2
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
