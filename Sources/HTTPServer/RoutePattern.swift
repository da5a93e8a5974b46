/// A path pattern such as `/runs/{id}/events`: literal segments and whole-segment `{name}` parameters.
struct RoutePattern: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
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
            return .literal(String(part))
        }
        let names = segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
        precondition(Set(names).count == names.count, "repeated parameter name in \(text)")
    }

    /// Parameter values when the raw (still percent-encoded) path matches; nil otherwise, or when
    /// a segment does not decode.
    func match(rawSegments: [Substring]) -> [String: String]? {
        guard rawSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, raw) in zip(segments, rawSegments) {
            switch segment {
            case .literal(let literal):
                guard raw == literal || PercentDecoding.decode(raw.utf8, plusAsSpace: false) == literal else { return nil }
            case .parameter(let name):
                guard !raw.isEmpty, let value = PercentDecoding.decode(raw.utf8, plusAsSpace: false) else { return nil }
                parameters[name] = value
            }
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
