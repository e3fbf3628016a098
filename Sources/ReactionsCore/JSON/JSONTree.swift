/// What the scanner builds: the grammar is the same, the tree differs.
protocol JSONTree {
    associatedtype Value
    associatedtype Member
    /// Whether values record where they start (columns cost a scan of the line).
    static var tracksPositions: Bool { get }
    static func scalar(_ value: JSON, at: SourcePosition) -> Value
    static func array(_ items: [Value], at: SourcePosition) -> Value
    static func object(_ members: [Member], at: SourcePosition) -> Value
    static func member(_ key: String, at: SourcePosition, _ value: Value) -> Member
    static func key(of member: Member) -> String
    static func position(of member: Member) -> SourcePosition?
}

enum NodeTree: JSONTree {
    static var tracksPositions: Bool { true }
    static func scalar(_ value: JSON, at position: SourcePosition) -> JSONNode {
        switch value {
        case .bool(let b): return JSONNode(kind: .bool(b), position: position)
        case .number(let n): return JSONNode(kind: .number(n), position: position)
        case .string(let s): return JSONNode(kind: .string(s), position: position)
        default: return JSONNode(kind: .null, position: position)
        }
    }
    static func array(_ items: [JSONNode], at position: SourcePosition) -> JSONNode { JSONNode(kind: .array(items), position: position) }
    static func object(_ members: [JSONNode.Member], at position: SourcePosition) -> JSONNode { JSONNode(kind: .object(members), position: position) }
    static func member(_ key: String, at position: SourcePosition, _ value: JSONNode) -> JSONNode.Member {
        JSONNode.Member(key: key, keyPosition: position, value: value)
    }
    static func key(of member: JSONNode.Member) -> String { member.key }
    static func position(of member: JSONNode.Member) -> SourcePosition? { member.keyPosition }
}

enum ValueTree: JSONTree {
    static var tracksPositions: Bool { false }
    static func scalar(_ value: JSON, at _: SourcePosition) -> JSON { value }
    static func array(_ items: [JSON], at _: SourcePosition) -> JSON { .array(items) }
    static func object(_ members: [JSON.Member], at _: SourcePosition) -> JSON { .object(members) }
    static func member(_ key: String, at _: SourcePosition, _ value: JSON) -> JSON.Member { JSON.Member(key, value) }
    static func key(of member: JSON.Member) -> String { member.key }
    static func position(of _: JSON.Member) -> SourcePosition? { nil }
}
