/// Parses a request's head (request line and header fields) and decides its framing.
enum HeadParser {
    static func parse(_ buffer: [UInt8], _ start: Int, _ end: Int) -> Result<(HTTPRequestHead, HTTPParser.Framing), HTTPParseError> {
        // Lines are CRLF-terminated; a bare CR or LF anywhere is refused (request smuggling).
        var lines: [ArraySlice<UInt8>] = []
        lines.reserveCapacity(12)
        var lineStart = start
        var i = start
        while i < end {
            let b = buffer[i]
            if b == 13 {
                guard i + 1 < end, buffer[i + 1] == 10 else { return .failure(.badRequest("bare CR in the header section")) }
                lines.append(buffer[lineStart..<i])
                i += 2
                lineStart = i
                continue
            }
            if b == 10 { return .failure(.badRequest("bare LF in the header section")) }
            i += 1
        }
        lines.append(buffer[lineStart..<end])

        guard let requestLine = lines.first, case .success(let (method, target, minor)) = self.requestLine(requestLine) else {
            if let first = lines.first, case .failure(let error) = requestLine(first) { return .failure(error) }
            return .failure(.badRequest("malformed request line"))
        }
        var headers = HTTPHeaders()
        // Growing from empty reallocated at the 1st, 2nd and 3rd field of every request.
        headers.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            if let first = line.first, first == 32 || first == 9 {
                return .failure(.badRequest("obsolete line folding is not accepted"))
            }
            guard let (name, value) = fieldLine(line) else {
                return .failure(.badRequest("malformed header field"))
            }
            headers.add(name, value)
        }
        return semantics(method: method, target: target, minor: minor, headers: headers)
    }

    static func requestLine(_ line: ArraySlice<UInt8>) -> Result<(String, String, Int), HTTPParseError> {
        // `method SP target SP version`: exactly two spaces (a third would sit in the version).
        guard let first = line.firstIndex(of: 32), let second = line[(first + 1)...].firstIndex(of: 32),
              first > line.startIndex, second > first + 1, !line[(second + 1)...].contains(32) else {
            return .failure(.badRequest("malformed request line"))
        }
        let methodBytes = line[..<first], targetBytes = line[(first + 1)..<second], version = line[(second + 1)...]
        guard methodBytes.allSatisfy(isTokenByte) else { return .failure(.badRequest("invalid method")) }
        guard targetBytes.allSatisfy({ $0 > 32 && $0 < 127 }) else { return .failure(.badRequest("invalid request target")) }
        guard version.count == 8, version.starts(with: "HTTP/".utf8),
              version[version.startIndex + 6] == UInt8(ascii: "."),
              let major = digit(version[version.startIndex + 5]), let minor = digit(version[version.startIndex + 7]) else {
            return .failure(.badRequest("malformed HTTP version"))
        }
        guard major == 1, minor <= 1 else { return .failure(.unsupportedVersion) }
        var target = String(decoding: targetBytes, as: UTF8.self)
        let method = String(decoding: methodBytes, as: UTF8.self)
        // Absolute-form (RFC 9112 §3.2.2) is accepted and reduced to origin-form.
        if target.hasPrefix("http://") || target.hasPrefix("https://"), let colon = target.firstIndex(of: ":") {
            let afterScheme = target[target.index(colon, offsetBy: 3)...]
            target = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { String(afterScheme[$0...]) } ?? "/"
            if target.hasPrefix("?") { target = "/" + target }
        }
        guard target.hasPrefix("/") || (target == "*" && method == "OPTIONS") else {
            return .failure(.badRequest("invalid request target"))
        }
        return .success((method, target, minor))
    }

    /// `name: value` with no whitespace before the colon and no control characters.
    static func fieldLine(_ line: ArraySlice<UInt8>) -> (String, String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return nil }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(isTokenByte) else { return nil }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        for b in value where (b < 32 && b != 9) || b == 127 { return nil }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    static func semantics(method: String, target: String, minor: Int, headers: HTTPHeaders) -> Result<(HTTPRequestHead, HTTPParser.Framing), HTTPParseError> {
        var hosts = 0
        var contentLength: Int? = nil
        var transferCodings: [String] = []
        var connectionTokens: [String] = []
        var expect: [String] = []
        // Names compared in place: lowercasing each one allocated a string per header.
        for field in headers {
            let name = field.name
            if name.caseInsensitiveEquals("host") {
                hosts += 1
            } else if name.caseInsensitiveEquals("content-length") {
                // Usually one plain number; a list (`5, 5`) only if every item is the same one.
                func accept(_ text: String) -> HTTPParseError? {
                    guard let n = Self.plainLength(text) else { return .badRequest("invalid Content-Length") }
                    if let existing = contentLength, existing != n { return .badRequest("conflicting Content-Length values") }
                    contentLength = n
                    return nil
                }
                if !field.value.utf8.contains(UInt8(ascii: ",")) {
                    if let error = accept(field.value) { return .failure(error) }
                } else {
                    for item in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                        if let error = accept(item.trimmingSpaces) { return .failure(error) }
                    }
                }
            } else if name.caseInsensitiveEquals("transfer-encoding") {
                transferCodings += field.value.split(separator: ",").map { $0.trimmingSpaces.lowercased() }.filter { !$0.isEmpty }
            } else if name.caseInsensitiveEquals("connection") {
                connectionTokens += field.value.split(separator: ",").map { $0.trimmingSpaces.lowercased() }
            } else if name.caseInsensitiveEquals("expect") {
                expect.append(field.value[...].trimmingSpaces.lowercased())
            }
        }
        if minor == 1 && hosts != 1 {
            return .failure(.badRequest(hosts == 0 ? "missing Host header" : "more than one Host header"))
        }
        if hosts > 1 { return .failure(.badRequest("more than one Host header")) }
        var framing = HTTPParser.Framing.none
        if !transferCodings.isEmpty || headers["transfer-encoding"] != nil {
            guard contentLength == nil else { return .failure(.badRequest("both Content-Length and Transfer-Encoding")) }
            guard minor == 1 else { return .failure(.badRequest("Transfer-Encoding in an HTTP/1.0 request")) }
            guard transferCodings.last == "chunked" else { return .failure(.badRequest("the final transfer coding must be chunked")) }
            guard transferCodings == ["chunked"] else { return .failure(.unsupportedTransferEncoding) }
            framing = .chunked
        } else if let length = contentLength, length > 0 {
            framing = .length(length)
        }
        var expectsContinue = false
        for e in expect {
            guard e == "100-continue" else { return .failure(.expectationFailed) }
            if case .none = framing {} else { expectsContinue = minor == 1 }
        }
        let keepAlive = minor == 1 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        var head = HTTPRequestHead(method: method, target: target, minorVersion: minor, headers: headers,
                                   keepAlive: keepAlive, expectsContinue: expectsContinue)
        if case .length(let length) = framing { head.contentLength = length }
        return .success((head, framing))
    }

    /// RFC 9110 token characters.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    static func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }

    /// 1 to 18 digits and nothing else (no sign, no spaces); nil otherwise.
    static func plainLength(_ value: String) -> Int? {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var n = 0
        for b in bytes {
            guard let d = digit(b) else { return nil }
            n = n * 10 + d
        }
        return n
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
