/// Builds the event a dry run feeds to the matcher, exactly as the runtime would store it.
public enum SimulatedEvent {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidDeploy([DeployPayload.FieldError])
        case notJSON(String)
        case unknownEndpoint(String, kind: Endpoint.Kind)
        case invalidEvent(String)

        public var description: String {
            switch self {
            case .invalidDeploy(let errors):
                return "the deploy would be refused with 400: " + errors.map { "\($0.title): \($0.detail)" }.joined(separator: "; ")
            case .notJSON(let why): return "the payload is not valid JSON: \(why)"
            case .unknownEndpoint(let name, let kind): return "there is no \(kind.rawValue) endpoint named \"\(name)\" in the config"
            case .invalidEvent(let why): return "the event is not usable: \(why)"
            }
        }
    }

    static let time = "2019-02-01T13:28:33.000Z"

    /// A deploy posted to a deploy endpoint (the first one declared unless named).
    public static func deploy(_ body: [UInt8], endpoint: String?, config: Config) throws(Failure) -> JSON {
        let endpoints = config.endpoints.filter { $0.kind == .deploy }
        guard let target = endpoint.map({ name in endpoints.first { $0.name == name } }) ?? endpoints.first else {
            throw .unknownEndpoint(endpoint ?? "(any)", kind: .deploy)
        }
        let payload: DeployPayload
        switch DeployPayload.parse(body) {
        case .failure(let invalid): throw .invalidDeploy(invalid.errors)
        case .success(let p): payload = p
        }
        let service = ServiceIndex(config.services).match(payload.service) ?? payload.service
        var members = payload.raw.objectMembers ?? []
        members.removeAll { ["deploy_number", "status", "id"].contains($0.key) }
        members.insert(JSON.Member("id", .int(0)), at: 0)
        members.insert(JSON.Member("status", .string(payload.status.rawValue)), at: 0)
        members.insert(JSON.Member("deploy_number", .string(payload.deployNumber ?? "1")), at: 0)
        return CloudEvent(id: "simulated", source: "/endpoints/\(target.name)", type: payload.status.eventType, time: time,
                          subject: service, data: .object(members), service: service, environment: payload.environment,
                          endpoint: target.name).envelope
    }

    /// A request to a webhook endpoint: its payload (JSON or form) and query parameters.
    public static func webhook(_ name: String, payload body: [UInt8], query: [(String, String)], config: Config) throws(Failure) -> JSON {
        guard config.endpoints.contains(where: { $0.name == name && $0.kind == .webhook }) else {
            throw .unknownEndpoint(name, kind: .webhook)
        }
        let payload: JSON
        do { payload = body.isEmpty ? .object([]) : try JSONParser.value(body) } catch { throw .notJSON(error.description) }
        let queryJSON = JSON.object(query.map { JSON.Member($0.0, .string($0.1)) })
        return CloudEvent(id: "simulated", source: "/endpoints/\(name)", type: EventType.webhookReceived, time: time, subject: nil,
                          data: .object(["payload": payload, "query": queryJSON, "headers": .object([])]), endpoint: name).envelope
    }

    /// A CloudEvents envelope written by hand; `id`, `source`, `time` and `specversion` are filled in when missing.
    public static func event(_ body: [UInt8]) throws(Failure) -> JSON {
        let json: JSON
        do { json = try JSONParser.value(body) } catch { throw .notJSON(error.description) }
        guard case .object(var members) = json else { throw .invalidEvent("it must be a JSON object") }
        guard let type = json["type"]?.stringValue, EventType.isValidPattern(type), !type.hasSuffix("*") else {
            throw .invalidEvent("\"type\" must be an event type such as deploy.succeeded or custom.release")
        }
        for (key, value) in [("specversion", "1.0"), ("id", "simulated"), ("source", "/simulate"), ("time", time)] where json[key] == nil {
            members.append(JSON.Member(key, .string(value)))
        }
        if json["data"] == nil { members.append(JSON.Member("data", .object([]))) }
        return .object(members)
    }
}
