/// Where a `GET /runs` page ends, as the `cursor` query parameter: the last run of the page in
/// the page's order. `MS.ID` (created_at in milliseconds, run id) in the `created_at` order;
/// `eBITS.MS.ID` in the `best_error` order, BITS being the run's best final error as the 16 hex
/// digits of its IEEE-754 double (a run without a result has the plain form there too).
///
/// Every text of these forms is a cursor, whether or not such a run exists: the page holds the
/// runs after that position. Used with the other order, a cursor keeps its `MS.ID` part (among
/// the runs without a result, in the `best_error` order), so no well-formed cursor is refused.
/// Milliseconds beyond `Int64.max` mean "after the latest instant"; an error that is not a
/// finite number sorts after every result.
public struct RunListCursor: Sendable, Equatable, CustomStringConvertible {
    public var createdAt: Timestamp
    public var id: RunID
    /// The best final error for the `best_error` order; nil: the run had no result.
    public var bestError: Double?

    public init(createdAt: Timestamp, id: RunID, bestError: Double? = nil) {
        self.createdAt = createdAt
        self.id = id
        self.bestError = bestError
    }

    init(_ key: RunListKey) {
        self.init(createdAt: key.createdAt, id: key.id, bestError: key.sort == .bestError ? key.bestError : nil)
    }

    /// Parses exactly `[eBITS.]DIGITS.ID`: no sign, no spaces, at least one digit, a canonical run id.
    public init?(_ text: String) {
        var rest = Substring(text)
        var error: Double?
        if rest.hasPrefix("e") {
            let bits = rest.dropFirst().prefix(17)
            guard bits.count == 17, bits.last == ".", let pattern = UInt64(bits.dropLast(), radix: 16),
                bits.dropLast().utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { return nil }
            let value = Double(bitPattern: pattern)
            error = value.isNaN ? .infinity : value
            rest = rest.dropFirst(18)
        }
        guard let dot = rest.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let digits = rest.utf8[..<dot]
        guard !digits.isEmpty, digits.allSatisfy({ (48...57).contains($0) }),
            let id = RunID(String(rest[rest.index(after: dot)...]))
        else { return nil }
        let millis = Int64(String(Substring(digits))) ?? .max  // only digits: nil means it overflowed
        self.init(createdAt: Timestamp(millisecondsSince1970: millis), id: id, bestError: error)
    }

    public var description: String {
        let position = "\(createdAt.millisecondsSince1970).\(id)"
        guard let bestError else { return position }
        let digits = String(bestError.bitPattern, radix: 16)
        return "e" + String(repeating: "0", count: 16 - digits.count) + digits + "." + position
    }

    /// The position in `sort`'s order.
    func key(for sort: RunListSort) -> RunListKey {
        RunListKey(sort: sort, bestError: sort == .bestError ? bestError : nil, createdAt: createdAt, id: id)
    }

    /// The OpenAPI pattern of every cursor text.
    static let pattern = "^(e[0-9a-f]{16}\\.)?[0-9]+\\.[0-9a-f]{32}$"
}
