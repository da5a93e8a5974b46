/// The chunked transfer coding (RFC 9112 §7.1): chunk sizes, extensions (skipped, bounded),
/// data, and trailer fields (accepted and ignored, bounded like header fields).
extension RequestParser {
    mutating func parseChunked(_ input: UnsafeRawBufferPointer, offset: inout Int) -> Event {
        while offset < input.count {
            let byte = input[offset]
            switch state {
            case .chunkSize(let value, let digits):
                if let digit = PercentDecoding.hexValue(byte) {
                    guard digits < 15 else { return fail(.badRequest("chunk size too large")) }
                    state = .chunkSize(value: value << 4 | Int(digit), digits: digits + 1)
                } else if digits == 0 {
                    return fail(.badRequest("chunk size is not a hexadecimal number"))
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    pendingChunkSize = value
                    state = .chunkExtension
                } else if byte == Self.cr {
                    pendingChunkSize = value
                    state = .chunkSizeCR
                } else if byte == Self.lf {
                    offset += 1
                    if let error = beginChunk(value) { return fail(error) }
                    continue
                } else {
                    return fail(.badRequest("invalid character after chunk size"))
                }
            case .chunkExtension:
                if byte == Self.cr {
                    state = .chunkSizeCR
                } else if byte == Self.lf {
                    offset += 1
                    if let error = beginChunk(pendingChunkSize) { return fail(error) }
                    continue
                } else if !Self.isFieldValueByte(byte) {
                    return fail(.badRequest("invalid character in chunk extension"))
                } else {
                    chunkMetadataBytes += 1
                    if chunkMetadataBytes > limits.maxHeaderBytes {
                        return fail(.badRequest("chunk extensions longer than \(limits.maxHeaderBytes) bytes"))
                    }
                }
            case .chunkSizeCR:
                guard byte == Self.lf else { return fail(.badRequest("CR not followed by LF after chunk size")) }
                offset += 1
                if let error = beginChunk(pendingChunkSize) { return fail(error) }
                continue
            case .chunkData(let remaining):
                let count = min(remaining, input.count - offset)
                let slice = UnsafeRawBufferPointer(rebasing: input[offset..<offset + count])
                offset += count
                state = remaining == count ? .chunkDataCR : .chunkData(remaining: remaining - count)
                return .body(slice)
            case .chunkDataCR:
                if byte == Self.cr {
                    state = .chunkDataLF
                } else if byte == Self.lf {
                    state = .chunkSize(value: 0, digits: 0)
                } else {
                    return fail(.badRequest("chunk data longer than its size"))
                }
            case .chunkDataLF:
                guard byte == Self.lf else { return fail(.badRequest("CR not followed by LF after chunk data")) }
                state = .chunkSize(value: 0, digits: 0)
            case .trailerLineStart:
                if byte == Self.cr {
                    state = .trailerEndCR
                } else if byte == Self.lf {
                    offset += 1
                    resetForNextRequest()
                    return .end
                } else if Self.isTokenByte(byte) {
                    trailerCount += 1
                    guard trailerCount <= limits.maxHeaderCount else {
                        return fail(RequestError(.requestHeaderFieldsTooLarge, "more than \(limits.maxHeaderCount) trailer fields"))
                    }
                    state = .trailerLine
                } else {
                    return fail(.badRequest("invalid trailer field"))
                }
            case .trailerLine:
                if byte == Self.cr {
                    state = .trailerLineCR
                } else if byte == Self.lf {
                    state = .trailerLineStart
                } else if !Self.isFieldValueByte(byte) {
                    return fail(.badRequest("invalid character in trailer field"))
                }
            case .trailerLineCR:
                guard byte == Self.lf else { return fail(.badRequest("CR not followed by LF in trailer field")) }
                state = .trailerLineStart
            case .trailerEndCR:
                guard byte == Self.lf else { return fail(.badRequest("CR not followed by LF after the last chunk")) }
                offset += 1
                resetForNextRequest()
                return .end
            default:
                preconditionFailure("parseChunked in state \(state)")
            }
            offset += 1
            if state == .trailerLine || state == .trailerLineStart {
                chunkMetadataBytes += 1
                if chunkMetadataBytes > limits.maxHeaderBytes {
                    return fail(RequestError(.requestHeaderFieldsTooLarge, "trailer fields longer than \(limits.maxHeaderBytes) bytes"))
                }
            }
        }
        return .needMoreData
    }

    /// Called at the end of a chunk-size line; nil when the size is acceptable.
    private mutating func beginChunk(_ size: Int) -> RequestError? {
        if size == 0 {
            state = .trailerLineStart
            return nil
        }
        chunkedBodyBytes += size
        guard chunkedBodyBytes <= limits.maxBodyBytes else {
            return RequestError(.contentTooLarge, "request body larger than \(limits.maxBodyBytes) bytes")
        }
        state = .chunkData(remaining: size)
        return nil
    }
}
