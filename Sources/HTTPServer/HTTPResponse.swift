/// A response to serialize: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response; `text` must already be JSON.
    public static func json(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    public static func text(_ status: HTTPStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// Head and body in one buffer, so one write sends the whole response.
    /// `Content-Length` and `Connection` are the server's to set.
    func serialize(keepAlive: Bool, minorVersion: Int, date: String, omitBody: Bool) -> [UInt8] {
        // Bytes appended straight into one buffer: building the head as a String by
        // interpolation and copying it out cost a microsecond a response.
        let hasBody = status.code >= 200 && status.code != 204 && status.code != 304
        var out: [UInt8] = []
        out.reserveCapacity(160 + headers.count * 48 + (hasBody && !omitBody ? body.count : 0))
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(contentsOf: String(status.code).utf8)
        out.append(0x20)
        out.append(contentsOf: status.reason.utf8)
        out.append(contentsOf: "\r\nDate: ".utf8)
        out.append(contentsOf: date.utf8)
        out.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers
        where !name.caseInsensitiveEquals("content-length") && !name.caseInsensitiveEquals("connection") && !name.caseInsensitiveEquals("date") {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if hasBody {
            out.append(contentsOf: "Content-Length: ".utf8)
            out.append(contentsOf: String(body.count).utf8)  // a small string: no allocation
            out.append(contentsOf: "\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if minorVersion == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if hasBody && !omitBody { out.append(contentsOf: body) }
        return out
    }
}
