/// Entity tags (RFC 9110 §8.8.3) and the two conditions that compare them: `If-None-Match`
/// (GET and HEAD: weak comparison, a 304 when it matches) and `If-Match` (a change: strong
/// comparison, a 412 when it does not). Tags are kept as sent, quotes and `W/` included.
public struct EntityTagCondition: Sendable, Equatable {
    /// `*`: any current representation.
    public let matchesAny: Bool
    public let tags: [String]

    /// The condition of a field's value; nil when the field is absent.
    public init?(_ field: String?) {
        guard let field else { return nil }
        let tags = field.split(separator: ",").map { String($0.trimmingOptionalWhitespace()) }.filter { !$0.isEmpty }
        matchesAny = tags.contains("*")
        self.tags = tags.filter { $0 != "*" }
    }

    /// `If-None-Match`: whether the client already has `etag` (W/ prefixes ignored on both sides).
    public func matchesWeakly(_ etag: String) -> Bool {
        matchesAny || tags.contains { Self.opaque($0) == Self.opaque(etag) }
    }

    /// `If-Match`: whether `etag` is one the client named; a weak tag never matches.
    public func matchesStrongly(_ etag: String) -> Bool {
        guard !etag.hasPrefix("W/") else { return false }
        return matchesAny || tags.contains(etag)
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag[...]
    }
}

public enum EntityTag {
    /// A strong tag of the bytes themselves (64-bit FNV-1a as 16 hex digits, quoted): the same
    /// bytes have the same tag in every process, so it survives restarts.
    public static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - digits.count) + digits + "\""
    }
}

extension HTTPRequestHead {
    /// The request's `If-None-Match`, nil when it sent none.
    public var ifNoneMatch: EntityTagCondition? { EntityTagCondition(headers["If-None-Match"]) }
    /// The request's `If-Match`, nil when it sent none.
    public var ifMatch: EntityTagCondition? { EntityTagCondition(headers["If-Match"]) }
}

extension HTTPResponse {
    /// The 304 for a client that has the representation tagged `etag` (RFC 9110 §15.4.5: the
    /// validators and `Cache-Control` a 200 would carry, no body).
    public static func notModified(etag: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers["ETag"] = etag
        return HTTPResponse(status: .notModified, headers: headers)
    }
}
