import Foundation
import TestSupport
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

    /// Issue 16: `GET /x%0a2026-…Z%20ERROR%20cannot%20start…` wrote a fake ERROR line into the
    /// text log; ANSI escapes passed through too.
    @Test func textLinesCannotBeForgedOrRecolouredByWhatAClientSent() {
        let forged = "/x\n2026-12-07T00:00:00.000Z ERROR cannot start reason=\"disk\""
        let logger = Logger(format: .text)
        let line = logger.render(
            .info, "http",
            [
                ("path", forged), ("agent", "\u{1b}[31mred\u{1b}[0m\r\u{7}"),
                ("bidi", "abc\u{202E}fed\u{2028}x\u{85}"), ("plain", "a\\b"),
            ])
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"), "\(line)")
        #expect(
            !line.contains("\u{1b}") && !line.contains("\r") && !line.contains("\u{7}") && !line.contains("\u{202E}") && !line.contains("\u{2028}"))
        #expect(line.contains(#"path="/x\n2026-12-07T00:00:00.000Z ERROR cannot start reason=\"disk\"""#), "\(line)")
        #expect(line.contains(#"agent="\x1b[31mred\x1b[0m\r\x07""#), "\(line)")
        #expect(line.contains(#"bidi="abc\u202efed\u2028x\x85""#), "\(line)")
        #expect(line.contains(#"plain="a\\b""#), "\(line)")
        let message = logger.render(.error, "cannot start\n2026 ERROR fake\u{1b}[2J", [])
        #expect(message.filter { $0 == "\n" }.count == 1 && message.contains(#"cannot start\n2026 ERROR fake\x1b[2J"#), "\(message)")
        // Values that need nothing stay bare; JSON escapes as before.
        #expect(logger.render(.info, "x", [("path", "/runs/abc"), ("é", "ü")]).hasSuffix(" x path=/runs/abc é=ü\n"))
        let json = Logger(format: .json).render(.info, "http", [("path", forged)])
        #expect(json.filter { $0 == "\n" }.count == 1 && json.contains(#"\n2026"#))
    }

    /// The same attack through a real server and its access log.
    @Test func anAccessLineForARequestWithAnEncodedNewlineStaysOneLine() async throws {
        let path = temporaryDirectory("log") + "/log.txt"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(descriptor) }
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.dataDirectory = temporaryDirectory("log-data")
        configuration.shutdownGraceSeconds = 1
        let service = try await offPool { [configuration] in
            try BackpropService(configuration: configuration, log: Logger(level: .info, descriptor: descriptor))
        }
        let port = try await offPool { try service.start() }
        _ = try await curl([
            "-o", "/dev/null", "--path-as-is",
            "http://127.0.0.1:\(port)/x%0a2026-12-07T00:00:00.000Z%20ERROR%20cannot%20start%1b%5b31m",
        ])
        await service.shutdown()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("2026-12-07T00:00:00.000Z") }, "\(text)")
        #expect(!text.contains("\u{1b}"))
        let access = lines.first { $0.contains(" INFO http ") && $0.contains("status=404") }
        #expect(access?.contains(#"path="/x\n2026-12-07T00:00:00.000Z ERROR cannot start\x1b[31m""#) == true, "\(text)")
    }
}
