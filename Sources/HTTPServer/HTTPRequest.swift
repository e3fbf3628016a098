/// Header fields in the order received, looked up without regard to case.
public struct HTTPHeaders: Sendable, Sequence {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public private(set) var fields: [Field] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }

    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// The request line and headers: what the server knows before the body arrives.
public struct HTTPRequestHead: Sendable {
    public var method: String
    /// The request-target as sent (origin-form: path and query, still percent-encoded).
    public var target: String
    public var minorVersion: Int
    public var headers: HTTPHeaders
    /// Whether the connection may serve another request after this one.
    public var keepAlive: Bool
    /// The client sent `Expect: 100-continue` and has a body to send.
    public var expectsContinue: Bool
    /// The body length the (validated) `Content-Length` declares; nil for chunked or no body.
    public var contentLength: Int? = nil

    /// The path part of the target, without the query.
    public var path: Substring {
        queryMark.map { target[..<$0] } ?? target[...]
    }

    /// The query string without `?`, if any.
    public var query: Substring? {
        queryMark.map { target[target.utf8.index(after: $0)...] }
    }

    /// Searched in the UTF-8 view: the target is ASCII (the parser refuses anything else),
    /// and a Character search would run grapheme breaking over it on every request.
    private var queryMark: String.Index? {
        target.utf8.firstIndex(of: UInt8(ascii: "?"))
    }
}

public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public var method: String { head.method }
    public var path: Substring { head.path }
    public var headers: HTTPHeaders { head.headers }
}

extension String {
    /// ASCII case-insensitive comparison, as header names need; no allocation.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Over both strings' bytes in place (native and small strings have them): through
        // the views' iterators each comparison cost ~450 instructions, five a request.
        let inPlace = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in Self.equalIgnoringASCIICase(a, b) }
        }
        return (inPlace ?? nil) ?? Self.equalIgnoringASCIICase(utf8, other.utf8)
    }

    private static func equalIgnoringASCIICase<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}
