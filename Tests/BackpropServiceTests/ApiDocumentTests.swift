import Foundation
import TestSupport
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
            let script =
                "set -eu\n"
                + blocks.joined(separator: "\necho '--- next example'\n")
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
            // Issue 14: curve windows, CSV, one trial, PATCH, list filters.
            let window = sections[5].split(separator: "\n")
            #expect(window.count == 2 && window[0].hasPrefix(#""error_curve":[{"iteration":0,"#), "\(sections[5])")
            #expect(window.first.map { $0.components(separatedBy: "\"iteration\"").count - 1 }.map { (2...8).contains($0) } == true, "\(sections[5])")
            let windowPoints = window.last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            #expect(windowPoints == 35, "7 trials × every point of the window: \(sections[5])")
            #expect(sections[6].hasPrefix("trial,alpha,hidden_size,iteration,error\r\n0,0.001,4,0,"), "\(sections[6])")
            #expect(sections[6].components(separatedBy: "\r\n").count == 4, "\(sections[6])")
            #expect(sections[7].hasPrefix("{\"run\":\"\(id)\",\"trial\":3,\"next\":"), "\(sections[7])")
            let patched = sections[8].split(separator: "\n")
            #expect(
                patched.count == 4 && patched[0].contains(#""reviewed":"yes""#) && patched[0].contains(#""project":"tutorial""#), "\(sections[8])")
            #expect(patched.dropFirst().map(String.init) == ["412", #""pointer":"/alphas""#, #""pointer":"/status""#], "\(sections[8])")
            #expect(sections[9].hasPrefix("id: 1\nevent: status\n"), "\(sections[9])")
            #expect(sections[10].hasPrefix("id: 6\n"), "\(sections[10])")
            #expect(
                sections[11] == """
                    "name":"notebook, hidden 4"
                    id,name,status,created_at,finished_at,best_alpha,best_hidden_size,best_final_error,label:project,label:reviewed\r
                    "pointer":"query:label"
                    "pointer":"query:sort"

                    """, "\(sections[11])")
            #expect(sections[12].hasSuffix("\n304\n"), "\(sections[12])")
            #expect(sections[13].hasPrefix("200\n") || sections[13].hasPrefix("409\n"), "\(sections[13])")
            #expect(sections[13].hasSuffix("\"status\":\"cancelled\"\n"), "\(sections[13])")
            #expect(sections[14] == "204\n")
            #expect(sections[15].contains("\"name\":\"xor\""))
            #expect(sections[16].contains("{\"status\":\"ok\"}") && sections[16].contains("\"ready\""))
            #expect(sections[17].contains("backpropd_runs{status="))
            #expect(sections[18].contains("\"openapi\":\"3.1.0\"") || sections[18].contains("\"openapi\": \"3.1.0\""))
            #expect(
                sections.last?.hasPrefix(#"{"type":"https://backpropd.dev/problems/not-found","title":"Not found","status":404"#) == true,
                "\(sections.last ?? "")")
        }
    }
}
