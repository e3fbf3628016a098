/// A string with `#{path | filter: "arg"}` substitutions, parsed when config is loaded so
/// that mistakes are plan-time errors, not run-time surprises.
///
/// `##{` writes a literal `#{`.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case expression(Expression)
    }

    public struct Expression: Sendable, Hashable {
        /// `deploy.commit.sha` → `["deploy", "commit", "sha"]`.
        public var path: [String]
        public var filters: [FilterCall]
        /// Offset of the `#{` in the source, in characters, for diagnostics.
        public var offset: Int

        public var dottedPath: String { path.joined(separator: ".") }
    }

    public struct FilterCall: Sendable, Hashable {
        public var name: String
        public var argument: JSON?
    }

    public let source: String
    public let parts: [Part]

    public var description: String { source }

    /// A template that is exactly one `#{…}`: in a JSON body it yields a typed value.
    public var singleExpression: Expression? {
        if parts.count == 1, case .expression(let e) = parts[0] { return e }
        return nil
    }

    public var expressions: [Expression] {
        parts.compactMap { if case .expression(let e) = $0 { return e } else { return nil } }
    }

    public var isLiteral: Bool { expressions.isEmpty }

    /// Secret names referenced as `#{secret.NAME}`.
    public var secretNames: [String] {
        expressions.compactMap { $0.path.count == 2 && $0.path[0] == "secret" ? $0.path[1] : nil }
    }

    /// The literal text, when the template has no substitutions.
    public var literalText: String? {
        guard isLiteral else { return nil }
        return parts.map { if case .literal(let s) = $0 { return s } else { return "" } }.joined()
    }

    /// Filters a template may use, with whether each takes an argument.
    public static let knownFilters: [String: Bool] = [
        "upper": false, "lower": false, "trim": false, "json": false, "url": false, "base64": false, "default": true,
    ]
}

public struct TemplateError: Error, Sendable, Hashable {
    public var message: String
    /// Character offset in the template source.
    public var offset: Int
}
