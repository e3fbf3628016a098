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
        if EventType.deployTypes.contains(type) {
            roots.append(JSON.Member("deploy", data))
            roots.append(JSON.Member("payload", data))
            if let name = serviceName, let service = lookup(name) {
                roots.append(JSON.Member("service", .object([JSON.Member("name", .string(service.name)),
                                                             JSON.Member("owner", service.owner.map(JSON.string) ?? .null),
                                                             JSON.Member("description", service.description.map(JSON.string) ?? .null)])))
            }
        }
        switch type {
        case EventType.webhookReceived:
            roots.append(JSON.Member("payload", data["payload"] ?? .null))
            roots.append(JSON.Member("query", data["query"] ?? .object([])))
            roots.append(JSON.Member("headers", data["headers"] ?? .object([])))
        case EventType.serviceSuggested: roots.append(JSON.Member("suggestion", data))
        case EventType.configApplied: roots.append(JSON.Member("revision", data))
        case EventType.reactionFailed: roots.append(JSON.Member("failure", data))
        default: break
        }
        if let reaction { roots.append(JSON.Member("reaction", .object([JSON.Member("name", .string(reaction))]))) }
        if let delivery {
            roots.append(JSON.Member("delivery", .object([JSON.Member("id", .string(delivery.id)), JSON.Member("attempt", .int(delivery.attempt))])))
        }
        return .object(roots)
    }

    /// The value `make(envelope:services:)` holds at `path`, without building it: matching
    /// reads a clause or two of every event received, where building every root first cost
    /// a microsecond a deploy. Must answer exactly as `make` then `TemplateContext.value(at:)`
    /// (a test compares them over every root and event type).
    public static func value(at path: [String], envelope: JSON, services: ServiceIndex) -> JSON? {
        guard let root = path.first else { return make(envelope: envelope, services: services) }
        let rest = path.dropFirst()
        let members = envelope.objectMembers ?? []
        // The first of a repeated key, as the `event` object answers; `make` keeps the last
        // `type`, `service` and `data`.
        func attribute(_ key: String) -> JSON? { members.first { $0.key == key }?.value }
        func last(_ key: String) -> JSON? { members.last { $0.key == key }?.value }
        let type = last("type")?.stringValue ?? ""
        let data = last("data") ?? .null
        let start: JSON?
        switch root {
        case "event":
            // Only the CloudEvents attributes, not `data`.
            guard let key = rest.first else { return make(envelope: envelope, services: services)["event"] }
            return eventKeys.contains(key) ? TemplateContext.walk(attribute(key), rest.dropFirst()) : nil
        case "data": start = data
        case "deploy" where EventType.deployTypes.contains(type): start = data
        case "payload" where EventType.deployTypes.contains(type): start = data
        case "payload" where type == EventType.webhookReceived: start = data["payload"] ?? .null
        case "service" where EventType.deployTypes.contains(type):
            guard let name = last("service")?.stringValue, let service = services.service(named: name) else { return nil }
            start = .object([JSON.Member("name", .string(service.name)), JSON.Member("owner", service.owner.map(JSON.string) ?? .null),
                             JSON.Member("description", service.description.map(JSON.string) ?? .null)])
        case "query" where type == EventType.webhookReceived: start = data["query"] ?? .object([])
        case "headers" where type == EventType.webhookReceived: start = data["headers"] ?? .object([])
        case "suggestion" where type == EventType.serviceSuggested: start = data
        case "revision" where type == EventType.configApplied: start = data
        case "failure" where type == EventType.reactionFailed: start = data
        default: return nil
        }
        return TemplateContext.walk(start, rest)
    }
}
