/// The rules of DESIGN §2 that span resources and files. Per-field rules live in the
/// decoder; everything here sees the merged config.
public struct Validator: Sendable {
    public init() {}

    public func validate(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        out += uniqueNames(config)
        out += serviceAliases(config)
        out += endpointRules(config)
        out += TemplateRules.validate(config)
        out += IntegrationRules.validate(config)
        out += ReactionRules.validate(config)
        return out
    }

    /// Identity is kind + name, unique across all files.
    func uniqueNames(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func check(_ items: [(ResourceAddress, SourceLocation)]) {
            var first: [String: SourceLocation] = [:]
            for (address, location) in items {
                if let previous = first[address.name] {
                    out.append(.error("duplicate \(address.kind.rawValue) name \"\(address.name)\"", at: location, resource: address,
                                      hint: "\(address.kind.rawValue) names must be unique across all files; the first is at \(previous)"))
                } else {
                    first[address.name] = location
                }
            }
        }
        check(config.services.map { ($0.address, $0.location) })
        check(config.endpoints.map { ($0.address, $0.location) })
        check(config.templates.map { ($0.address, $0.location) })
        check(config.integrations.map { ($0.address, $0.location) })
        check(config.reactions.map { ($0.address, $0.location) })
        return out
    }

    /// A deploy names a service by name or alias; each must lead to exactly one service.
    func serviceAliases(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var owner: [String: String] = [:]
        for service in config.services { owner[service.name] = owner[service.name] ?? service.name }
        for service in config.services {
            for alias in service.aliases {
                if let other = owner[alias], other != service.name {
                    var location = service.location
                    location.pointer = location.pointer / "aliases"
                    out.append(.error("the alias \"\(alias)\" already names service \"\(other)\"", at: location, resource: service.address,
                                      hint: "a deploy naming \"\(alias)\" must match exactly one service; remove the alias from one of them"))
                } else {
                    owner[alias] = service.name
                }
            }
        }
        return out
    }

    func endpointRules(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var paths: [String: Endpoint] = [:]
        var ids: [String: Endpoint] = [:]
        for endpoint in config.endpoints {
            if let path = endpoint.path {
                if let other = paths[path] {
                    out.append(.error("the path \(path) is already served by endpoint \"\(other.name)\"", at: endpoint.location,
                                      resource: endpoint.address, hint: "give each webhook endpoint its own path"))
                } else {
                    paths[path] = endpoint
                }
            }
            if let id = endpoint.id {
                if let other = ids[id] {
                    out.append(.error("the id \(id) is already used by endpoint \"\(other.name)\"", at: endpoint.location,
                                      resource: endpoint.address, hint: "remove \"id\" and apply generates a fresh one"))
                } else {
                    ids[id] = endpoint
                }
            }
            if endpoint.auth == WebhookAuth.none {
                var location = endpoint.location
                location.pointer = location.pointer / "auth"
                out.append(.warning("endpoint \"\(endpoint.name)\" accepts requests from anyone (\"auth\": \"none\")", at: location,
                                    resource: endpoint.address, hint: "require an API key or an HMAC signature unless the endpoint is only reachable from a trusted network"))
            }
        }
        return out
    }
}
