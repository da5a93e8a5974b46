import HTTPServer

/// A `GET /runs` query: filters (`label=KEY:VALUE` repeatable, all must match; `q=` in the
/// name, case-insensitive; `status=`), an order (`sort=`), a page size and a cursor.
struct RunQuery: Sendable, Equatable {
    struct Label: Sendable, Equatable {
        var key: String
        var value: String
    }

    var labels: [Label] = []
    /// `q` as given, and folded like the names it is looked for in.
    var text: String? {
        didSet { foldedText = text.map { Array(RunIndexEntry.fold($0).utf8) } }
    }
    private(set) var foldedText: [UInt8]?
    var status: RunLifecycle.Status?
    var sort = RunListSort.createdAt
    var limit = 50
    var cursor: RunListCursor?

    static let maxLimit = 1000
    static let maxTextLength = 200

    init() {}

    /// Reads the filters and order from `query`, recording every bad value in it (nothing thrown here).
    init(reading query: inout QueryParameters, defaultLimit: Int = 50) {
        for (index, text) in query.strings("label").enumerated() {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                query.report(
                    "label",
                    "expected KEY:VALUE (a label name, a colon, the value; the first colon splits them), got \(quoted(text)) (label \(index + 1))")
                continue
            }
            labels.append(Label(key: String(text[..<colon]), value: String(text[text.index(after: colon)...])))
        }
        if let q = query.string("q") {
            if q.unicodeScalars.count > Self.maxTextLength {
                query.report("q", "at most \(Self.maxTextLength) characters, got \(q.unicodeScalars.count)")
            } else if !q.isEmpty {
                // An initializer's assignments skip `didSet`: fold here too.
                text = q
                foldedText = Array(RunIndexEntry.fold(q).utf8)
            }
        }
        let statuses = RunLifecycle.Status.allCases.map(\.rawValue).joined(separator: ", ")
        status = query.value("status", expected: "one of \(statuses)", RunLifecycle.Status.init(rawValue:))
        let sorts = RunListSort.allCases.map(\.rawValue).joined(separator: ", ")
        sort = query.value("sort", expected: "one of \(sorts)", RunListSort.init(rawValue:)) ?? .createdAt
        limit = query.integer("limit", in: 1...Self.maxLimit) ?? defaultLimit
        cursor = query.value("cursor", expected: "the next_cursor of a previous page", RunListCursor.init)
    }

    func matches(_ entry: RunIndexEntry) -> Bool {
        if let status, entry.status != status { return false }
        for label in labels where entry.labels[label.key] != label.value { return false }
        if let foldedText, !RunIndexEntry.contains(entry.foldedName, foldedText) { return false }
        return true
    }

    /// The query string that asks for the page after `cursor` (a `Link: rel="next"`), with
    /// `extra` items (`format=csv`) at the end.
    func queryString(after cursor: RunListCursor, extra: [(String, String)] = []) -> String {
        var items: [(String, String)] = labels.map { ("label", "\($0.key):\($0.value)") }
        if let text { items.append(("q", text)) }
        if let status { items.append(("status", status.rawValue)) }
        if sort != .createdAt { items.append(("sort", sort.rawValue)) }
        items.append(("limit", String(limit)))
        items.append(("cursor", cursor.description))
        items += extra
        return items.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// RFC 3986 query component encoding: unreserved characters as they are, every other byte as %XX.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
