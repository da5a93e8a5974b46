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
            // The run may still train (slow machines, sanitizers): the cursor after it is then further on.
            let lines = sections[4].split(separator: "\n")
            let next = lines.first { $0.hasPrefix("next: ") }.flatMap { Int($0.dropFirst(6)) }
            let later = lines.first { $0.hasPrefix("after it: ") }.flatMap { Int($0.dropFirst(10)) }
            #expect(next != nil && later != nil && later! >= next!, "\(sections[4])")
            #expect(sections[5].hasPrefix("id: 1\nevent: status\n"), "\(sections[5])")
            #expect(sections[6].hasPrefix("id: 6\n"), "\(sections[6])")
            #expect(sections[7].hasSuffix("\n304\n"), "\(sections[7])")
            #expect(sections[8].hasPrefix("200\n") || sections[8].hasPrefix("409\n"), "\(sections[8])")
            #expect(sections[8].hasSuffix("\"status\":\"cancelled\"\n"), "\(sections[8])")
            #expect(sections[9] == "204\n")
            #expect(sections[10].contains("\"name\":\"xor\""))
            #expect(sections[11].contains("{\"status\":\"ok\"}") && sections[11].contains("\"ready\""))
            #expect(sections[12].contains("backpropd_runs{status="))
            #expect(sections[13].contains("\"openapi\":\"3.1.0\"") || sections[13].contains("\"openapi\": \"3.1.0\""))
            #expect(sections.last?.hasPrefix(#"{"type":"https://backpropd.dev/problems/not-found","title":"Not found","status":404"#) == true,
                    "\(sections.last ?? "")")
        }
    }
}
