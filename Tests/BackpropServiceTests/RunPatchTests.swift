import Backprop
import Testing

@testable import BackpropService

/// The merge patch of a run (RFC 7396 §2's rules applied to name and labels).
@Suite struct RunPatchTests {
    static func patch(_ text: String) throws(Problem) -> RunPatch {
        try RunPatch(parsing: Array(text.utf8), limits: ServiceLimits())
    }

    @Test func mergesAsRFC7396Says() throws {
        let labels = ["a": "1", "b": "2"]
        #expect(try Self.patch(#"{"labels": {"c": "3"}}"#).applied(to: labels) == ["a": "1", "b": "2", "c": "3"])
        #expect(try Self.patch(#"{"labels": {"a": null, "b": "x"}}"#).applied(to: labels) == ["b": "x"])
        #expect(try Self.patch(#"{"labels": null}"#).applied(to: labels) == [:])
        #expect(try Self.patch(#"{"labels": {}}"#).applied(to: labels) == labels)
        #expect(try Self.patch(#"{}"#).applied(to: labels) == labels)
        #expect(try Self.patch(#"{"name": "x"}"#).name == .some("x"))
        #expect(try Self.patch(#"{"name": null}"#).name == .some(nil))
        #expect(try Self.patch(#"{"labels": {}}"#).name == nil)
    }

    @Test(arguments: [
        (#"{"alphas": [1], "name": "x", "id": "y"}"#, ["/alphas", "/id"]),
        (#"{"name": 5}"#, ["/name"]),
        (#"{"name": "a", "name": "b"}"#, ["/name"]),
        (#"{"labels": {"": "x", "ok": 1, "fine": "y"}}"#, ["/labels/", "/labels/ok"]),
        (#"{"labels": ["a"]}"#, ["/labels"]),
        (#"{"labels": {"a/b~c": true}}"#, ["/labels/a~1b~0c"]),
        (#"[{"op": "replace", "path": "/name", "value": "x"}]"#, [""]),
        (#""name""#, [""]),
    ])
    func invalidMembersAreEachNamed(body: String, pointers: [String]) {
        do {
            _ = try Self.patch(body)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.status == 422)
            #expect(error.errors.map(\.pointer) == pointers, "\(error.errors)")
        }
    }

    @Test func tooLongValuesAreNamedAsInPOST() {
        let long = String(repeating: "n", count: 201)
        do {
            _ = try Self.patch(
                #"{"name": "\#(long)", "labels": {"k": "\#(String(repeating: "v", count: 257))", "\#(String(repeating: "k", count: 65))": "v"}}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.errors.map(\.pointer).sorted() == ["/labels/k", "/labels/" + String(repeating: "k", count: 65), "/name"].sorted())
        }
    }

    @Test func textThatIsNotJSONIs400() {
        for body in ["", "{", "{\"name\": }"] {
            do {
                _ = try Self.patch(body)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.status == 400)
            }
        }
    }
}
