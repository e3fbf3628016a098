/// A position in a source file, 1-based, counted in Unicode scalars for the column.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
    public var description: String { "\(line):\(column)" }
}

/// A parsed JSON value that remembers where every part of it was written.
///
/// The loader works on nodes so that each diagnostic can name the file, the line and
/// column, and the JSON pointer of what it complains about.
public struct JSONNode: Sendable {
    public indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    public struct Member: Sendable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: JSONNode
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(kind: Kind, position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The value without positions.
    public var json: JSON {
        switch kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.json))
        case .object(let members): return .object(members.map { JSON.Member($0.key, $0.value.json) })
        }
    }

    public var members: [Member]? {
        if case .object(let m) = kind { return m }
        return nil
    }

    public var items: [JSONNode]? {
        if case .array(let a) = kind { return a }
        return nil
    }

    public var string: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    public subscript(key: String) -> JSONNode? {
        members?.first(where: { $0.key == key })?.value
    }

    public func member(_ key: String) -> Member? {
        members?.first(where: { $0.key == key })
    }

    public var typeDescription: String { json.typeDescription }
}
