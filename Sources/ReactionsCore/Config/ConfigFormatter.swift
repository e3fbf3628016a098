/// Canonical formatting for config files (`reactions fmt`).
///
/// Structural keys go in one fixed order (the order the schema documents them), user
/// maps (`filter`, `headers`, `body`, `settings`, `env`, `overrides`) keep the order their
/// author chose, values are never changed, and the layout is the house JSON style.
/// Formatting a formatted file changes nothing.
public enum ConfigFormatter {
    static let documentOrder = ["$schema", "version", "services", "endpoints", "integrations", "reactions"]
    static let resourceOrder: [ResourceKind: [String]] = [
        .service: ["name", "aliases", "owner", "description"],
        .endpoint: ["name", "kind", "description", "id", "path", "auth", "max_body_bytes"],
        .integration: ["name", "template", "settings"],
        .reaction: ["name", "description", "enabled", "when", "then", "retry"],
    ]
    static let nestedOrder: [String: [String]] = [
        "when": ["events", "endpoint", "filter"],
        "then": ["http", "script", "integration", "overrides"],
        "http": ["method", "url", "headers", "body", "timeout", "expect", "sign"],
        "script": ["path", "interpreter", "args", "env", "timeout"],
        "retry": ["max_attempts", "initial_delay", "max_delay"],
        "auth": ["api_key", "hmac"],
        "hmac": ["preset", "header", "prefix", "encoding", "secret"],
    ]
    /// Maps whose keys are the user's own: their order is kept.
    static let userMaps: Set<String> = ["filter", "headers", "body", "settings", "env", "overrides"]

    /// The formatted text of a parsed document.
    public static func format(_ node: JSONNode) -> String {
        JSONWriter(style: .pretty).string(reorder(node.json, context: .document))
    }

    public static func format(_ text: String) throws(JSONParser.Error) -> String {
        format(try JSONParser.parse(text))
    }

    enum Context {
        case document
        case resource(ResourceKind)
        case key(String)
        case user
    }

    static func reorder(_ value: JSON, context: Context) -> JSON {
        switch value {
        case .array(let items):
            return .array(items.map { reorder($0, context: context) })
        case .object(let members):
            let order: [String]
            switch context {
            case .document: order = documentOrder
            case .resource(let kind): order = resourceOrder[kind] ?? []
            case .key(let key): order = nestedOrder[key] ?? []
            case .user: order = []
            }
            let sorted = order.isEmpty ? members : members.enumerated().sorted { a, b in
                let ia = order.firstIndex(of: a.element.key) ?? order.count
                let ib = order.firstIndex(of: b.element.key) ?? order.count
                return ia != ib ? ia < ib : a.offset < b.offset
            }.map(\.element)
            return .object(sorted.map { member in
                JSON.Member(member.key, reorder(member.value, context: childContext(member.key, parent: context)))
            })
        default:
            return value
        }
    }

    static func childContext(_ key: String, parent: Context) -> Context {
        if case .user = parent { return .user }
        if case .document = parent, let kind = ResourceKind.allCases.first(where: { $0.collectionKey == key }) {
            return .resource(kind)
        }
        if userMaps.contains(key) { return .user }
        return .key(key)
    }
}
