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
        var head = "HTTP/1.1 \(status.code) \(status.reason)\r\nDate: \(date)\r\n"
        for (name, value) in headers
        where !name.caseInsensitiveEquals("content-length") && !name.caseInsensitiveEquals("connection") && !name.caseInsensitiveEquals("date") {
            head += "\(name): \(value)\r\n"
        }
        let hasBody = status.code >= 200 && status.code != 204 && status.code != 304
        if hasBody { head += "Content-Length: \(body.count)\r\n" }
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if minorVersion == 0 {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var out = Array(head.utf8)
        if hasBody && !omitBody { out.append(contentsOf: body) }
        return out
    }
}
