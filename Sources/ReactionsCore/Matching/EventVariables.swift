/// Builds the variables templates and filters read for one event (see
/// `TemplateVariables` for what each root holds, and for which event types).
///
/// Runs for every event the runtime receives, so it builds member lists directly rather
/// than sorting dictionaries; lookups by key are linear over a dozen members.
public enum EventVariables {
    static let eventKeys = ["id", "type", "source", "time", "subject", "service", "environment", "endpoint", "causationid", "chaindepth"]

    /// `envelope` is the stored CloudEvents envelope; `config` supplies the declared service.
    /// For one-off uses (simulate, previews): it looks the service up by scanning.
    public static func make(envelope: JSON, config: Config, reaction: String? = nil, delivery: (id: String, attempt: Int)? = nil) -> JSON {
        make(envelope: envelope, service: { name in config.services.first { $0.name == name } }, reaction: reaction, delivery: delivery)
    }

    /// The same with the revision's `ServiceIndex`: what matching and delivery use, once per
    /// event and attempt, where a scan of thousands of services cost more than the rest.
    public static func make(envelope: JSON, services: ServiceIndex, reaction: String? = nil, delivery: (id: String, attempt: Int)? = nil) -> JSON {
        make(envelope: envelope, service: services.service(named:), reaction: reaction, delivery: delivery)
    }

    private static func make(envelope: JSON, service lookup: (String) -> Service?, reaction: String?, delivery: (id: String, attempt: Int)?) -> JSON {
        let members = envelope.objectMembers ?? []
        var event: [JSON.Member] = []
        event.reserveCapacity(eventKeys.count)
        var data: JSON = .null
        var type = "", serviceName: String? = nil
        for member in members {
            if member.key == "data" { data = member.value; continue }
            if eventKeys.contains(member.key) { event.append(member) }
            if member.key == "type" { type = member.value.stringValue ?? "" }
            if member.key == "service" { serviceName = member.value.stringValue }
        }
        var roots: [JSON.Member] = [JSON.Member("event", .object(event)), JSON.Member("data", data)]
        for name in typedRoots(type) {
            if let value = typedRoot(name, type: type, data: { data }, service: { serviceName.flatMap(lookup) }) {
                roots.append(JSON.Member(name, value))
            }
        }
        if let reaction { roots.append(JSON.Member("reaction", .object([JSON.Member("name", .string(reaction))]))) }
        if let delivery {
            roots.append(JSON.Member("delivery", .object([JSON.Member("id", .string(delivery.id)), JSON.Member("attempt", .int(delivery.attempt))])))
        }
        return .object(roots)
    }

    /// The value `make(envelope:services:)` holds at `path` for `event` (whose data is
    /// `data()`, asked only when the path reads it), without building any root: matching
    /// reads a clause or two of every event received, where building the roots first cost
    /// more than the rest of matching. Must answer exactly as `make` then
    /// `TemplateContext.value(at:)` (a test compares them over every root and event type).
    public static func value(at path: [String], event: CloudEvent, data: () -> JSON, services: ServiceIndex) -> JSON? {
        func built() -> JSON {
            var whole = event
            whole.data = data()
            return make(envelope: whole.envelope, services: services)
        }
        guard let root = path.first else { return built() }
        let rest = path.dropFirst()
        let type = event.type
        switch root {
        case "event":
            guard let key = rest.first else { return built()["event"] }
            return eventKeys.contains(key) ? TemplateContext.walk(event.attribute(key), rest.dropFirst()) : nil
        case "data": return TemplateContext.walk(data(), rest)
        default:
            guard typedRoots(type).contains(root) else { return nil }
            let start = typedRoot(root, type: type, data: data, service: { event.service.flatMap(services.service(named:)) })
            return TemplateContext.walk(start, rest)
        }
    }

    /// The roots an event of `type` has after `event` and `data`, in order.
    static func typedRoots(_ type: String) -> [String] {
        if EventType.deployTypes.contains(type) { return deployRoots }
        switch type {
        case EventType.webhookReceived: return webhookRoots
        case EventType.serviceSuggested: return suggestionRoots
        case EventType.configApplied: return revisionRoots
        case EventType.reactionFailed: return failureRoots
        default: return []
        }
    }

    private static let deployRoots = ["deploy", "payload", "service"]
    private static let webhookRoots = ["payload", "query", "headers"]
    private static let suggestionRoots = ["suggestion"]
    private static let revisionRoots = ["revision"]
    private static let failureRoots = ["failure"]

    /// One of `typedRoots(type)`: nil for `service` when the event's service is not declared.
    /// Shared by `make` and `value(at:…)`, so the two cannot disagree on what a root holds.
    private static func typedRoot(_ name: String, type: String, data: () -> JSON, service: () -> Service?) -> JSON? {
        switch name {
        case "service":
            guard let service = service() else { return nil }
            return .object([JSON.Member("name", .string(service.name)), JSON.Member("owner", service.owner.map(JSON.string) ?? .null),
                            JSON.Member("description", service.description.map(JSON.string) ?? .null)])
        case "payload" where type == EventType.webhookReceived: return data()["payload"] ?? .null
        case "query": return data()["query"] ?? .object([])
        case "headers": return data()["headers"] ?? .object([])
        default: return data()  // deploy, payload, suggestion, revision, failure: the data itself
        }
    }
}
