/// A run's id: 128 random bits from the system's CSPRNG, as 32 lowercase hex digits, so ids
/// cannot be guessed or enumerated. A replica of a scaled-out deployment replaces the leading
/// digits with its instance prefix (at most 4 hex digits, leaving ≥ 112 random bits), so a
/// router can send `/runs/{id}` to the replica that owns the run.
public struct RunID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let description: String

    public init(instancePrefix: String = "") {
        precondition(Self.isValidInstancePrefix(instancePrefix), "instance prefix must be 0-4 lowercase hex digits")
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        description = instancePrefix + (Self.hex(high) + Self.hex(low)).dropFirst(instancePrefix.utf8.count)
    }

    public static func isValidInstancePrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= 4 && prefix.utf8.allSatisfy(Self.isLowercaseHexDigit)
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...102).contains(byte) }

    /// Accepts only the canonical form, so a bad path segment is a plain 404.
    public init?(_ text: String) {
        guard text.utf8.count == 32, text.utf8.allSatisfy(Self.isLowercaseHexDigit) else { return nil }
        description = text
    }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.description < rhs.description }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
