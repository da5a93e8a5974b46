import Posix

/// Runs the bench's compilers and reference programs to completion and captures what they print
/// (standard output and error together).
enum Subprocess {
    struct Outcome {
        let status: Int32
        let output: String
    }

    /// `program` is looked up in PATH. The child gets `environment` ("NAME=value") only.
    static func run(_ program: String, _ arguments: [String], environment: [String]) -> Outcome? {
        let variables = Dictionary(
            environment.map { entry in
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { $1 })
        guard let (status, output) = try? ChildProcess.run(program, arguments, environment: variables, mergingErrors: true) else { return nil }
        return Outcome(status: status, output: output)
    }

    /// The first number after `key` in `text` (e.g. key "seconds=").
    static func number(after key: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") {
            guard let start = line.firstRange(of: key)?.upperBound else { continue }
            let digits = line[start...].prefix { character in "0123456789.e-+".contains(character) }
            return Double(digits)
        }
        return nil
    }
}
