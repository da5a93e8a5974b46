import Foundation
import Posix
import TestSupport
import Testing

@testable import BackpropService

/// The served `/openapi.json` and the handlers agree on every parameter (issue 11: schemathesis
/// drew a cursor the schema allows and the server answered 422, failing CI by chance).
///
/// For each query, header and path parameter of the served document, edge-case candidates are
/// judged by the parameter's own schema (type, bounds, enum, pattern, lengths) and sent: a value
/// the schema allows is never rejected as invalid, a value it forbids is rejected (422 naming
/// `query:NAME` / `header:NAME`; 404 for a run id segment). The verdict is read from the served
/// document, so a change on either side that makes them disagree fails here.
@Suite struct SchemaAgreementTests {
    /// The cursor of the failed CI run: 21 digits of milliseconds (beyond Int64) and an id.
    static let issueCursor = "721267313962586505053.0cc22ff0aad6ffd40f6ddd9ad032bc35"

    @Test func theCursorThatFailedCIIsAcceptedAndPagesCorrectly() async throws {
        try await withService { service in
            let ids = [
                try await service.client.submit(quickRunBody(alphas: [1], iterations: 10)),
                try await service.client.submit(quickRunBody(alphas: [1], iterations: 10)),
            ]
            let later = try await service.client.get("/runs?limit=13&status=cancelled&cursor=\(Self.issueCursor)")
            #expect(later.status == 200, "\(later.text)")
            #expect(try later.json()["runs"] as? [Any] != nil)
            // A cursor after every instant lists every run; one before every run, none.
            let all = try await service.client.get("/runs?cursor=\(Self.issueCursor)").json()
            #expect(Set((all["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == Set(ids))
            #expect(all["next_cursor"] is NSNull)
            let none = try await service.client.get("/runs?cursor=0.00000000000000000000000000000000").json()
            #expect((none["runs"] as? [Any])?.isEmpty == true)
            #expect(none["next_cursor"] is NSNull)
            let leadingZeros = try await service.client.get("/runs?cursor=0000\(Self.issueCursor)")
            #expect(leadingZeros.status == 200)
            // A well-formed cursor naming no run pages from its place in the order.
            let first = try await service.client.get("/runs?limit=1").json()
            let cursor = try #require(first["next_cursor"] as? String)
            let (millis, _) = try #require(cursor.split(separator: ".").map(String.init).pairs)
            let unknown = try await service.client.get("/runs?cursor=\(millis).ffffffffffffffffffffffffffffffff").json()
            #expect((unknown["runs"] as? [Any])?.count ?? 0 >= 1)
        }
    }

    @Test func cursorParsingAcceptsExactlyTheSchemaPattern() {
        let id = "0cc22ff0aad6ffd40f6ddd9ad032bc35"
        for accepted in ["0.\(id)", "1.\(id)", Self.issueCursor, String(repeating: "9", count: 400) + ".\(id)"] {
            #expect(RunListCursor(accepted) != nil, "\(accepted)")
        }
        #expect(RunListCursor(Self.issueCursor)?.createdAt.millisecondsSince1970 == .max)
        #expect(RunListCursor("9223372036854775807.\(id)")?.createdAt.millisecondsSince1970 == .max)
        #expect(RunListCursor("9223372036854775806.\(id)")?.createdAt.millisecondsSince1970 == Int64.max - 1)
        for refused in [
            ".\(id)", "+1.\(id)", "-1.\(id)", " 1.\(id)", "1.\(id.uppercased())", "1.\(id) ", "1..\(id)",
            "1.\(id)\n", "1.\(id.dropLast())", "1.\(id)0", "1", id, "", "1.", "١.\(id)", "1e3.\(id)",
        ] {
            #expect(RunListCursor(refused) == nil, "\(refused)")
        }
    }

    @Test func everyParameterOfTheServedDocumentAgreesWithTheServer() async throws {
        try await withService { service in
            let runID = try await service.client.submit(quickRunBody(alphas: [1], iterations: 10))
            _ = try await service.client.waitUntilFinished(runID)
            let document = try await service.client.get("/openapi.json").json()
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var checked: Set<String> = []
            for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
                let shared = item["parameters"] as? [[String: Any]] ?? []
                for (method, value) in item.sorted(by: { $0.key < $1.key }) where ["get", "post", "delete"].contains(method) {
                    guard let operation = value as? [String: Any] else { continue }
                    let parameters = shared + (operation["parameters"] as? [[String: Any]] ?? [])
                    for parameter in parameters {
                        let name = try #require(parameter["name"] as? String)
                        let location = try #require(parameter["in"] as? String)
                        let declared = try #require(parameter["schema"] as? [String: Any])
                        // A repeatable parameter (`label`): each value is judged by the items' schema.
                        let schema = declared["type"] as? String == "array" ? try #require(declared["items"] as? [String: Any]) : declared
                        // Only reading operations take path candidates (a cancel or delete of the known run would change it).
                        if location == "path" && method != "get" { continue }
                        // A field value cannot carry control characters (HTTP answers 400 before any handler).
                        let candidates = (Self.candidates(for: schema) + (location == "path" ? [runID] : [])).filter { text in
                            location != "header" || text.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
                        }
                        for candidate in candidates {
                            let allowed = Self.allows(schema, candidate)
                            let trialPath = template.replacingOccurrences(of: "{index}", with: "0")
                            var target = trialPath.replacingOccurrences(of: "{id}", with: runID)
                            var head = ""
                            switch location {
                            case "path" where name == "index":
                                target = template.replacingOccurrences(of: "{id}", with: runID).replacingOccurrences(
                                    of: "{index}", with: Self.encoded(candidate))
                            case "path": target = trialPath.replacingOccurrences(of: "{id}", with: Self.encoded(candidate))
                            case "query": target += "?\(name)=\(Self.encoded(candidate))"
                            case "header": head = "\(name): \(candidate)\r\n"
                            default: Issue.record("parameter \(name) in \(location) is not covered")
                            }
                            let body = method == "post" && template == "/runs" ? quickRunBody(alphas: [1], iterations: 10) : nil
                            let request = "\(method.uppercased()) \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\(head)"
                            let port = service.port
                            let (status, text) = try await offPool { try Self.exchange(port: port, request, body: body) }
                            let label =
                                "\(method.uppercased()) \(template) \(location) \(name)=\(candidate.debugDescription) (the schema \(allowed ? "allows" : "forbids") it)"
                            if location == "path" && name == "index" {
                                // The run has one trial: 0 is it, every other segment (allowed or not) is no trial.
                                #expect(status == (candidate == "0" ? 200 : 404), "\(label): \(status) \(text.prefix(300))")
                            } else if location == "path" {
                                if !allowed { #expect(candidate != runID) }
                                #expect(status == (candidate == runID ? 200 : 404), "\(label): \(status) \(text.prefix(300))")
                            } else if allowed {
                                #expect(status < 400 || status == 404 || status == 409, "\(label): \(status) \(text.prefix(300))")
                            } else {
                                #expect(status == 422, "\(label): \(status) \(text.prefix(300))")
                                #expect(text.contains(#""pointer":"\#(location):\#(name)""#), "\(label): \(text.prefix(300))")
                            }
                            checked.insert("\(location):\(name)")
                        }
                    }
                }
            }
            #expect(
                checked == [
                    "path:id", "query:limit", "query:cursor", "query:status", "query:since", "query:after", "query:wait",
                    "header:If-None-Match", "header:Idempotency-Key", "header:Last-Event-ID",
                    "path:index", "query:label", "query:q", "query:sort", "query:format", "query:points", "query:from", "query:to",
                ],
                "a new parameter needs candidates here")
            #expect(try await service.client.get("/healthz").status == 200)
        }
    }

    // MARK: candidates and the schema's verdict

    static let someID = "0cc22ff0aad6ffd40f6ddd9ad032bc35"

    /// Edge cases for the kind of schema: bounds ± 1, numbers beyond 64 bits, signs, spaces,
    /// other spellings, each enum member and near misses, pattern-shaped texts and near misses.
    static func candidates(for schema: [String: Any]) -> [String] {
        var values: [String] = []
        switch schema["type"] as? String {
        case "integer":
            for bound in [schema["minimum"], schema["maximum"]].compactMap({ $0 as? Int }) {
                values += [bound - 1, bound, bound + 1].map(String.init)
            }
            values += [
                "0", "1", "-1", "05", "-0", "+5", "5.0", "1e3", "", " 5", "5 ", "0x10", "٣", "abc",
                "9223372036854775807", "9223372036854775808", "99999999999999999999999", "-99999999999999999999999",
            ]
        default:
            if let members = schema["enum"] as? [String] {
                values += members + members.map { $0.uppercased() } + members.map { " \($0)" } + ["", "done"]
            }
            values += [
                "", " ", "a", "~", "key with spaces", " padded ", "tab\there", "é", "\u{7F}x",
                String(repeating: "k", count: 255), String(repeating: "k", count: 256), "\"etag\"", "W/\"etag\", \"other\"", "*",
                someID, someID.uppercased(), String(someID.dropLast()), someID + "0",
                "0.\(someID)", "1.\(someID)", issueCursor, "0000\(issueCursor)", String(repeating: "9", count: 60) + ".\(someID)",
                "team:red", "team:", ":red", "a:b:c", "é:ü", " :x", "e0123456789abcdef.1.\(someID)", "e0123456789ABCDEF.1.\(someID)",
                ".\(someID)", "-1.\(someID)", "+1.\(someID)", "1.\(someID.uppercased())", "1..\(someID)", "1.\(someID) ", "1e3.\(someID)",
            ]
        }
        return values
    }

    /// Whether the parameter schema allows `text` as the value of a query, header or path
    /// parameter (an integer is its decimal spelling; a pattern is an ECMA-262 search).
    static func allows(_ schema: [String: Any], _ text: String) -> Bool {
        switch schema["type"] as? String {
        case "integer":
            let unsigned = text.hasPrefix("-") ? text.dropFirst() : text[...]
            guard !unsigned.isEmpty, unsigned.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return false }
            // Beyond 64 bits the value is still an integer; compare it as one.
            guard let value = Int(text) else {
                return text.hasPrefix("-") ? schema["minimum"] == nil : schema["maximum"] == nil
            }
            if let minimum = schema["minimum"] as? Int, value < minimum { return false }
            if let maximum = schema["maximum"] as? Int, value > maximum { return false }
            return true
        case "string":
            if let members = schema["enum"] as? [String], !members.contains(text) { return false }
            let length = text.unicodeScalars.count
            if let minimum = schema["minLength"] as? Int, length < minimum { return false }
            if let maximum = schema["maxLength"] as? Int, length > maximum { return false }
            if let pattern = schema["pattern"] as? String, !matches(pattern, text) { return false }
            return true
        default:
            Issue.record("no verdict for schema \(schema)")
            return false
        }
    }

    /// ECMA-262 `pattern` semantics for the anchored patterns the document uses: `^…$` must
    /// match the whole text (no trailing-newline leniency), anything else is a search.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        if pattern.hasPrefix("^") && pattern.hasSuffix("$") && !pattern.hasSuffix("\\$") {
            let inner = String(pattern.dropFirst().dropLast())
            guard let regex = try? Regex(inner) else { Issue.record("pattern \(pattern)"); return false }
            return (try? regex.wholeMatch(in: text)) != nil
        }
        guard let regex = try? Regex(pattern) else { Issue.record("pattern \(pattern)"); return false }
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// Sends `head` (request line and fields, without the blank line) and `body` on a fresh
    /// connection, byte for byte, and reads the answer to the end (the request says
    /// `Connection: close`). Blocking: call it off the Swift concurrency threads.
    static func exchange(port: Int, _ head: String, body: String?) throws -> (status: Int, text: String) {
        struct Failure: Error, CustomStringConvertible { var description: String }
        let deadline = ContinuousClock.now + TestTime.scaled(.seconds(60))
        let socket = try ClientSocket(host: "127.0.0.1", port: port, before: deadline)
        var request = head
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { request += "\r\n" }
        try socket.send(Array(request.utf8), before: deadline)
        var response: [UInt8] = []
        while case let chunk = try socket.receive(before: deadline), !chunk.isEmpty {
            response += chunk
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 "), let status = Int(text.dropFirst(9).prefix(3)) else {
            throw Failure(description: "no status line: \(text.prefix(100))")
        }
        return (status, text)
    }

    /// Percent-encodes everything but unreserved characters, so the server sees the text as is.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? text
    }
}

extension Array where Element == String {
    fileprivate var pairs: (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
