import Synchronization

extension Condition {
    /// Whether `value` (nil: the variable has no value) satisfies the condition. Numbers and
    /// their text compare equal (`"234"` equals `234`), since payload fields arrive as either.
    public func matches(_ value: JSON?) -> Bool {
        switch self {
        case .exists(let expected):
            let present: Bool
            if case .null? = value { present = false } else { present = value != nil }
            return present == expected
        case .equals(let expected): return Self.equal(value, expected)
        case .oneOf(let options): return options.contains { Self.equal(value, $0) }
        case .glob(let glob):
            guard let text = Self.scalarText(value) else { return false }
            return glob.matches(text)
        case .prefix(let prefix):
            guard let text = Self.scalarText(value) else { return false }
            return text.hasPrefix(prefix)
        case .regex(let pattern):
            guard let text = Self.scalarText(value), let regex = RegexCache.shared.regex(pattern) else { return false }
            return regex.matches(text)
        }
    }

    static func scalarText(_ value: JSON?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .number(let n)?: return n.text
        case .bool(let b)?: return b ? "true" : "false"
        default: return nil
        }
    }

    static func equal(_ value: JSON?, _ expected: JSON) -> Bool {
        guard let value else { return false }
        if value == expected { return true }
        switch (value, expected) {
        case (.number(let a), .string(let b)), (.string(let b), .number(let a)):
            return a.doubleValue != nil && a.doubleValue == Double(b)
        case (.number(let a), .number(let b)):
            return a.doubleValue != nil && a.doubleValue == b.doubleValue
        default: return false
        }
    }
}

extension Filter {
    /// The first clause that does not hold, or nil when the filter matches.
    public func firstFailingClause(_ context: TemplateContext) -> Clause? {
        clauses.first { !$0.condition.matches(context.value(at: $0.resolvedPath)) }
    }

    public func matches(_ context: TemplateContext) -> Bool { firstFailingClause(context) == nil }
}

/// Compiled regular expressions, compiled once per pattern.
final class RegexCache: Sendable {
    static let shared = RegexCache()
    private let cache = Mutex<[String: LinearRegex]>([:])

    func regex(_ pattern: String) -> LinearRegex? {
        if let cached = cache.withLock({ $0[pattern] }) { return cached }
        guard let compiled = try? LinearRegex(pattern) else { return nil }
        cache.withLock { $0[pattern] = compiled }
        return compiled
    }
}
