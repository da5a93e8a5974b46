import Testing

@testable import HTTPServer

@Suite struct ResponseHeadEncoderTests {
    func encode(
        _ status: HTTPStatus = .ok, headers: HTTPHeaders = [:], framing: ResponseFraming,
        close: Bool = false, keepAlive: Bool = false
    ) -> String {
        var encoder = ResponseHeadEncoder(serverName: "test")
        var buffer: [UInt8] = []
        encoder.encode(status: status, headers: headers, framing: framing, close: close, keepAliveHeader: keepAlive, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func writesStatusDateServerAndLength() {
        let head = encode(headers: ["Content-Type": "application/json"], framing: .contentLength(597))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\nDate: "))
        #expect(head.hasSuffix(" GMT\r\nContent-Type: application/json\r\nServer: test\r\nContent-Length: 597\r\n\r\n"))
    }

    @Test func ownsTheFramingFieldsAndDropsInjectedLines() {
        let head = encode(
            headers: [
                "Content-Length": "5", "Transfer-Encoding": "gzip", "Connection": "upgrade",
                "X-Evil": "a\r\nSet-Cookie: b", "Bad Name": "c", "X-Fine": "d", "Server": "mine",
            ],
            framing: .chunked, close: true)
        #expect(!head.contains("Content-Length"))
        #expect(!head.contains("gzip"))
        #expect(!head.contains("upgrade"))
        #expect(!head.contains("Set-Cookie"))
        #expect(!head.contains("Bad Name"))
        #expect(head.contains("X-Fine: d\r\n"))
        #expect(head.contains("Server: mine\r\n") && !head.contains("Server: test"))
        #expect(head.contains("Transfer-Encoding: chunked\r\n"))
        #expect(head.contains("Connection: close\r\n"))
    }

    @Test func sendsKeepAliveToHTTP10AndNoLengthWithoutBody() {
        #expect(encode(.noContent, framing: .noBody, keepAlive: true).hasSuffix("Server: test\r\nConnection: keep-alive\r\n\r\n"))
    }

    @Test func formatsDatesAsIMFFixdate() {
        #expect(String(decoding: HTTPDate.format(784_111_777), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func writesDecimalsOfAnySize() {
        for value in [0, 7, 10, 597, 8_388_608, Int.max] {
            var buffer: [UInt8] = []
            ResponseHeadEncoder.appendDecimal(value, to: &buffer)
            #expect(String(decoding: buffer, as: UTF8.self) == String(value))
        }
    }
}
