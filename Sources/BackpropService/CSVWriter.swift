/// Appends RFC 4180 CSV to a byte buffer: records end with CRLF, a field holding a comma, a
/// double quote, CR or LF is quoted with its quotes doubled, every other field is written as it
/// is. Numbers as the JSON answers write them (shortest round-trip form); a missing value
/// (null, or a number that is not finite) is an empty field.
struct CSVWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    private var atRecordStart = true

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The media type of every CSV answer.
    static let contentType = "text/csv; charset=utf-8"

    mutating func field(_ text: String) {
        separate()
        let needsQuotes = text.utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        guard needsQuotes else { bytes += text.utf8; return }
        bytes.append(34)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == 34 { bytes.append(34) }
        }
        bytes.append(34)
    }

    mutating func field(_ value: Int) {
        separate()
        bytes += String(value).utf8
    }

    mutating func field(_ value: Double?) {
        separate()
        guard let value, value.isFinite else { return }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes += String(Int(value)).utf8
        } else {
            bytes += value.description.utf8
        }
    }

    mutating func field(optional text: String?) {
        if let text { field(text) } else { separate() }
    }

    mutating func endRecord() {
        bytes += [13, 10]
        atRecordStart = true
    }

    mutating func record(_ fields: [String]) {
        for text in fields { field(text) }
        endRecord()
    }

    /// Hands over the bytes written so far and starts an empty buffer (streaming in chunks).
    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func separate() {
        if atRecordStart { atRecordStart = false } else { bytes.append(44) }
    }
}
