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
        let isDeploy = EventType.deployTypes.contains(type)
        let start: JSON?
        switch root {
        case "event":
            guard let key = rest.first else { return built()["event"] }
            return eventKeys.contains(key) ? TemplateContext.walk(event.attribute(key), rest.dropFirst()) : nil
        case "data": start = data()
        case "deploy" where isDeploy: start = data()
        case "payload" where isDeploy: start = data()
        case "payload" where type == EventType.webhookReceived: start = data()["payload"] ?? .null
        case "service" where isDeploy:
            guard let name = event.service, let service = services.service(named: name) else { return nil }
            start = .object([JSON.Member("name", .string(service.name)), JSON.Member("owner", service.owner.map(JSON.string) ?? .null),
                             JSON.Member("description", service.description.map(JSON.string) ?? .null)])
        case "query" where type == EventType.webhookReceived: start = data()["query"] ?? .object([])
        case "headers" where type == EventType.webhookReceived: start = data()["headers"] ?? .object([])
        case "suggestion" where type == EventType.serviceSuggested: start = data()
        case "revision" where type == EventType.configApplied: start = data()
        case "failure" where type == EventType.reactionFailed: start = data()
        default: return nil
        }
        return TemplateContext.walk(start, rest)
    }
}
