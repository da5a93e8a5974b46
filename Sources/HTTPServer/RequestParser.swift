/// An incremental HTTP/1.1 request parser (RFC 9112): an explicit state machine fed with
/// whatever bytes arrived, returning one event per call. The result does not depend on how
/// the bytes were split; a connection calls `parse` until `.needMoreData`, keeping the unconsumed rest.
///
/// Strict where leniency enables request smuggling: bare CR, obs-fold, whitespace before a
/// colon, conflicting lengths and unknown transfer codings are errors, and an error is final.
struct RequestParser {
    struct Limits: Hashable, Sendable {
        var maxHeaderBytes: Int
        var maxHeaderCount: Int
        var maxURIBytes: Int
        var maxBodyBytes: Int

        init(_ limits: HTTPLimits) {
            maxHeaderBytes = limits.maxHeaderBytes
            maxHeaderCount = limits.maxHeaderCount
            maxURIBytes = limits.maxURIBytes
            maxBodyBytes = limits.maxBodyBytes
        }
    }

    enum Event {
        case needMoreData
        case head(ParsedRequestHead)
        /// A piece of the body: a slice of the input, valid only until the next call.
        case body(UnsafeRawBufferPointer)
        /// The request (head and body) is complete; the next bytes start another request.
        case end
        case error(RequestError)
    }

    /// Where in the head the scanner is: a payload-free enum, cheap to switch on per byte.
    enum HeadState: UInt8, Hashable {
        case requestStart
        case method
        case target
        case version
        case requestLineCR
        case fieldLineStart
        case fieldName
        case fieldValue
        case fieldLineCR
        case headEndCR
    }

    enum State: Hashable {
        case head(HeadState)
        case messageEnd
        case contentBody(remaining: Int)
        case chunkSize(value: Int, digits: Int)
        case chunkExtension
        case chunkSizeCR
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine
        case trailerLineCR
        case trailerEndCR
        case failed(RequestError)
    }

    /// Offsets into `headBytes` of one header field.
    struct FieldMarks {
        var nameStart = 0, nameEnd = 0, valueStart = 0, valueEnd = 0
    }

    let limits: Limits
    var state: State = .head(.requestStart)

    /// The current head's bytes, accumulated across calls; token offsets point into it.
    var headBytes: [UInt8] = []
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var versionStart = 0
    var versionEnd = 0
    /// headBytes index of the first `?` in the target, or -1; whether the target has a `%`.
    var queryStart = -1
    var targetHasPercent = false
    var fields: [FieldMarks] = []
    var currentField = FieldMarks()
    var skippedEmptyLineBytes = 0
    /// Body bytes seen so far (chunked) and chunk-extension/trailer bytes, both bounded.
    var chunkedBodyBytes = 0
    var chunkMetadataBytes = 0
    var trailerCount = 0
    /// The size of the chunk whose size line is being read (kept across extension bytes).
    var pendingChunkSize = 0

    init(limits: Limits) {
        self.limits = limits
        headBytes.reserveCapacity(256)
    }

    /// Parses from `offset`, advancing it past what the event consumed.
    mutating func parse(_ input: UnsafeRawBufferPointer, offset: inout Int) -> Event {
        switch state {
        case .failed(let error):
            return .error(error)
        case .messageEnd:
            resetForNextRequest()
            return .end
        case .contentBody(let remaining):
            if remaining == 0 {
                resetForNextRequest()
                return .end
            }
            guard offset < input.count else { return .needMoreData }
            let count = min(remaining, input.count - offset)
            let slice = UnsafeRawBufferPointer(rebasing: input[offset..<offset + count])
            offset += count
            state = .contentBody(remaining: remaining - count)
            return .body(slice)
        case .head(let headState):
            return parseHead(input, offset: &offset, state: headState)
        case .chunkSize, .chunkExtension, .chunkSizeCR, .chunkData, .chunkDataCR, .chunkDataLF,
            .trailerLineStart, .trailerLine, .trailerLineCR, .trailerEndCR:
            return parseChunked(input, offset: &offset)
        }
    }

    mutating func resetForNextRequest() {
        state = .head(.requestStart)
        headBytes.removeAll(keepingCapacity: headBytes.capacity <= 4096)
        fields.removeAll(keepingCapacity: true)
        skippedEmptyLineBytes = 0
        chunkedBodyBytes = 0
        chunkMetadataBytes = 0
        trailerCount = 0
    }

    mutating func fail(_ error: RequestError) -> Event {
        state = .failed(error)
        return .error(error)
    }

    /// True for RFC 9110 `tchar`: the bytes of methods and field names (a bitmap lookup).
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000  // ! # $ % & ' * + - . 0-9
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE  // A-Z ^ _ ` a-z | ~
        if byte < 64 { return (low >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (high >> UInt64(byte &- 64)) & 1 == 1 }
        return false
    }

    /// Field values: visible ASCII, space, tab and obs-text; no other control bytes.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == 0x09
    }

    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    private static let maxMethodBytes = 32
    private static let maxSkippedEmptyLineBytes = 16

    // MARK: head

    private mutating func parseHead(_ input: UnsafeRawBufferPointer, offset: inout Int, state startState: HeadState) -> Event {
        if startState == .requestStart {
            while offset < input.count, input[offset] == Self.cr || input[offset] == Self.lf {
                skippedEmptyLineBytes += 1
                guard skippedEmptyLineBytes <= Self.maxSkippedEmptyLineBytes else {
                    return fail(.badRequest("too many empty lines before the request line"))
                }
                offset += 1
            }
        }
        let start = offset
        let base = headBytes.count - start  // headBytes index = input index + base
        let headLimit = limits.maxHeaderBytes - base  // input index at which the head is too long
        // Bytes are scanned up to `stop`; reaching it means "need more input" or "head too long".
        let stop = min(input.count, max(headLimit, start))
        var index = offset
        var state = startState
        var outcome: RequestError?
        var complete = false
        var namesField = false
        scan: while index < input.count {
            if index >= headLimit {
                outcome =
                    state == .target && index + base - targetStart >= limits.maxURIBytes
                    ? RequestError(.uriTooLong, "request target longer than \(limits.maxURIBytes) bytes")
                    : RequestError(.requestHeaderFieldsTooLarge, "request head longer than \(limits.maxHeaderBytes) bytes")
                break scan
            }
            switch state {
            case .requestStart:
                guard Self.isTokenByte(input[index]) else {
                    outcome = .badRequest("request line does not start with a method")
                    break scan
                }
                state = .method
                index += 1
            case .method:
                let methodStop = min(stop, Self.maxMethodBytes - base)
                while index < methodStop && Self.isTokenByte(input[index]) { index += 1 }
                if index == stop { continue scan }
                if index == methodStop && Self.isTokenByte(input[index]) {
                    outcome = RequestError(.notImplemented, "method longer than \(Self.maxMethodBytes) bytes")
                    break scan
                }
                guard input[index] == UInt8(ascii: " ") else {
                    outcome = .badRequest("invalid character in method")
                    break scan
                }
                methodEnd = index + base
                targetStart = methodEnd + 1
                queryStart = -1
                targetHasPercent = false
                state = .target
                index += 1
            case .target:
                let targetStop = min(stop, targetStart + limits.maxURIBytes - base)
                while index < targetStop {
                    let byte = input[index]
                    guard
                        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "?") && byte != UInt8(ascii: "%")
                            && byte != UInt8(ascii: "#")
                    else { break }
                    index += 1
                }
                if index >= input.count || index >= headLimit { continue scan }  // need more, or 431/414 above
                let byte = input[index]
                if index == targetStop && byte != UInt8(ascii: " ") {
                    outcome = RequestError(.uriTooLong, "request target longer than \(limits.maxURIBytes) bytes")
                    break scan
                }
                switch byte {
                case UInt8(ascii: " "):
                    targetEnd = index + base
                    guard targetEnd > targetStart else {
                        outcome = .badRequest("empty request target")
                        break scan
                    }
                    versionStart = targetEnd + 1
                    state = .version
                case UInt8(ascii: "?"):
                    if queryStart < 0 { queryStart = index + base }
                case UInt8(ascii: "%"):
                    targetHasPercent = true
                case UInt8(ascii: "#"):
                    outcome = .badRequest("a request target must not contain a fragment")
                    break scan
                case Self.cr, Self.lf:
                    outcome = .badRequest("request line has no HTTP version")
                    break scan
                default:
                    outcome = .badRequest("invalid character in request target")
                    break scan
                }
                index += 1
            case .version:
                let byte = input[index]
                if byte == Self.cr || byte == Self.lf {
                    versionEnd = index + base
                    state = byte == Self.cr ? .requestLineCR : .fieldLineStart
                } else if byte <= 0x20 || byte >= 0x7F || index + base - versionStart >= 8 {
                    outcome = .badRequest("malformed HTTP version")
                    break scan
                }
                index += 1
            case .requestLineCR:
                guard input[index] == Self.lf else {
                    outcome = .badRequest("CR not followed by LF in request line")
                    break scan
                }
                state = .fieldLineStart
                index += 1
            case .fieldLineStart:
                let byte = input[index]
                if byte == Self.cr {
                    state = .headEndCR
                } else if byte == Self.lf {
                    index += 1
                    complete = true
                    break scan
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    outcome = .badRequest(
                        fields.isEmpty
                            ? "whitespace before the first header field" : "obs-fold (a header line starting with whitespace) is not allowed")
                    break scan
                } else if Self.isTokenByte(byte) {
                    currentField.nameStart = index + base
                    state = .fieldName
                } else {
                    outcome = .badRequest("invalid character in header name")
                    break scan
                }
                index += 1
            case .fieldName:
                while index < stop && Self.isTokenByte(input[index]) { index += 1 }
                if index == stop { continue scan }
                let byte = input[index]
                if byte == UInt8(ascii: ":") {
                    currentField.nameEnd = index + base
                    currentField.valueStart = index + base + 1
                    state = .fieldValue
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    outcome = .badRequest("whitespace between header name and colon")
                    break scan
                } else if byte == Self.cr || byte == Self.lf {
                    outcome = .badRequest("header line without a colon")
                    break scan
                } else {
                    outcome = .badRequest("invalid character in header name")
                    break scan
                }
                index += 1
            case .fieldValue:
                while index < stop {
                    let byte = input[index]
                    guard byte >= 0x20 ? byte != 0x7F : byte == 0x09 else { break }
                    index += 1
                }
                if index == stop { continue scan }
                let byte = input[index]
                if byte == Self.cr || byte == Self.lf {
                    currentField.valueEnd = index + base
                    if byte == Self.cr {
                        state = .fieldLineCR
                    } else {
                        guard appendField() else {
                            outcome = Self.tooManyFields(limits)
                            break scan
                        }
                        state = .fieldLineStart
                    }
                } else {
                    outcome = .badRequest("invalid character in value of header")
                    namesField = true
                    break scan
                }
                index += 1
            case .fieldLineCR:
                guard input[index] == Self.lf else {
                    outcome = .badRequest("CR not followed by LF in header")
                    namesField = true
                    break scan
                }
                guard appendField() else {
                    outcome = Self.tooManyFields(limits)
                    break scan
                }
                state = .fieldLineStart
                index += 1
            case .headEndCR:
                guard input[index] == Self.lf else {
                    outcome = .badRequest("CR not followed by LF at the end of the head")
                    break scan
                }
                index += 1
                complete = true
                break scan
            }
        }
        headBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[start..<index]))
        offset = index
        self.state = .head(state)
        if let outcome {
            return fail(namesField ? .badRequest("\(outcome.detail) \(fieldName(currentField))") : outcome)
        }
        guard complete else { return .needMoreData }
        switch completeHead() {
        case .success(let parsed):
            switch parsed.framing {
            case .none, .contentLength(0): self.state = .messageEnd
            case .contentLength(let length): self.state = .contentBody(remaining: length)
            case .chunked: self.state = .chunkSize(value: 0, digits: 0)
            }
            return .head(parsed)
        case .failure(let error):
            return fail(error)
        }
    }

    private static func tooManyFields(_ limits: Limits) -> RequestError {
        RequestError(.requestHeaderFieldsTooLarge, "more than \(limits.maxHeaderCount) header fields")
    }

    private mutating func appendField() -> Bool {
        guard fields.count < limits.maxHeaderCount else { return false }
        fields.append(currentField)
        return true
    }

    func fieldName(_ marks: FieldMarks) -> String {
        String(decoding: headBytes[marks.nameStart..<min(marks.nameEnd, headBytes.count)], as: UTF8.self)
    }
}
