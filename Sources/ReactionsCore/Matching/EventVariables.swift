/// Builds the variables templates and filters read for one event (see
/// `TemplateVariables` for what each root holds, and for which event types).
public enum EventVariables {
    /// `envelope` is the stored CloudEvents envelope; `config` supplies the declared service.
    public static func make(envelope: JSON, config: Config, reaction: String? = nil, delivery: (id: String, attempt: Int)? = nil) -> JSON {
        let type = envelope["type"]?.stringValue ?? ""
        let data = envelope["data"] ?? .null
        var event: [String: JSON] = [:]
        for key in ["id", "type", "source", "time", "subject", "service", "environment", "endpoint", "causationid", "chaindepth"] {
            if let value = envelope[key] { event[key] = value }
        }
        var roots: [String: JSON] = ["event": .sortedObject(event), "data": data]
        if EventType.deployTypes.contains(type) {
            roots["deploy"] = data
            roots["payload"] = data
            if let name = envelope["service"]?.stringValue, let service = config.services.first(where: { $0.name == name }) {
                roots["service"] = .sortedObject(["name": .string(service.name), "owner": service.owner.map(JSON.string) ?? .null,
                                                  "description": service.description.map(JSON.string) ?? .null])
            }
        }
        switch type {
        case EventType.webhookReceived:
            roots["payload"] = data["payload"] ?? .null
            roots["query"] = data["query"] ?? .object([])
            roots["headers"] = data["headers"] ?? .object([])
        case EventType.serviceSuggested: roots["suggestion"] = data
        case EventType.configApplied: roots["revision"] = data
        case EventType.reactionFailed: roots["failure"] = data
        default: break
        }
        if let reaction { roots["reaction"] = .object(["name": .string(reaction)]) }
        if let delivery { roots["delivery"] = .object(["id": .string(delivery.id), "attempt": .int(delivery.attempt)]) }
        return .sortedObject(roots)
    }
}
