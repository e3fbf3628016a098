/// Where something was written: a file, a position in it, and the JSON pointer.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Path relative to the config root, with `/` separators, so output is the same on every machine.
    public var file: String
    public var position: SourcePosition
    public var pointer: JSONPointer

    public init(file: String, position: SourcePosition, pointer: JSONPointer) {
        self.file = file
        self.position = position
        self.pointer = pointer
    }

    public var description: String { "\(file):\(position)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.position) < (b.file, b.position)
    }
}

/// Identifies a declared resource: its kind and name, as in `reaction "mark-prod-deploys"`.
public struct ResourceAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `reaction.mark-prod-deploys`: the form plans and JSON output use.
    public var description: String { "\(kind.rawValue).\(name)" }
    /// `reaction "mark-prod-deploys"`: the form messages use.
    public var quoted: String { "\(kind.rawValue) \"\(name)\"" }

    public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool {
        (a.kind.order, a.name) < (b.kind.order, b.name)
    }
}

public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Codable {
    case service, endpoint, template, integration, reaction

    /// The key of the document array that holds this kind.
    public var collectionKey: String { rawValue + "s" }
    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// One finding about a config: an error stops validate/plan/apply, a warning is shown.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    public var resource: ResourceAddress?
    /// What to do about it, when the message alone does not say.
    public var hint: String?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil,
                resource: ResourceAddress? = nil, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.resource = resource
        self.hint = hint
    }

    public static func error(_ message: String, at location: SourceLocation? = nil,
                             resource: ResourceAddress? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location, resource: resource, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil,
                               resource: ResourceAddress? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location, resource: resource, hint: hint)
    }

    /// `file:line:col: error: message (in reaction "x" at /reactions/0/then)`: the shape
    /// compilers use, so editors and CI annotate it.
    public var description: String {
        var out = ""
        if let location { out += "\(location): " }
        out += "\(severity.rawValue): \(message)"
        var context: [String] = []
        if let resource { context.append("in \(resource.quoted)") }
        if let location, !location.pointer.tokens.isEmpty { context.append("at \(location.pointer.dotted)") }
        if !context.isEmpty { out += " (" + context.joined(separator: ", ") + ")" }
        if let hint { out += "\n  hint: \(hint)" }
        return out
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file and position so output does not depend on rule order.
    public var ordered: [Diagnostic] {
        enumerated().sorted { a, b in
            let la = a.element.location, lb = b.element.location
            switch (la, lb) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
