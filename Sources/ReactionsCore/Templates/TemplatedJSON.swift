/// A JSON body whose strings are templates. A string that is exactly one `#{…}`
/// becomes the typed value at render time; other strings render as escaped text.
public indirect enum TemplatedJSON: Sendable, Hashable {
    case scalar(JSON)
    case template(Template, SourceLocation)
    case array([TemplatedJSON])
    case object([(key: String, value: TemplatedJSON)])

    public static func == (a: TemplatedJSON, b: TemplatedJSON) -> Bool { a.source == b.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// The body as written (templates as their source text).
    public var source: JSON {
        switch self {
        case .scalar(let v): return v
        case .template(let t, _): return .string(t.source)
        case .array(let items): return .array(items.map(\.source))
        case .object(let members): return .object(members.map { JSON.Member($0.key, $0.value.source) })
        }
    }

    /// Every template in the body with where it was written.
    public var templates: [(Template, SourceLocation)] {
        switch self {
        case .scalar: return []
        case .template(let t, let loc): return [(t, loc)]
        case .array(let items): return items.flatMap(\.templates)
        case .object(let members): return members.flatMap(\.value.templates)
        }
    }
}
