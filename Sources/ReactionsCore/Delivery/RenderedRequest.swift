/// An outgoing request with every template filled in: what an `http` action or a catalog
/// integration sends for one event, what `simulate` and `explain` show (secrets as
/// `«secret NAME»` there), and what the runtime turns into bytes on the wire.
public struct RenderedRequest: Sendable, Hashable {
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var url: String
    public var headers: [Header]
    /// Sent as compact JSON with `Content-Type: application/json` unless a header says otherwise.
    public var body: JSON?
    public var timeout: DurationValue
    /// Accepted statuses; 2xx when nil.
    public var expect: [Int]?
    /// Sign with Standard Webhooks using this secret's `whsec_…` value.
    public var signWith: SecretReference?

    public init(method: String, url: String, headers: [Header] = [], body: JSON? = nil, timeout: DurationValue = HTTPAction.defaultTimeout,
                expect: [Int]? = nil, signWith: SecretReference? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.expect = expect
        self.signWith = signWith
    }

    /// A `.` or `..` segment in the URL's path (percent-encoded or not), as written.
    ///
    /// Substituted values are percent-encoded, but `.` is unreserved, so a value of `..`
    /// in `/base/#{deploy.description}/tail` would make `/base/../tail`: our HTTP client
    /// resolves that to `/tail`, and so does any receiver that normalizes, `%2E%2E` included
    /// (WHATWG URL). Such a request is never sent.
    public var dotSegment: String? {
        var path = Substring(url)
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            path = path[(path.firstIndex(of: "/") ?? path.endIndex)...]
        }
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
            if decoded == "." || decoded == ".." { return String(segment) }
        }
        return nil
    }

    public var json: JSON {
        .object([
            .init("method", .string(method)), .init("url", .string(url)),
            .init("headers", .object(headers.map { JSON.Member($0.name, .string($0.value)) })),
            .init("body", body ?? .null), .init("timeout", .string(timeout.description)),
            .init("signed", .bool(signWith != nil)),
        ])
    }
}

extension HTTPAction {
    /// The request this action sends for the event in `context`.
    public func render(_ context: TemplateContext) -> RenderedRequest {
        RenderedRequest(method: method, url: url.render(context, for: .url),
                        headers: headers.map { RenderedRequest.Header($0.name, $0.value.render(context, for: .header)) },
                        body: body.map { $0.render(context) }, timeout: timeout ?? Self.defaultTimeout, expect: expect, signWith: sign)
    }
}
