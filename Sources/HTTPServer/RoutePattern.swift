/// A path pattern such as `/runs/{id}/events`: literal segments and whole-segment `{name}` parameters.
struct RoutePattern: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        /// The segment as text and as its UTF-8 bytes (compared without building strings).
        case literal(String, [UInt8])
        case parameter(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "route pattern must start with '/': \(text)")
        self.text = text
        segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            precondition(!part.contains("{") && !part.contains("}"), "a parameter must be a whole segment: \(text)")
            return .literal(String(part), Array(part.utf8))
        }
        let names = segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
        precondition(Set(names).count == names.count, "repeated parameter name in \(text)")
    }

    /// Parameter values when `path` (as sent: percent-encoded, starting with `/`, no query)
    /// matches; nil otherwise, or when a segment does not decode. Allocates only for parameters.
    func match(path: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        var parameters: [String: String] = [:]
        var start = 1
        for (position, segment) in segments.enumerated() {
            guard start <= path.count else { return nil }
            var end = start
            while end < path.count && path[end] != UInt8(ascii: "/") { end += 1 }
            let raw = UnsafeBufferPointer(rebasing: path[start..<end])
            switch segment {
            case .literal(let literal, let bytes):
                guard
                    raw.elementsEqual(bytes)
                        || (raw.contains(UInt8(ascii: "%"))
                            && PercentDecoding.decode(raw, plusAsSpace: false) == literal)
                else { return nil }
            case .parameter(let name):
                guard !raw.isEmpty, let value = PercentDecoding.decode(raw, plusAsSpace: false) else { return nil }
                parameters[name] = value
            }
            if position == segments.count - 1 {
                guard end == path.count else { return nil }
            }
            start = end + 1
        }
        return parameters
    }

    /// Orders more specific patterns first: at the first differing segment a literal beats a parameter.
    func isMoreSpecific(than other: RoutePattern) -> Bool {
        for (mine, theirs) in zip(segments, other.segments) {
            switch (mine, theirs) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return segments.count > other.segments.count
    }
}
