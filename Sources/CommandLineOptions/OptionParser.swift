/// A small parser for `--name value`, `--name=value` and `--flag` arguments, with typed getters
/// whose errors name the option. No positional arguments. Shared by `backpropd`'s commands and
/// the bench executables, so each tool's command line behaves alike.
public struct OptionParser {
    public private(set) var values: [String: String] = [:]
    public private(set) var flags: Set<String> = []

    /// - Parameters:
    ///   - valued: options that take a value, without the leading `--`.
    ///   - flags: options that take none.
    public init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw UsageError("unexpected argument '\(argument)'")
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if allowedFlags.contains(name) {
                guard value == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else { throw UsageError("--\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                guard values[name] == nil else { throw UsageError("--\(name) given twice") }
                values[name] = value
            } else {
                throw UsageError("unknown option '--\(name)'")
            }
        }
    }

    public func string(_ name: String) -> String? { values[name] }

    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }
}

/// A bad command line: exit status 2 and this one-line reason.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Substring {
    public var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
