// libFuzzer target for a POST /runs body: BackpropService's JSON reader and the run request's
// validation, built by scripts/fuzz-json.sh together with their sources and the engine types
// they use (one module, not part of the package). Checks, for every input:
//   - no crash, no sanitizer report, no endless loop or stack overflow (nesting is bounded);
//   - a syntax error says where: line and column within the text, offset ≤ its length;
//   - what parses writes back (JSONWriter) and reads again as the same value, with no duplicates;
//   - validation answers 400 (not JSON) or 422 with every issue named, or a request whose own
//     normalized JSON validates to the same request (and the grid is alphas × hidden sizes).

let limits: ServiceLimits = {
    var limits = ServiceLimits()
    limits.maxWork = 1e9  // the default is fine too; a low one exercises the budget messages
    return limits
}()

/// `value` with ±∞ as null: what JSONWriter writes for a number beyond a double.
func finite(_ value: JSONValue) -> JSONValue {
    switch value {
    case .number(let number) where !number.isFinite: .null
    case .array(let items): .array(items.map(finite))
    case .object(let members): .object(members.mapValues(finite))
    default: value
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let document = try JSONDocument(parsing: bytes)
        var writer = JSONWriter()
        writer.value(document.root)
        let again = try! JSONDocument(parsing: writer.bytes)
        precondition(again.root == finite(document.root), "what JSONWriter wrote reads back differently")
        precondition(again.duplicateMembers.isEmpty, "JSONWriter wrote a member twice")
        precondition(document.duplicateMembers.allSatisfy { $0.hasPrefix("/") }, "a duplicate's pointer is not a JSON pointer")
    } catch {
        let lines = bytes.count { $0 == 0x0A } + 1
        precondition(error.offset >= 0 && error.offset <= bytes.count, "offset \(error.offset) outside the text")
        precondition(error.line >= 1 && error.line <= lines && error.column >= 1, "position \(error.line):\(error.column)")
        precondition(!error.reason.isEmpty, "no reason")
    }
    do {
        let request = try RunRequest(parsing: bytes, limits: limits)
        let sweep = request.sweep
        precondition(!sweep.alphas.isEmpty && !sweep.hiddenSizes.isEmpty && sweep.errorEvery >= 1 && sweep.iterations >= 1)
        precondition(sweep.trials.count == sweep.alphas.count * sweep.hiddenSizes.count, "the grid is alphas × hidden sizes")
        let normalized: RunRequest
        do {
            normalized = try RunRequest(validating: request.json, limits: limits)
        } catch {
            preconditionFailure("a normalized request does not validate: \(error.detail)")
        }
        precondition(normalized == request, "validating the normalized request changed it")
    } catch {
        precondition(error.status == 400 || error.status == 422, "status \(error.status)")
        precondition(!error.errors.isEmpty, "a problem naming nothing: \(error.detail)")
        precondition(error.errors.allSatisfy { $0.pointer.isEmpty || $0.pointer.hasPrefix("/") }, "a pointer that is not one")
        precondition(error.status == 422 || error.errors.map(\.pointer) == [""], "a 400 names no field")
    }
    return 0
}
