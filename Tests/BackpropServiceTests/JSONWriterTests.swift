import Foundation
import Testing

@testable import BackpropService

@Suite struct JSONWriterTests {
    @Test(arguments: [0.49641003190272537, 1e-300, Double.leastNonzeroMagnitude, 0.1, 1.0 / 3.0, 123456789012345678.0, -2.5e-7, 1e15, 0.0, 60000.0])
    func doublesRoundTripExactly(value: Double) throws {
        var writer = JSONWriter()
        writer.doubles([value])
        let text = String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
        #expect(Double(text)?.bitPattern == value.bitPattern)
        #expect(text.allSatisfy { "0123456789-+.eE".contains($0) })
        #expect(try JSONValue.parse(writer.bytes) == .array([.number(value)]))
    }

    @Test func nonFiniteNumbersBecomeNull() {
        var writer = JSONWriter()
        writer.doubles([.nan, .infinity, -.infinity, 1])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[null,null,null,1]")
    }

    @Test func stringsAreEscaped() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("k\"ey")
        writer.string("line\nbreak \\ tab\t \u{01} ünï")
        writer.endObject()
        let object = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as! [String: String]
        #expect(object == ["k\"ey": "line\nbreak \\ tab\t \u{01} ünï"])
    }

    @Test func parseReportsWhereTheTextStopsBeingJSON() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array("{\"a\": }".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([]) }
    }
}
