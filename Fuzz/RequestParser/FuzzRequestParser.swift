// libFuzzer target for RequestParser, built by scripts/fuzz-parser.sh together with the
// parser's sources (not part of the package). Checks, for every input:
//   - no crash, no sanitizer report, no endless loop (each call consumes bytes or changes state);
//   - the events do not depend on how the bytes were split: the whole buffer, a split at a
//     position chosen by the input, and (for short inputs) one byte at a time give the same events;
//   - an error is final.

/// One connection's view of the events, with bodies joined per request.
func events(of input: [UInt8], chunkSizes: (Int) -> Int) -> [String] {
    var limits = HTTPLimits()
    limits.maxHeaderBytes = 512
    limits.maxURIBytes = 128
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 1024
    var parser = RequestParser(limits: .init(limits))
    var log: [String] = []
    var body: [UInt8] = []
    var pending: [UInt8] = []
    var position = 0
    var round = 0
    feeding: while position < input.count || !pending.isEmpty {
        let size = max(1, chunkSizes(round))
        round += 1
        let end = min(input.count, position + size)
        pending += input[position..<end]
        position = end
        var consumed = 0
        parsing: while true {
            let before = consumed
            let stateBefore = parser.state
            let event = pending.withUnsafeBytes { parser.parse($0, offset: &consumed) }
            switch event {
            case .needMoreData:
                break parsing
            case .head(let parsed):
                let head = parsed.head
                log.append(
                    "head \(head.method) \(head.target) \(head.path) \(head.queryItems.map { "\($0.name)=\($0.value)" }) "
                        + "\(head.version) \(head.headers.map { "\($0.name):\($0.value)" }) \(parsed.framing) \(parsed.expectsContinue)")
            case .body(let slice):
                precondition(!slice.isEmpty, "empty body event")
                body += slice
            case .end:
                log.append("body \(body.count) \(body.reduce(0) { ($0 &* 31) &+ Int($1) })")
                body = []
            case .error(let error):
                log.append("error \(error.status.code) \(error.detail)")
                var again = consumed
                if case .error(let repeated) = pending.withUnsafeBytes({ parser.parse($0, offset: &again) }) {
                    precondition(repeated == error && again == consumed, "an error must be final")
                } else {
                    preconditionFailure("an error must be final")
                }
                break feeding
            }
            precondition(
                consumed > before || parser.state != stateBefore || { if case .end = event { true } else { false } }(),
                "parse made no progress")
        }
        pending.removeFirst(consumed)
        if position == input.count && consumed == 0 { break }
    }
    return log
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = events(of: input) { _ in input.count }
    let split = input.first.map { Int($0) % 7 + 1 } ?? 1
    let pieces = events(of: input) { round in round.isMultiple(of: 2) ? split : split * 3 + 1 }
    precondition(whole == pieces, "events differ by split:\n\(whole)\n\(pieces)")
    if input.count <= 512 {
        let bytewise = events(of: input) { _ in 1 }
        precondition(whole == bytewise, "events differ byte at a time:\n\(whole)\n\(bytewise)")
    }
    return 0
}
