/// A run's id: 128 random bits from the system's CSPRNG, as 32 lowercase hex digits, so ids
/// cannot be guessed or enumerated.
public struct RunID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let description: String

    public init() {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        description = Self.hex(high) + Self.hex(low)
    }

    /// Accepts only the canonical form, so a bad path segment is a plain 404.
    public init?(_ text: String) {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        description = text
    }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.description < rhs.description }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
