/// Checks a request line byte by byte while it is still arriving, so that bytes that can
/// never begin an HTTP/1.x request (a TLS handshake, binary noise, a bare LF) are refused
/// at once instead of holding the connection until the request timeout. The complete head
/// is still parsed, and judged, by `HeadParser`; this only fails earlier, never differently.
enum RequestLineCheck {
    enum Phase: Equatable, Sendable {
        case method(Int)
        case target(Int)
        /// Bytes of `HTTP/x.y` seen, then 8: the CR, 9: the LF.
        case version(Int)
        case done

        static let start = Phase.method(0)
    }

    private static let versionPrefix = Array("HTTP/".utf8)

    /// Scans from `start` up to `end`, advancing `phase`; returns how many bytes it
    /// consumed, or the error the full parse would give.
    static func scan(_ buffer: [UInt8], from start: Int, to end: Int, phase: inout Phase) -> Result<Int, HTTPParseError> {
        var i = start
        while i < end, phase != .done {
            let b = buffer[i]
            switch phase {
            case .method(let n):
                if b == 32 && n > 0 { phase = .target(0) }
                else if HeadParser.isTokenByte(b) { phase = .method(n + 1) }
                else { return .failure(.badRequest(n == 0 ? "malformed request line (this is not HTTP/1.x)" : "invalid method")) }
            case .target(let n):
                if b == 32 && n > 0 { phase = .version(0) }
                else if b > 32 && b < 127 { phase = .target(n + 1) }
                else { return .failure(.badRequest(b == 10 || b == 13 || b == 32 ? "malformed request line" : "invalid request target")) }
            case .version(let n):
                switch n {
                case 0..<5 where b == versionPrefix[n]: phase = .version(n + 1)
                case 5, 7: guard b >= 0x30 && b <= 0x39 else { return .failure(.badRequest("malformed HTTP version")) }; phase = .version(n + 1)
                case 6 where b == UInt8(ascii: "."): phase = .version(7)
                case 8 where b == 13: phase = .version(9)
                case 9 where b == 10: phase = .done
                default:
                    return .failure(.badRequest(b == 10 ? "bare LF in the header section" : n >= 8 ? "malformed request line" : "malformed HTTP version"))
                }
            case .done:
                break
            }
            i += 1
        }
        return .success(i - start)
    }
}
