@testable import HTTPServer

/// What a parser produced, in a form tests can compare.
enum ParsedEvent: Equatable, CustomStringConvertible {
    case head(method: String, path: String, headers: [String], framing: RequestBodyFraming, expectsContinue: Bool)
    case body([UInt8])
    case end
    case error(Int)

    var description: String {
        switch self {
        case .head(let method, let path, let headers, let framing, let expects): "head(\(method) \(path) \(headers) \(framing) \(expects))"
        case .body(let bytes): "body(\(String(decoding: bytes, as: UTF8.self)))"
        case .end: "end"
        case .error(let status): "error(\(status))"
        }
    }
}

/// Feeds `input` to a fresh parser in pieces of `chunk` bytes (nil: all at once), keeping the
/// unconsumed rest as a connection does. Body pieces of one request are joined into one event.
/// Also returns the parsed heads and the last error for detailed assertions.
func parse(_ input: String, chunk: Int? = nil, limits: HTTPLimits = HTTPLimits())
    -> (events: [ParsedEvent], heads: [ParsedRequestHead], error: RequestError?)
{
    parse(Array(input.utf8), chunk: chunk, limits: limits)
}

func parse(_ input: [UInt8], chunk: Int? = nil, limits: HTTPLimits = HTTPLimits())
    -> (events: [ParsedEvent], heads: [ParsedRequestHead], error: RequestError?)
{
    var parser = RequestParser(limits: .init(limits))
    var events: [ParsedEvent] = []
    var heads: [ParsedRequestHead] = []
    var pending: [UInt8] = []
    var body: [UInt8]?
    var position = 0
    while position < input.count {
        let end = min(input.count, position + (chunk ?? input.count))
        pending += input[position..<end]
        position = end
        var consumed = 0
        parsing: while true {
            switch pending.withUnsafeBytes({ parser.parse($0, offset: &consumed) }) {
            case .needMoreData:
                break parsing
            case .head(let parsed):
                heads.append(parsed)
                events.append(
                    .head(
                        method: parsed.head.method.rawValue, path: parsed.head.path,
                        headers: parsed.head.headers.map { "\($0.name): \($0.value)" },
                        framing: parsed.framing, expectsContinue: parsed.expectsContinue))
            case .body(let slice):
                body = (body ?? []) + slice
            case .end:
                if let collected = body { events.append(.body(collected)) }
                body = nil
                events.append(.end)
            case .error(let error):
                events.append(.error(error.status.code))
                return (events, heads, error)
            }
        }
        pending.removeFirst(consumed)
    }
    return (events, heads, nil)
}
