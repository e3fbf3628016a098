/// A strict, incremental HTTP/1.1 request parser: bytes in, a request or an error out.
///
/// It owns no socket and no buffer. The server appends what it reads to its buffer and
/// calls `parse(_:from:)`, which consumes whole protocol elements and says what it found.
/// After `.head`, the server may set `bodyLimit` (the endpoint's) and answer
/// `100 Continue` before calling `parse` again for the body.
///
/// Strict per RFC 9112: Content-Length with Transfer-Encoding, differing Content-Length
/// values, codings other than chunked, malformed chunk sizes, obs-fold, whitespace before
/// a colon, control characters, and a missing or repeated Host on HTTP/1.1 are errors.
/// Every error ends the connection: after one, the framing cannot be trusted.
public struct HTTPParser: Sendable {
    public struct Limits: Sendable {
        /// Request line plus header fields (431 beyond).
        public var headerBytes = 16 * 1024
        /// Body, unless the server sets `bodyLimit` for the request (413 beyond).
        public var bodyBytes = 1 << 20
        public init() {}
    }

    public enum Step: Sendable {
        case needMoreData
        case head(HTTPRequestHead)
        case request(HTTPRequest)
        case failure(HTTPParseError)
    }

    enum Framing: Sendable { case none, length(Int), chunked }

    enum ChunkPhase: Sendable { case size, data(Int), dataEnd, trailer(Int) }

    enum State: Sendable {
        case head
        /// Head delivered; the body limit is checked when the body starts.
        case bodyPending(HTTPRequestHead, Framing)
        case fixed(HTTPRequestHead, remaining: Int)
        case chunked(HTTPRequestHead, ChunkPhase)
        case failed
    }

    public let limits: Limits
    /// The body limit of the current request; reset to `limits.bodyBytes` for each request.
    public var bodyLimit: Int
    var state: State = .head
    var body: [UInt8] = []
    /// How far the search for the end of the head got, so slow clients cost linear time.
    var scanned = 0
    /// How much of the request line has been checked while the head is incomplete, and
    /// where in the line that check is.
    var lineChecked = 0
    var linePhase = RequestLineCheck.Phase.start

    public init(limits: Limits = Limits()) {
        self.limits = limits
        bodyLimit = limits.bodyBytes
    }

    /// Whether the parser is between requests (nothing partially read).
    public var isIdle: Bool {
        if case .head = state { return scanned == 0 }
        return false
    }

    public mutating func parse(_ buffer: [UInt8], from index: inout Int) -> Step {
        while true {
            switch state {
            case .failed:
                return .failure(.badRequest("the connection already failed"))
            case .head:
                return parseHead(buffer, from: &index)
            case .bodyPending(let head, let framing):
                switch framing {
                case .none:
                    return finish(head)
                case .length(let length):
                    guard length <= bodyLimit else { return fail(.payloadTooLarge) }
                    body.reserveCapacity(length)
                    state = .fixed(head, remaining: length)
                case .chunked:
                    state = .chunked(head, .size)
                }
            case .fixed(let head, let remaining):
                let available = buffer.count - index
                let take = min(available, remaining)
                body.append(contentsOf: buffer[index..<index + take])
                index += take
                if take == remaining { return finish(head) }
                state = .fixed(head, remaining: remaining - take)
                return .needMoreData
            case .chunked(let head, let phase):
                switch parseChunk(head, phase, buffer, from: &index) {
                case .some(let step): return step
                case .none: continue
                }
            }
        }
    }

    private mutating func fail(_ error: HTTPParseError) -> Step {
        state = .failed
        body = []
        return .failure(error)
    }

    private mutating func finish(_ head: HTTPRequestHead) -> Step {
        let request = HTTPRequest(head: head, body: body)
        body = []
        state = .head
        bodyLimit = limits.bodyBytes
        return .request(request)
    }

    // MARK: Head

    private mutating func parseHead(_ buffer: [UInt8], from index: inout Int) -> Step {
        // RFC 9112 §2.2: ignore empty lines before the request line. A lone CR at the end
        // may be the first half of one: wait for the LF rather than start scanning.
        if scanned == 0 {
            while index + 1 < buffer.count, buffer[index] == 13, buffer[index + 1] == 10 { index += 2 }
            if index + 1 == buffer.count, buffer[index] == 13 { return .needMoreData }
        }
        // Garbage (a TLS handshake, a bare LF) is refused as soon as it is seen, not after
        // the request timeout. Only within the header limit, so that the outcome is the same
        // however the bytes were split (past it, the head is too large either way).
        if linePhase != RequestLineCheck.Phase.done {
            let checked = RequestLineCheck.scan(buffer, from: index + lineChecked, to: min(buffer.count, index + limits.headerBytes),
                                                phase: &linePhase)
            if case .failure(let error) = checked { return fail(error) }
            if case .success(let count) = checked { lineChecked += count }
        }
        var i = max(index, index + scanned - 3)
        var end = -1
        while i + 3 < buffer.count {
            if buffer[i + 3] != 10 { i += buffer[i + 3] == 13 ? 1 : 4; continue }
            if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13 { end = i; break }
            i += 1
        }
        guard end >= 0 else {
            scanned = buffer.count - index
            // The terminator could still begin in the last three bytes; fail only when even
            // then the head would pass the limit, exactly as the complete-head check below.
            return scanned - 3 > limits.headerBytes ? fail(.headersTooLarge) : .needMoreData
        }
        guard end - index <= limits.headerBytes else { return fail(.headersTooLarge) }
        scanned = 0
        lineChecked = 0
        linePhase = .start
        let result = HeadParser.parse(buffer, index, end)
        index = end + 4
        switch result {
        case .failure(let error):
            return fail(error)
        case .success(let (head, framing)):
            state = .bodyPending(head, framing)
            return .head(head)
        }
    }

    // MARK: Chunked bodies

    /// Returns a step to hand back, or nil to keep going with the new state.
    private mutating func parseChunk(_ head: HTTPRequestHead, _ phase: ChunkPhase, _ buffer: [UInt8], from index: inout Int) -> Step? {
        switch phase {
        case .size:
            guard let lineEnd = Self.findCRLF(buffer, from: index, limit: 1024) else {
                if Self.hasBareLineEnd(buffer, from: index, limit: 1024) { return fail(.badRequest("bare CR or LF in a chunk size line")) }
                return buffer.count - index > 1024 ? fail(.badRequest("chunk size line too long")) : .needMoreData
            }
            guard let size = Self.chunkSize(buffer[index..<lineEnd]) else {
                return fail(.badRequest("invalid chunk size"))
            }
            index = lineEnd + 2
            if size == 0 {
                state = .chunked(head, .trailer(0))
                return nil
            }
            guard size <= bodyLimit - body.count else { return fail(.payloadTooLarge) }
            state = .chunked(head, .data(size))
            return nil
        case .data(let remaining):
            let take = min(buffer.count - index, remaining)
            body.append(contentsOf: buffer[index..<index + take])
            index += take
            state = .chunked(head, take == remaining ? .dataEnd : .data(remaining - take))
            return take == remaining ? nil : .needMoreData
        case .dataEnd:
            guard buffer.count - index >= 2 else { return .needMoreData }
            guard buffer[index] == 13, buffer[index + 1] == 10 else { return fail(.badRequest("chunk data not followed by CRLF")) }
            index += 2
            state = .chunked(head, .size)
            return nil
        case .trailer(let seen):
            guard let lineEnd = Self.findCRLF(buffer, from: index, limit: limits.headerBytes - seen) else {
                if Self.hasBareLineEnd(buffer, from: index, limit: limits.headerBytes - seen) {
                    return fail(.badRequest("bare CR or LF in the trailer section"))
                }
                return seen + buffer.count - index > limits.headerBytes ? fail(.headersTooLarge) : .needMoreData
            }
            if lineEnd == index {
                index += 2
                return finish(head)
            }
            // Trailer fields are read and dropped; they must still be well-formed.
            guard HeadParser.fieldLine(buffer[index..<lineEnd]) != nil else { return fail(.badRequest("invalid trailer field")) }
            state = .chunked(head, .trailer(seen + lineEnd - index + 2))
            index = lineEnd + 2
            return nil
        }
    }

    static func findCRLF(_ buffer: [UInt8], from start: Int, limit: Int) -> Int? {
        var i = start
        let end = min(buffer.count - 1, start + max(0, limit))
        while i < end {
            if buffer[i] == 13 { return buffer[i + 1] == 10 ? i : nil }
            if buffer[i] == 10 { return nil }
            i += 1
        }
        return nil
    }

    /// Whether the line starting at `start` already shows a bare CR or LF (so waiting for
    /// more bytes cannot make it valid).
    static func hasBareLineEnd(_ buffer: [UInt8], from start: Int, limit: Int) -> Bool {
        var i = start
        let end = min(buffer.count, start + max(0, limit))
        while i < end {
            if buffer[i] == 10 { return true }
            if buffer[i] == 13 { return i + 1 < buffer.count && buffer[i + 1] != 10 }
            i += 1
        }
        return false
    }

    /// `1a3f` optionally followed by `;ext=value`; nil when malformed or absurdly large.
    static func chunkSize(_ line: ArraySlice<UInt8>) -> Int? {
        var size = 0
        var digits = 0
        var i = line.startIndex
        while i < line.endIndex, let d = hexValue(line[i]) {
            guard digits < 15 else { return nil }
            size = size * 16 + d
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        while i < line.endIndex, line[i] == 32 || line[i] == 9 { i += 1 }
        if i < line.endIndex {
            guard line[i] == UInt8(ascii: ";") else { return nil }
            for b in line[i...] where (b < 32 && b != 9) || b == 127 { return nil }
        }
        return size
    }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }
}
