import Testing

@testable import HTTPServer

@Suite struct RequestParserTests {
    static let chunkings: [Int?] = [nil, 1, 2, 7]

    @Test(arguments: chunkings)
    func parsesASimpleGetWhateverTheSplit(chunk: Int?) {
        let result = parse("GET /runs/r1 HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n", chunk: chunk)
        #expect(
            result.events == [
                .head(method: "GET", path: "/runs/r1", headers: ["Host: example", "Accept: */*"], framing: .none, expectsContinue: false),
                .end,
            ])
    }

    @Test(arguments: chunkings)
    func readsABodyByContentLength(chunk: Int?) {
        let result = parse("POST /runs HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n{\"alpha\":1}", chunk: chunk)
        #expect(result.events.last == .end)
        #expect(result.events.dropLast().last == .body(Array("{\"alpha\":1}".utf8)))
        #expect(result.heads.first?.framing == .contentLength(11))
    }

    @Test(arguments: chunkings)
    func decodesChunkedBodiesIgnoringExtensionsAndTrailers(chunk: Int?) {
        let input =
            "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5 ; x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nChecksum: abc\r\nOther: y\r\n\r\n"
        let result = parse(input, chunk: chunk)
        #expect(result.error == nil)
        #expect(result.events.dropFirst().first == .body(Array("Wikipedia in\r\n\r\nchunks.".utf8)))
        #expect(result.events.last == .end)
    }

    @Test(arguments: chunkings)
    func parsesPipelinedRequestsInOrder(chunk: Int?) {
        let input = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        let paths = parse(input, chunk: chunk).heads.map(\.head.path)
        #expect(paths == ["/a", "/b", "/c"])
        #expect(parse(input, chunk: chunk).events.filter { $0 == .end }.count == 3)
    }

    @Test func keepsRepeatedHeadersAndLooksNamesUpCaseInsensitively() throws {
        let head = try #require(parse("GET / HTTP/1.1\r\nhost: a\r\nX-Tag: one\r\nx-tag:two  \r\nX-TAG:\t three\r\n\r\n").heads.first).head
        #expect(head.headers.values(for: "X-Tag") == ["one", "two", "three"])
        #expect(head.headers["HOST"] == "a")
        #expect(head.headers.count == 4)
    }

    @Test func percentDecodesThePathAndQuery() throws {
        let parsed = try #require(parse("GET /runs/a%2Fb%20c?since=3&q=x+y%21&flag HTTP/1.1\r\nHost: a\r\n\r\n").heads.first)
        #expect(parsed.head.path == "/runs/a/b c")
        #expect(parsed.rawPath == "/runs/a%2Fb%20c")
        #expect(
            parsed.head.queryItems == [
                HTTPQueryItem(name: "since", value: "3"), HTTPQueryItem(name: "q", value: "x y!"),
                HTTPQueryItem(name: "flag", value: ""),
            ])
        #expect(parsed.head.queryValue("q") == "x y!")
        #expect(parsed.head.target == "/runs/a%2Fb%20c?since=3&q=x+y%21&flag")
    }

    @Test func acceptsAbsoluteFormAndAsteriskForOptions() throws {
        let absolute = try #require(parse("GET http://example.com:8080/runs?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").heads.first)
        #expect(absolute.head.path == "/runs")
        #expect(absolute.head.queryValue("x") == "1")
        let asterisk = try #require(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").heads.first)
        #expect(asterisk.head.target == "*")
    }

    @Test func acceptsHTTP10WithoutHostAndDecidesKeepAlive() throws {
        let plain = try #require(parse("GET / HTTP/1.0\r\n\r\n").heads.first).head
        #expect(plain.version == .http1_0)
        #expect(!plain.wantsKeepAlive)
        let keepAlive = try #require(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").heads.first).head
        #expect(keepAlive.wantsKeepAlive)
        let close = try #require(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").heads.first).head
        #expect(!close.wantsKeepAlive)
    }

    @Test func toleratesBareLFLineEndsAndLeadingEmptyLines() {
        #expect(parse("\r\n\r\nGET / HTTP/1.1\nHost: a\n\n").events.count == 2)
    }

    @Test func recognisesExpectContinueOnlyWithABodyInHTTP11() throws {
        #expect(try #require(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").heads.first).expectsContinue)
        #expect(try #require(parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").heads.first).expectsContinue == false)
        #expect(try #require(parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx").heads.first).expectsContinue == false)
    }

    @Test func acceptsIdenticalDuplicateContentLengths() throws {
        #expect(
            try #require(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc").heads.first).framing
                == .contentLength(3))
    }

    static let malformed: [RequestCase] = [
        RequestCase(name: "obs-fold", request: "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", status: 400),
        RequestCase(name: "whitespace before colon", request: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400),
        RequestCase(name: "bare CR in a header", request: "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", status: 400),
        RequestCase(name: "bare CR after the request line", request: "GET / HTTP/1.1\rHost: a\r\n\r\n", status: 400),
        RequestCase(name: "NUL in a value", request: "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", status: 400),
        RequestCase(name: "no colon", request: "GET / HTTP/1.1\r\nHost\r\n\r\n", status: 400),
        RequestCase(name: "empty header name", request: "GET / HTTP/1.1\r\n: a\r\n\r\n", status: 400),
        RequestCase(name: "invalid header name", request: "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", status: 400),
        RequestCase(name: "whitespace before the first header", request: "GET / HTTP/1.1\r\n Host: a\r\n\r\n", status: 400),
        RequestCase(name: "invalid method", request: "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "not HTTP (TLS)", request: "\u{16}\u{3}\u{1}\u{0}", status: 400),
        RequestCase(name: "double space", request: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "space in target", request: "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "no version", request: "GET /\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "malformed version", request: "GET / HTTP/1.x\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "wrong protocol", request: "GET / HTTX/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "HTTP/2.0", request: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505),
        RequestCase(name: "HTTP/0.9", request: "GET / HTTP/0.9\r\n\r\n", status: 505),
        RequestCase(name: "relative target", request: "GET runs HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "asterisk for GET", request: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "fragment", request: "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "bad percent escape", request: "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "percent-encoded NUL", request: "GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "invalid UTF-8 in query", request: "GET /?q=%ff HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "non-ASCII target byte", request: "GET /\u{e9} HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        RequestCase(name: "missing Host", request: "GET / HTTP/1.1\r\n\r\n", status: 400),
        RequestCase(name: "two Hosts", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        RequestCase(
            name: "Content-Length and Transfer-Encoding",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        RequestCase(
            name: "differing Content-Lengths",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", status: 400),
        RequestCase(name: "differing Content-Length list", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", status: 400),
        RequestCase(name: "negative Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", status: 400),
        RequestCase(name: "non-numeric Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3\r\n\r\n", status: 400),
        RequestCase(
            name: "huge Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", status: 413),
        RequestCase(name: "chunked not last", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400),
        RequestCase(name: "only gzip", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400),
        RequestCase(name: "chunked twice", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", status: 400),
        RequestCase(name: "unknown coding", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        RequestCase(name: "Transfer-Encoding in HTTP/1.0", request: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        RequestCase(name: "unknown expectation", request: "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", status: 417),
        RequestCase(name: "chunk size not hex", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400),
        RequestCase(
            name: "chunk size overflow",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", status: 400),
        RequestCase(
            name: "chunk longer than its size",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", status: 400),
        RequestCase(
            name: "bare CR after chunk size",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\rab\r\n", status: 400),
        RequestCase(name: "very long method", request: String(repeating: "A", count: 40) + " / HTTP/1.1\r\n\r\n", status: 501),
        RequestCase(name: "too many empty lines", request: String(repeating: "\r\n", count: 20) + "GET / HTTP/1.1\r\n\r\n", status: 400),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedRequests(_ testCase: RequestCase) {
        for chunk in Self.chunkings {
            let result = parse(testCase.request, chunk: chunk)
            #expect(result.events.last == .error(testCase.status), "split \(String(describing: chunk)): \(result.events)")
            #expect(result.error?.detail.isEmpty == false)
        }
    }

    @Test func enforcesTheSizeLimits() {
        var limits = HTTPLimits()
        limits.maxURIBytes = 32
        limits.maxHeaderBytes = 128
        limits.maxHeaderCount = 3
        limits.maxBodyBytes = 10
        let longTarget = "GET /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parse(longTarget, limits: limits).error?.status == .uriTooLong)
        #expect(parse("GET /" + String(repeating: "a", count: 31) + " HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits).error == nil)
        let bigHeader = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 120) + "\r\n\r\n"
        #expect(parse(bigHeader, limits: limits).error?.status == .requestHeaderFieldsTooLarge)
        let manyHeaders = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(parse(manyHeaders, limits: limits).error?.status == .requestHeaderFieldsTooLarge)
        #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits).error?.status == .contentTooLarge)
        let bigChunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n"
        #expect(parse(bigChunked, chunk: 1, limits: limits).error?.status == .contentTooLarge)
        let manyTrailers = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        #expect(parse(manyTrailers, limits: limits).error?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func anErrorIsFinal() {
        var parser = RequestParser(limits: .init(HTTPLimits()))
        let bytes = Array("GET / HTTP/1.1\r\nHost : a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var offset = 0
        guard case .error(let first) = bytes.withUnsafeBytes({ parser.parse($0, offset: &offset) }) else {
            Issue.record("expected an error")
            return
        }
        var again = offset
        guard case .error(let second) = bytes.withUnsafeBytes({ parser.parse($0, offset: &again) }) else {
            Issue.record("a parser must stay failed")
            return
        }
        #expect(first == second)
        #expect(again == offset)
    }
}
