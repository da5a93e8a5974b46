import Testing

@testable import HTTPServer

/// RFC 9110 §13.1.1–2: If-Match compares strongly, If-None-Match weakly; `*` matches anything.
@Suite struct EntityTagTests {
    @Test func ifMatchComparesStrongly() throws {
        #expect(EntityTagCondition(nil) == nil)
        #expect(try #require(EntityTagCondition("*")).matchesStrongly("\"b\""))
        #expect(try #require(EntityTagCondition("\"a\", \"b\"")).matchesStrongly("\"b\""))
        #expect(try #require(EntityTagCondition("\"a\",\t\"b\" ")).matchesStrongly("\"b\""))
        #expect(try !#require(EntityTagCondition("W/\"b\"")).matchesStrongly("\"b\""), "a weak tag never matches If-Match")
        #expect(try !#require(EntityTagCondition("\"b\"")).matchesStrongly("W/\"b\""))
        #expect(try !#require(EntityTagCondition("\"a\"")).matchesStrongly("\"b\""))
        #expect(try !#require(EntityTagCondition("garbage")).matchesStrongly("\"b\""))
        #expect(try !#require(EntityTagCondition("")).matchesStrongly("\"b\""))
    }

    @Test func ifNoneMatchComparesWeakly() throws {
        #expect(try #require(EntityTagCondition("*")).matchesWeakly("\"b\""))
        #expect(try #require(EntityTagCondition("W/\"b\"")).matchesWeakly("\"b\""))
        #expect(try #require(EntityTagCondition("\"b\"")).matchesWeakly("W/\"b\""))
        #expect(try #require(EntityTagCondition("\"a\", W/\"b\"")).matchesWeakly("\"b\""))
        #expect(try !#require(EntityTagCondition("\"a\"")).matchesWeakly("\"b\""))
        #expect(try !#require(EntityTagCondition("b")).matchesWeakly("\"b\""), "quotes are part of the tag")
    }

    @Test func requestsAndResponsesCarryThem() {
        let head = HTTPRequestHead(
            method: .get, target: "/", version: .http1_1,
            headers: ["If-None-Match": "\"x\"", "If-Match": "\"y\""])
        #expect(head.ifNoneMatch?.matchesWeakly("\"x\"") == true)
        #expect(head.ifMatch?.matchesStrongly("\"y\"") == true)
        let response = HTTPResponse.notModified(etag: "\"x\"", headers: ["Cache-Control": "no-cache"])
        #expect(response.status == .notModified && response.headers["ETag"] == "\"x\"" && response.headers["Cache-Control"] == "no-cache")
    }

    @Test func fingerprintsAreQuotedStableAndDistinct() {
        #expect(EntityTag.fingerprint([]) == "\"cbf29ce484222325\"")  // FNV-1a's offset basis
        #expect(EntityTag.fingerprint(Array("a".utf8)) == "\"af63dc4c8601ec8c\"")
        #expect(EntityTag.fingerprint([1, 2]) != EntityTag.fingerprint([2, 1]))
    }
}
