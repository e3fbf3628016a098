/// The variables a template or filter reads for one event, and how secrets resolve.
public struct TemplateContext: Sendable {
    /// An object whose members are the roots: `event`, `data`, `deploy`, `payload`, …
    public var variables: JSON
    /// Resolves `#{secret.NAME}`. The runtime reads the environment or the secrets dir;
    /// dry runs (`simulate`) return nil and the output shows a placeholder instead.
    public var secret: @Sendable (String) -> String?

    public init(variables: JSON, secret: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.variables = variables
        self.secret = secret
    }

    /// The value at a path, walking objects by key and arrays by index.
    public func value(at path: [String]) -> JSON? {
        Self.walk(variables, path)
    }

    /// The value below `start` at `path`, as `value(at:)` walks from the roots.
    static func walk(_ start: JSON?, _ path: some Sequence<String>) -> JSON? {
        var current = start
        for segment in path {
            switch current {
            case .object?: current = current?[segment]
            case .array(let items)?:
                guard let i = Int(segment), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    static func placeholder(_ name: String) -> String { "«secret \(name)»" }
}

/// Where rendered text goes decides how substituted values are made safe.
public enum TemplateTarget: Sendable {
    /// Plain text (script arguments and environment, bodies' strings).
    case text
    /// A URL: substituted values are percent-encoded, so a payload cannot add a path
    /// segment, a query parameter or a fragment (`| url` already encodes: no double encoding).
    case url
    /// A header value: control characters (CR, LF, NUL) become spaces, so a payload cannot
    /// add a header.
    case header
}

extension Template {
    /// Renders the template as text for `target`.
    public func render(_ context: TemplateContext, for target: TemplateTarget = .text) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .expression(let e):
                var text = Self.text(of: e.evaluate(context))
                switch target {
                case .text: break
                case .url:
                    if e.filters.last?.name != "url" { text = PercentEncoding.encode(text) }
                case .header:
                    text = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
                }
                out += text
            }
        }
        return out
    }

    /// Text form of a value: strings as they are, other scalars as JSON, objects and arrays
    /// as compact JSON, nothing as "".
    public static func text(of value: JSON?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case let other?: return other.compactText
        }
    }
}

extension Template.Expression {
    /// The value after filters; nil when the variable has no value.
    public func evaluate(_ context: TemplateContext) -> JSON? {
        var value: JSON?
        if path.count == 2, path[0] == "secret" {
            value = .string(context.secret(path[1]) ?? TemplateContext.placeholder(path[1]))
        } else {
            value = context.value(at: path)
        }
        for filter in filters {
            switch filter.name {
            case "upper": value = value.map { .string(Template.text(of: $0).uppercased()) }
            case "lower": value = value.map { .string(Template.text(of: $0).lowercased()) }
            case "trim": value = value.map { .string(Template.text(of: $0).trimmingCharacters(in: .whitespacesAndNewlines)) }
            case "json": value = .string((value ?? .null).compactText)
            case "url": value = value.map { .string(PercentEncoding.encode(Template.text(of: $0))) }
            case "base64": value = value.map { .string(Base64.encode(Array(Template.text(of: $0).utf8))) }
            case "default":
                switch value {
                case nil, .null?: value = filter.argument
                case .string(let s)? where s.isEmpty: value = filter.argument
                default: break
                }
            default: break
            }
        }
        return value
    }
}

extension TemplatedJSON {
    /// Renders a body. A string that is exactly one `#{…}` becomes the typed value (a
    /// number stays a number, an object an object; nothing becomes null); any other string
    /// is rendered text, which the JSON writer escapes, so no payload can change the shape.
    public func render(_ context: TemplateContext) -> JSON {
        switch self {
        case .scalar(let v): return v
        case .template(let t, _):
            if let e = t.singleExpression { return e.evaluate(context) ?? .null }
            return .string(t.render(context, for: .text))
        case .array(let items): return .array(items.map { $0.render(context) })
        case .object(let members): return .object(members.map { JSON.Member($0.key, $0.value.render(context)) })
        }
    }
}

import Foundation
