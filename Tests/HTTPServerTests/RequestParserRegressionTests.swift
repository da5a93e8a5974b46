import Foundation
import Testing

@testable import HTTPServer

/// The fuzz target's invariants over the hand-written seeds of the committed corpus
/// (Fuzz/corpus/request-parser/*.http; the fuzzer itself checks the ~1,000 inputs it grew), and
/// inputs that once broke the parser. Add every fuzzer crash here (scripts/fuzz-parser.sh).
@Suite struct RequestParserRegressionTests {
    static let corpus: [String] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/corpus/request-parser").standardizedFileURL
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".http") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }()

    @Test func theSeedCorpusIsThere() {
        #expect(Self.corpus.count >= 10)
    }

    @Test(arguments: corpus)
    func eventsDoNotDependOnHowTheBytesAreSplit(_ path: String) throws {
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let whole = parse(input).events
        #expect(!whole.isEmpty)
        for chunk in [1, 2, 3, 5, 8, 13] {
            #expect(parse(input, chunk: chunk).events == whole, "split every \(chunk) bytes")
        }
    }

    /// The scanner once read past the input when a target ended exactly at the end of a read.
    @Test func aTargetEndingAtTheEndOfTheInputWaitsForMore() {
        var parser = RequestParser(limits: .init(HTTPLimits()))
        let first = Array("GET /runs/demo".utf8)
        var offset = 0
        guard case .needMoreData = first.withUnsafeBytes({ parser.parse($0, offset: &offset) }) else {
            Issue.record("expected to need more input")
            return
        }
        #expect(offset == first.count)
        let rest = Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        offset = 0
        guard case .head(let parsed) = rest.withUnsafeBytes({ parser.parse($0, offset: &offset) }) else {
            Issue.record("expected a head")
            return
        }
        #expect(parsed.head.path == "/runs/demo")
    }

    /// A target exactly `maxURIBytes` long is accepted; one byte more is 414, also across reads.
    @Test func theURILimitIsExactWhateverTheSplit() {
        var limits = HTTPLimits()
        limits.maxURIBytes = 16
        let exact = "GET /" + String(repeating: "a", count: 15) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        let over = "GET /" + String(repeating: "a", count: 16) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        for chunk in [nil, 1, 4, 17] as [Int?] {
            #expect(parse(exact, chunk: chunk, limits: limits).error == nil)
            #expect(parse(over, chunk: chunk, limits: limits).error?.status == .uriTooLong)
        }
    }
}
