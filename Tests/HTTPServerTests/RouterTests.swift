import Testing

@testable import HTTPServer

@Suite struct RouterTests {
    static func router() -> Router {
        var router = Router()
        let ok: HTTPHandler = { _ in HTTPResponse() }
        router.get("/runs", ok)
        router.post("/runs", ok)
        router.get("/runs/{id}", ok)
        router.delete("/runs/{id}", ok)
        router.get("/runs/stats", ok)
        router.get("/runs/{id}/trials/{index}", ok)
        return router
    }

    func pattern(_ method: HTTPMethod, _ path: Substring) -> (String, [String: String])? {
        if case .found(let route, let parameters) = Self.router().match(method, rawPath: path) { return (route.pattern, parameters) }
        return nil
    }

    @Test func matchesParametersAndDecodesThem() throws {
        let (route, parameters) = try #require(pattern(.get, "/runs/r%2F1%20x/trials/3"))
        #expect(route == "/runs/{id}/trials/{index}")
        #expect(parameters == ["id": "r/1 x", "index": "3"])
    }

    @Test func aLiteralSegmentBeatsAParameter() throws {
        #expect(try #require(pattern(.get, "/runs/stats")).0 == "/runs/stats")
        #expect(try #require(pattern(.delete, "/runs/stats")).0 == "/runs/{id}", "falls back to the pattern that has the method")
    }

    @Test func getAlsoAnswersHead() throws {
        #expect(try #require(pattern(.head, "/runs/abc")).0 == "/runs/{id}")
    }

    @Test func reportsAllowedMethodsForAKnownPath() {
        guard case .methodNotAllowed(let allowed) = Self.router().match(.put, rawPath: "/runs") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .head, .options, .post])
    }

    @Test func unknownPathsAndEmptyParametersAreNotFound() {
        for path: Substring in ["/nope", "/runs/", "/runs/a/b", "/"] {
            guard case .notFound = Self.router().match(.get, rawPath: path) else {
                Issue.record("\(path) should be 404")
                continue
            }
        }
    }

    @Test func unroutedRequestsGetTheRightStatus() throws {
        let router = Self.router()
        func status(_ method: HTTPMethod, _ target: String) -> HTTPResponse? {
            let head = HTTPRequestHead(method: method, target: target)
            return ServerContext.unroutedResponse(router.match(method, rawPath: head.path[...]), head: head)
        }
        #expect(status(.get, "/runs") == nil)
        #expect(status(.get, "/nope")?.status == .notFound)
        let notAllowed = try #require(status(.put, "/runs"))
        #expect(notAllowed.status == .methodNotAllowed)
        #expect(notAllowed.headers["Allow"] == "GET, HEAD, OPTIONS, POST")
        let options = try #require(status(.options, "/runs/x"))
        #expect(options.status == .noContent)
        #expect(options.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS")
        let unknownMethod = try #require(status(HTTPMethod(rawValue: "BREW"), "/runs"))
        #expect(unknownMethod.status == .methodNotAllowed)
        #expect(unknownMethod.headers["Allow"] == "GET, HEAD, OPTIONS, POST")
        #expect(status(HTTPMethod(rawValue: "BREW"), "/nope")?.status == .notFound)
    }
}
