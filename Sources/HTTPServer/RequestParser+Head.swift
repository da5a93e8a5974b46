extension RequestParser {
    /// Turns the scanned head into a request and decides its framing (RFC 9112 §3, §6.3).
    func completeHead() -> Result<ParsedRequestHead, RequestError> {
        headBytes.withUnsafeBytes { bytes in
            let version: HTTPVersion
            switch Self.parseVersion(UnsafeRawBufferPointer(rebasing: bytes[versionStart..<versionEnd])) {
            case .success(let parsed): version = parsed
            case .failure(let error): return .failure(error)
            }
            let method = HTTPMethod(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<methodEnd]))
            let target = String(decoding: bytes[targetStart..<targetEnd], as: UTF8.self)

            var headers = HTTPHeaders()
            for field in fields {
                var valueStart = field.valueStart, valueEnd = field.valueEnd
                while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
                while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
                headers.add(String(decoding: bytes[field.nameStart..<field.nameEnd], as: UTF8.self),
                            String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self))
            }
            return Self.makeHead(method: method, target: target, version: version, headers: headers, limits: limits)
        }
    }

    static func parseVersion(_ bytes: UnsafeRawBufferPointer) -> Result<HTTPVersion, RequestError> {
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), bytes[6] == UInt8(ascii: "."),
              let major = digitValue(bytes[5]), let minor = digitValue(bytes[7])
        else { return .failure(.badRequest("malformed HTTP version")) }
        guard major == 1 else {
            return .failure(RequestError(.httpVersionNotSupported, "HTTP/\(major).\(minor) is not supported; use HTTP/1.1"))
        }
        return .success(minor == 0 ? .http1_0 : .http1_1)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    static func makeHead(method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders,
                         limits: Limits) -> Result<ParsedRequestHead, RequestError> {
        let rawPathAndQuery: Substring
        switch splitTarget(target, method: method) {
        case .success(let pathAndQuery): rawPathAndQuery = pathAndQuery
        case .failure(let error): return .failure(error)
        }
        let rawPath: Substring
        var queryItems: [HTTPQueryItem] = []
        if let question = rawPathAndQuery.firstIndex(of: "?") {
            rawPath = rawPathAndQuery[..<question]
            guard let items = HTTPQueryItem.parse(rawPathAndQuery[rawPathAndQuery.index(after: question)...].utf8) else {
                return .failure(.badRequest("invalid percent-encoding or UTF-8 in the query"))
            }
            queryItems = items
        } else {
            rawPath = rawPathAndQuery
        }
        guard let path = PercentDecoding.decode(rawPath.utf8, plusAsSpace: false) else {
            return .failure(.badRequest("invalid percent-encoding or UTF-8 in the path"))
        }

        let hosts = headers.values(for: "Host")
        if version == .http1_1 && hosts.isEmpty { return .failure(.badRequest("missing Host header (required in HTTP/1.1)")) }
        if hosts.count > 1 { return .failure(.badRequest("more than one Host header")) }

        let framing: RequestBodyFraming
        switch bodyFraming(headers: headers, version: version, limits: limits) {
        case .success(let decided): framing = decided
        case .failure(let error): return .failure(error)
        }

        var expectsContinue = false
        let expectations = headers.tokens(for: "Expect")
        if !expectations.isEmpty {
            guard expectations == ["100-continue"] else {
                return .failure(RequestError(.expectationFailed, "only the expectation 100-continue is supported"))
            }
            expectsContinue = version == .http1_1 && framing.hasBody
        }

        let head = HTTPRequestHead(method: method, target: target, path: path, queryItems: queryItems,
                                   version: version, headers: headers)
        return .success(ParsedRequestHead(head: head, framing: framing, expectsContinue: expectsContinue, rawPath: rawPath))
    }

    /// The path and query of an origin-form, absolute-form or asterisk-form target.
    private static func splitTarget(_ target: String, method: HTTPMethod) -> Result<Substring, RequestError> {
        if target.contains("#") { return .failure(.badRequest("a request target must not contain a fragment")) }
        if target.hasPrefix("/") { return .success(target[...]) }
        if target == "*" {
            return method == .options ? .success(target[...]) : .failure(.badRequest("'*' is only a target for OPTIONS"))
        }
        for scheme in ["http://", "https://"] where target.count > scheme.count
            && target.prefix(scheme.count).equalsIgnoringASCIICase(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            guard let pathStart = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return .success("/") }
            let rest = afterScheme[pathStart...]
            return .success(rest.hasPrefix("?") ? Substring("/" + rest) : rest)
        }
        return .failure(.badRequest("request target must be an absolute path such as /runs"))
    }

    private static func bodyFraming(headers: HTTPHeaders, version: HTTPVersion,
                                    limits: Limits) -> Result<RequestBodyFraming, RequestError> {
        let contentLengths = headers.values(for: "Content-Length")
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                return .failure(.badRequest("both Content-Length and Transfer-Encoding are present"))
            }
            if version == .http1_0 {
                return .failure(.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request"))
            }
            let codings = headers.tokens(for: "Transfer-Encoding")
            guard codings.last == "chunked" else {
                return .failure(.badRequest("Transfer-Encoding must end with chunked"))
            }
            guard codings.count == 1 else {
                if codings.dropLast().contains("chunked") { return .failure(.badRequest("chunked applied more than once")) }
                return .failure(RequestError(.notImplemented, "unsupported transfer coding \(codings[0]); only chunked is supported"))
            }
            return .success(.chunked)
        }
        guard !contentLengths.isEmpty else { return .success(.none) }
        var length: Int?
        for value in contentLengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingOptionalWhitespace()
                guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .failure(.badRequest("Content-Length is not a non-negative integer"))
                }
                guard digits.utf8.count <= 18, let parsed = Int(digits) else {
                    return .failure(RequestError(.contentTooLarge, "request body larger than \(limits.maxBodyBytes) bytes"))
                }
                if let length, length != parsed { return .failure(.badRequest("differing Content-Length values")) }
                length = parsed
            }
        }
        let bodyLength = length ?? 0
        guard bodyLength <= limits.maxBodyBytes else {
            return .failure(RequestError(.contentTooLarge, "request body larger than \(limits.maxBodyBytes) bytes"))
        }
        return .success(.contentLength(bodyLength))
    }
}
