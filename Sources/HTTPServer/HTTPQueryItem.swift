/// One `name=value` pair of the query string, percent-decoded with `+` read as a space.
/// A bare `name` has the empty value.
public struct HTTPQueryItem: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Splits and decodes a raw query (without the `?`); nil when an escape or the UTF-8 is invalid.
    static func parse(_ query: UnsafeRawBufferPointer) -> [HTTPQueryItem]? {
        var items: [HTTPQueryItem] = []
        let bytes = query.bindMemory(to: UInt8.self)
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: "&") {
            defer { start = end + 1 }
            guard end > start else { continue }
            let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let valueStart = equals == pair.endIndex ? equals : pair.index(after: equals)
            guard let name = PercentDecoding.decode(UnsafeBufferPointer(rebasing: pair[..<equals]), plusAsSpace: true),
                let value = PercentDecoding.decode(UnsafeBufferPointer(rebasing: pair[valueStart...]), plusAsSpace: true)
            else { return nil }
            items.append(HTTPQueryItem(name: name, value: value))
        }
        return items
    }

    static func parse(_ query: Substring) -> [HTTPQueryItem]? {
        Array(query.utf8).withUnsafeBytes { parse($0) }
    }
}

/// RFC 3986 percent-decoding into UTF-8 text.
enum PercentDecoding {
    /// nil when an escape is malformed, the result is not UTF-8, or it contains NUL.
    /// Text without escapes (the common case) is returned as is, without validation: the
    /// parser only lets visible ASCII into a request target.
    static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ bytes -> String?? in
            needsDecoding(bytes, plusAsSpace: plusAsSpace) ? .some(decode(bytes, plusAsSpace: plusAsSpace)) : .some(String(text))
        }) {
            return decoded ?? nil
        }
        return Array(text.utf8).withUnsafeBufferPointer { decode($0, plusAsSpace: plusAsSpace) }
    }

    private static func needsDecoding(_ bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> Bool {
        for byte in bytes where byte == UInt8(ascii: "%") || (plusAsSpace && byte == UInt8(ascii: "+")) { return true }
        return false
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> String? {
        guard needsDecoding(bytes, plusAsSpace: plusAsSpace) else { return String(validating: bytes, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                let value = high << 4 | low
                guard value != 0 else { return nil }
                decoded.append(value)
            case UInt8(ascii: "+") where plusAsSpace:
                decoded.append(UInt8(ascii: " "))
            default:
                decoded.append(byte)
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
