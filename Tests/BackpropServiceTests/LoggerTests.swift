import Foundation
import Testing
@testable import BackpropService

/// Issue 13: JSON logs wrote every field as a string (`"status":"200"`).
@Suite struct LoggerTests {
    @Test func jsonLinesKeepNumbersAndBooleansTyped() throws {
        let logger = Logger(format: .json)
        let line = logger.render(.info, "http", [("status", 200), ("duration_ms", 0.125), ("aborted", true), ("path", "/runs \"x\"")])
        #expect(line.hasSuffix("\n"))
        #expect(line.contains(#""status":200,"duration_ms":0.125,"aborted":true,"path":"/runs \"x\"""#), "\(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 200)
        #expect(object["level"] as? String == "info")
    }

    @Test func textLinesQuoteOnlyWhatNeedsIt() {
        let line = Logger(format: .text).render(.warning, "run evicted", [("runs", 3), ("reason", "--max-runs 10"), ("ok", false)])
        #expect(line.hasSuffix(#" WARNING run evicted runs=3 reason="--max-runs 10" ok=false"# + "\n"), "\(line)")
    }
}
