import Foundation
import Testing
@testable import BackpropService

/// api.md promises that its curl examples work when pasted: run them, in order, against a
/// real server (port rewritten), and check what they print.
@Suite struct ApiDocumentTests {
    static let apiDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("api.md")

    static func shellBlocks(_ markdown: String) -> [String] {
        markdown.components(separatedBy: "```sh\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func everyCurlExampleWorksWhenPasted() async throws {
        let markdown = try String(contentsOf: Self.apiDocument, encoding: .utf8)
        let blocks = Self.shellBlocks(markdown)
        #expect(blocks.count >= 10)
        try await withService { service in
            let script = "set -eu\n" + blocks.joined(separator: "\necho '--- next example'\n")
                .replacing("127.0.0.1:8080", with: "127.0.0.1:\(service.port)")
            let (status, output) = try await runProcess("/bin/bash", ["-c", script])
            #expect(status == 0, "\(output)")
            let sections = output.components(separatedBy: "--- next example\n")
            #expect(sections.count == blocks.count)
            let id = sections[0].trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(RunID(id) != nil, "first example printed \(sections[0])")
            #expect(sections[1].contains(#""pointer":"/alphas/0""#))
            #expect(sections[2].hasPrefix("{\"id\":\"\(id)\""))
            #expect(sections[3].contains("\n{\"id\":\"\(id)\""))
            #expect(sections[4].contains("event: status"))
            #expect(["200\n", "409\n"].contains(sections[6]))
            #expect(sections[7] == "204\n")
            #expect(sections[8].contains("\"name\":\"xor\""))
            #expect(sections[9].contains("{\"status\":\"ok\"}") && sections[9].contains("\"ready\""))
            #expect(sections[10].contains("backpropd_runs{status="))
            #expect(sections[11].contains("\"openapi\":\"3.1.0\"") || sections[11].contains("\"openapi\": \"3.1.0\""))
            #expect(sections.last?.hasPrefix(#"{"type":"https://backpropd.dev/problems/not-found","title":"Not found","status":404"#) == true,
                    "\(sections.last ?? "")")
        }
    }
}
