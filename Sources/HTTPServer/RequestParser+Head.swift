extension RequestParser {
    /// The fields that decide framing and connection handling, found in one pass over the
    /// raw bytes (before any String is built).
    struct FramingFields {
        var hostCount = 0
        var contentLengths: [FieldMarks] = []
        var transferEncodings: [FieldMarks] = []
        var expectations: [FieldMarks] = []
    }

    /// Turns the scanned head into a request and decides its framing (RFC 9112 §3, §6.3).
    func completeHead() -> Result<ParsedRequestHead, RequestError> {
        headBytes.withUnsafeBytes { bytes in
            let version: HTTPVersion
            switch Self.parseVersion(UnsafeRawBufferPointer(rebasing: bytes[versionStart..<versionEnd])) {
            case .success(let parsed): version = parsed
            case .failure(let error): return .failure(error)
            }
            let method = HTTPMethod(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<methodEnd]))
            let targetText = String(decoding: bytes[targetStart..<targetEnd], as: UTF8.self)

            var special = FramingFields()
            var headers: [HTTPHeaders.Element] = []
            headers.reserveCapacity(fields.count)
            for var field in fields {
                while field.valueStart < field.valueEnd, bytes[field.valueStart] == 0x20 || bytes[field.valueStart] == 0x09 {
                    field.valueStart += 1
                }
                while field.valueEnd > field.valueStart, bytes[field.valueEnd - 1] == 0x20 || bytes[field.valueEnd - 1] == 0x09 {
                    field.valueEnd -= 1
                }
                let name = UnsafeRawBufferPointer(rebasing: bytes[field.nameStart..<field.nameEnd])
                if Self.name(name, is: "host") {
                    special.hostCount += 1
                } else if Self.name(name, is: "content-length") {
                    special.contentLengths.append(field)
                } else if Self.name(name, is: "transfer-encoding") {
                    special.transferEncodings.append(field)
                } else if Self.name(name, is: "expect") {
                    special.expectations.append(field)
                }
                headers.append(
                    (
                        name: String(decoding: name, as: UTF8.self),
                        value: String(decoding: bytes[field.valueStart..<field.valueEnd], as: UTF8.self)
                    ))
            }
            let target = Target(
                text: targetText, bytes: bytes, start: targetStart, end: targetEnd, queryStart: queryStart,
                hasPercent: targetHasPercent)
            return Self.makeHead(
                method: method, target: target, version: version, headers: HTTPHeaders(headers),
                special: special, bytes: bytes, limits: limits)
        }
    }

    /// ASCII case-insensitive comparison with a lowercase literal.
    static func name(_ bytes: UnsafeRawBufferPointer, is lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] {
            return false
        }
        return true
    }

    static func parseVersion(_ bytes: UnsafeRawBufferPointer) -> Result<HTTPVersion, RequestError> {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
            bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"), bytes[6] == UInt8(ascii: "."),
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

    /// The request target as the scanner saw it: where its query starts and whether it has escapes.
    struct Target {
        let text: String
        let bytes: UnsafeRawBufferPointer
        let start: Int, end: Int, queryStart: Int
        let hasPercent: Bool
    }

    /// The raw path, decoded path and query items of the target.
    private static func split(_ target: Target, method: HTTPMethod) -> Result<(String, String, [HTTPQueryItem]), RequestError> {
        guard target.bytes[target.start] == UInt8(ascii: "/") else {
            // Absolute- or asterisk-form: rare, so the slower text-based path.
            let rawPathAndQuery: Substring
            switch splitTarget(target.text, method: method) {
            case .success(let pathAndQuery): rawPathAndQuery = pathAndQuery
            case .failure(let error): return .failure(error)
            }
            let question = rawPathAndQuery.firstIndex(of: "?")
            let rawPath = String(rawPathAndQuery[..<(question ?? rawPathAndQuery.endIndex)])
            guard let path = PercentDecoding.decode(rawPath[...], plusAsSpace: false) else {
                return .failure(.badRequest("invalid percent-encoding or UTF-8 in the path"))
            }
            guard let items = question.map({ HTTPQueryItem.parse(rawPathAndQuery[rawPathAndQuery.index(after: $0)...]) }) ?? [] else {
                return .failure(.badRequest("invalid percent-encoding or UTF-8 in the query"))
            }
            return .success((rawPath, path, items))
        }
        let pathEnd = target.queryStart >= 0 ? target.queryStart : target.end
        let rawPath = pathEnd == target.end ? target.text : String(decoding: target.bytes[target.start..<pathEnd], as: UTF8.self)
        var path = rawPath
        if target.hasPercent {
            guard let decoded = PercentDecoding.decode(rawPath[...], plusAsSpace: false) else {
                return .failure(.badRequest("invalid percent-encoding or UTF-8 in the path"))
            }
            path = decoded
        }
        var queryItems: [HTTPQueryItem] = []
        if target.queryStart >= 0 {
            guard let items = HTTPQueryItem.parse(UnsafeRawBufferPointer(rebasing: target.bytes[(target.queryStart + 1)..<target.end])) else {
                return .failure(.badRequest("invalid percent-encoding or UTF-8 in the query"))
            }
            queryItems = items
        }
        return .success((rawPath, path, queryItems))
    }

    private static func makeHead(
        method: HTTPMethod, target: Target, version: HTTPVersion, headers: HTTPHeaders,
        special: FramingFields, bytes: UnsafeRawBufferPointer,
        limits: Limits
    ) -> Result<ParsedRequestHead, RequestError> {
        let rawPath: String, path: String, queryItems: [HTTPQueryItem]
        switch split(target, method: method) {
        case .success(let parts): (rawPath, path, queryItems) = parts
        case .failure(let error): return .failure(error)
        }

        /// Problems found once the path is known carry it.
        func failure(_ error: RequestError) -> Result<ParsedRequestHead, RequestError> {
            var error = error
            error.path = path
            return .failure(error)
        }
        if version == .http1_1 && special.hostCount == 0 { return failure(.badRequest("missing Host header (required in HTTP/1.1)")) }
        if special.hostCount > 1 { return failure(.badRequest("more than one Host header")) }

        let framing: RequestBodyFraming
        switch bodyFraming(special, bytes: bytes, version: version, limits: limits) {
        case .success(let decided): framing = decided
        case .failure(let error): return failure(error)
        }

        var expectsContinue = false
        if !special.expectations.isEmpty {
            let expectations = headers.tokens(for: "Expect")
            guard expectations == ["100-continue"] else {
                return failure(RequestError(.expectationFailed, "only the expectation 100-continue is supported"))
            }
            expectsContinue = version == .http1_1 && framing.hasBody
        }

        let head = HTTPRequestHead(
            method: method, target: target.text, path: path, queryItems: queryItems,
            version: version, headers: headers)
        return .success(ParsedRequestHead(head: head, framing: framing, expectsContinue: expectsContinue, rawPath: rawPath))
    }

    /// The path and query of an origin-form, absolute-form or asterisk-form target.
    private static func splitTarget(_ target: String, method: HTTPMethod) -> Result<Substring, RequestError> {
        if target.utf8.contains(UInt8(ascii: "#")) { return .failure(.badRequest("a request target must not contain a fragment")) }
        if target.utf8.first == UInt8(ascii: "/") { return .success(target[...]) }
        if target == "*" {
            return method == .options ? .success(target[...]) : .failure(.badRequest("'*' is only a target for OPTIONS"))
        }
        for scheme in ["http://", "https://"]
        where target.utf8.count > scheme.utf8.count
            && target.prefix(scheme.count).equalsIgnoringASCIICase(scheme)
        {
            let afterScheme = target.dropFirst(scheme.count)
            guard let pathStart = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return .success("/") }
            let rest = afterScheme[pathStart...]
            return .success(rest.hasPrefix("?") ? Substring("/" + rest) : rest)
        }
        return .failure(.badRequest("request target must be an absolute path such as /runs"))
    }

    private static func bodyFraming(
        _ special: FramingFields, bytes: UnsafeRawBufferPointer, version: HTTPVersion,
        limits: Limits
    ) -> Result<RequestBodyFraming, RequestError> {
        if !special.transferEncodings.isEmpty {
            if !special.contentLengths.isEmpty {
                return .failure(.badRequest("both Content-Length and Transfer-Encoding are present"))
            }
            if version == .http1_0 {
                return .failure(.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request"))
            }
            let codings = special.transferEncodings.flatMap { field in
                listElements(UnsafeRawBufferPointer(rebasing: bytes[field.valueStart..<field.valueEnd]))
                    .map { String(decoding: $0, as: UTF8.self).lowercased() }
            }
            guard codings.last == "chunked" else {
                return .failure(.badRequest("Transfer-Encoding must end with chunked"))
            }
            guard codings.count == 1 else {
                if codings.dropLast().contains("chunked") { return .failure(.badRequest("chunked applied more than once")) }
                return .failure(RequestError(.notImplemented, "unsupported transfer coding \(codings[0]); only chunked is supported"))
            }
            return .success(.chunked)
        }
        guard !special.contentLengths.isEmpty else { return .success(.none) }
        var length: Int?
        for field in special.contentLengths {
            let value = UnsafeRawBufferPointer(rebasing: bytes[field.valueStart..<field.valueEnd])
            for element in listElements(value, keepingEmpty: true) {
                guard !element.isEmpty, element.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .failure(.badRequest("Content-Length is not a non-negative integer"))
                }
                guard element.count <= 18 else {
                    return .failure(RequestError(.contentTooLarge, "request body larger than \(limits.maxBodyBytes) bytes"))
                }
                let parsed = element.reduce(0) { $0 * 10 + Int($1 - 0x30) }
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

    /// The comma-separated elements of a field value, without surrounding spaces or tabs;
    /// empty elements are dropped unless `keepingEmpty`.
    static func listElements(_ value: UnsafeRawBufferPointer, keepingEmpty: Bool = false) -> [UnsafeRawBufferPointer] {
        var elements: [UnsafeRawBufferPointer] = []
        var start = 0
        for end in 0...value.count where end == value.count || value[end] == UInt8(ascii: ",") {
            var first = start, last = end
            while first < last, value[first] == 0x20 || value[first] == 0x09 { first += 1 }
            while last > first, value[last - 1] == 0x20 || value[last - 1] == 0x09 { last -= 1 }
            if keepingEmpty || last > first { elements.append(UnsafeRawBufferPointer(rebasing: value[first..<last])) }
            start = end + 1
        }
        return elements
    }
}
