/// Every secret a config references, and which of them cannot be resolved where the
/// command runs. Only names and presence are ever looked at or reported; values are
/// never read into memory here.
public enum SecretAudit {
    public struct Use: Sendable, Hashable {
        public var name: String
        public var resource: ResourceAddress
        public var location: SourceLocation
    }

    public static func uses(in config: Config) -> [Use] {
        var out: [Use] = []
        for endpoint in config.endpoints {
            switch endpoint.auth {
            case .apiKey(let ref)?: out.append(Use(name: ref.name, resource: endpoint.address, location: endpoint.location))
            case .hmac(let h)?: out.append(Use(name: h.secret.name, resource: endpoint.address, location: endpoint.location))
            default: break
            }
        }
        for template in config.templates {
            for (text, location) in TemplateRules.uses(template) {
                for name in text.secretNames { out.append(Use(name: name, resource: template.address, location: location)) }
            }
        }
        for integration in config.integrations {
            for key in integration.settings.keys.sorted() {
                if case .secret(let ref)? = integration.settings[key] {
                    out.append(Use(name: ref.name, resource: integration.address, location: integration.settingLocations[key] ?? integration.location))
                }
            }
        }
        for reaction in config.reactions {
            for use in reaction.templateUses {
                for name in use.template.secretNames { out.append(Use(name: name, resource: reaction.address, location: use.location)) }
            }
            switch reaction.action {
            case .http(let http):
                if let sign = http.sign { out.append(Use(name: sign.name, resource: reaction.address, location: http.location)) }
            case .integration(let action):
                for key in action.overrides.keys.sorted() {
                    if case .secret(let ref)? = action.overrides[key] {
                        out.append(Use(name: ref.name, resource: reaction.address, location: action.location))
                    }
                }
            case .script: break
            }
        }
        return out
    }

    /// The secrets each reaction needs when it runs (its integration's settings and
    /// template included), by reaction name: computed once per revision, so a delivery
    /// attempt looks its reaction up instead of scanning the whole config.
    public static func namesByReaction(in config: Config) -> [String: [String]] {
        var byResource: [ResourceAddress: Set<String>] = [:]
        for use in uses(in: config) { byResource[use.resource, default: []].insert(use.name) }
        var out: [String: [String]] = [:]
        for reaction in config.reactions {
            var names = byResource[reaction.address] ?? []
            if case .integration(let action) = reaction.action, let integration = config.integration(named: action.integration) {
                for (key, value) in integration.settings where action.overrides[key] == nil {
                    if case .secret(let ref) = value { names.insert(ref.name) }
                }
                names.formUnion(byResource[ResourceAddress(.template, integration.template)] ?? [])
            }
            out[reaction.name] = names.sorted()
        }
        return out
    }

    /// Warnings for secrets that `isAvailable` says cannot be resolved here.
    public static func unresolved(in config: Config, isAvailable: (String) -> Bool) -> [Diagnostic] {
        var reported: Set<String> = []
        var out: [Diagnostic] = []
        for use in uses(in: config) where !reported.contains(use.name) && !isAvailable(use.name) {
            reported.insert(use.name)
            out.append(.warning("the secret \(use.name) cannot be resolved here (no environment variable or secrets-dir file named \(use.name))",
                                at: use.location, resource: use.resource,
                                hint: "the server that runs this revision must provide it, or it will not be ready (/readyz)"))
        }
        return out
    }
}
