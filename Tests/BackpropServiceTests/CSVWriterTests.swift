import Testing

@testable import BackpropService

/// RFC 4180 as a spreadsheet reads it back, and the content negotiation that picks CSV.
@Suite struct CSVWriterTests {
    @Test func fieldsWithCommasQuotesAndLineBreaksAreQuotedAndQuotesDoubled() {
        var writer = CSVWriter()
        writer.record(["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rlf", "", "ünï ☃"])
        writer.field(3)
        writer.field(0.1)
        writer.field(Double?.none)
        writer.field(.infinity)
        writer.field(1e-20)
        writer.field(optional: nil)
        writer.endRecord()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rlf\",,ünï ☃\r\n3,0.1,,,1e-20,\r\n")
        #expect(Self.parse(text) == [["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rlf", "", "ünï ☃"], ["3", "0.1", "", "", "1e-20", ""]])
    }

    @Test func takeHandsOverTheBytesSoFar() {
        var writer = CSVWriter()
        writer.record(["a"])
        #expect(writer.take() == Array("a\r\n".utf8))
        writer.record(["b", "c"])
        #expect(writer.take() == Array("b,c\r\n".utf8))
    }

    @Test(
        arguments: [
            (nil, ResponseFormat.json), ("*/*", .json), ("text/csv", .csv), ("application/json", .json),
            ("text/csv, application/json", .json), ("text/csv;q=1, application/json;q=0.9", .csv),
            ("application/json;q=0.5, text/csv", .csv), ("text/*", .csv), ("text/*, application/*", .json),
            ("text/csv;q=0, */*", .json), ("text/html,application/xhtml+xml,*/*;q=0.8", .json), ("TEXT/CSV ; Q=0.9", .csv),
            ("text/csv;q=0.5, */*;q=0.1", .csv), ("image/png", .json),
        ] as [(String?, ResponseFormat)])
    func acceptPicksCSVOnlyWhenItRanksAboveJSON(accept: String?, expected: ResponseFormat) {
        #expect(ResponseFormat.preferred(accept: accept) == expected, "\(accept ?? "no Accept")")
    }

    /// A minimal RFC 4180 reader (what a spreadsheet does), to read back what the writer wrote.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field); field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.unicodeScalars.append(character)
            }
        }
        return records
    }
}
