import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "serve":
    ServeCommand.run(Array(arguments.dropFirst()))
case nil:
    ServeCommand.run([])
case let flag? where flag.hasPrefix("-"):
    ServeCommand.run(arguments)
case let other?:
    printToStandardError("backpropd: unknown command \(other); commands: serve (default)")
    exit(64)
}
