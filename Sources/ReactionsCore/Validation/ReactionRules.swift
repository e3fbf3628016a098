extension Reaction {
    /// The event types (as `EventType.expand` yields them) this reaction can receive.
    /// With only an endpoint, it receives what that endpoint emits.
    public func receivableEventTypes(endpoint: Endpoint?) -> Set<String> {
        if !trigger.events.isEmpty { return Set(trigger.events.flatMap(EventType.expand)) }
        switch endpoint?.kind {
        case .webhook: return [EventType.webhookReceived]
        // Suggestions also come from deploy endpoints, but only to reactions that ask for them.
        case .deploy: return Set(EventType.deployTypes)
        case nil: return []
        }
    }
}

/// Rules about what a reaction listens to and what it does.
enum ReactionRules {
    static func validate(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let endpoints = Dictionary(config.endpoints.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let integrations = Dictionary(config.integrations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let knownServices = Set(config.services.flatMap { [$0.name] + $0.aliases })
        for reaction in config.reactions {
            let address = reaction.address
            func at(_ location: SourceLocation, _ pointer: String...) -> SourceLocation {
                var l = location
                for p in pointer { l.pointer = l.pointer / p }
                return l
            }
            var endpoint: Endpoint? = nil
            if let name = reaction.trigger.endpoint {
                endpoint = endpoints[name]
                if endpoint == nil {
                    let suggestion = Suggest.closest(to: name, among: endpoints.keys.sorted()).map { "did you mean \"\($0)\"? " } ?? ""
                    out.append(.error("reaction \"\(reaction.name)\" listens to endpoint \"\(name)\", which is not declared",
                                      at: at(reaction.trigger.location, "endpoint"), resource: address,
                                      hint: suggestion + "declare the endpoint, or fix the name"))
                }
            }
            let types = reaction.receivableEventTypes(endpoint: endpoint)
            if let endpoint, !reaction.trigger.events.isEmpty {
                let emits: Set<String> = endpoint.kind == .webhook ? [EventType.webhookReceived]
                    : Set(EventType.deployTypes + [EventType.serviceSuggested])
                let never = types.subtracting(emits).sorted()
                if !never.isEmpty {
                    out.append(.error("endpoint \"\(endpoint.name)\" never emits \(never.joined(separator: ", ")), so this reaction could never fire for it",
                                      at: at(reaction.trigger.location, "events"), resource: address,
                                      hint: "a \(endpoint.kind.rawValue) endpoint emits \(emits.sorted().joined(separator: ", "))"))
                }
            }
            // Seed 000: external event → outgoing HTTP would make reactions a passthrough broker.
            // Such an action is refused whole; checking its details would only add noise.
            var refused = false
            if types.contains(EventType.webhookReceived) {
                switch reaction.action {
                case .http, .integration:
                    refused = true
                    out.append(.error("an external webhook cannot trigger an \(reaction.action.kindName) action: reactions is not a passthrough HTTP broker",
                                      at: at(reaction.location, "then"), resource: address,
                                      hint: "react to webhooks with a script action; it can call APIs itself and emit events with `reactions emit`"))
                case .script: break
                }
            }
            // Filters read event variables; secrets are never filter input.
            for clause in reaction.trigger.filter.clauses {
                if let problem = TemplateVariables.problem(with: clause.resolvedPath, eventTypes: types, allowSecrets: false) {
                    let hint = Filter.suggestion(for: clause.path).map {
                        "did you mean \"\($0)\"?"
                    }
                    out.append(.error("filter \"\(clause.path)\": \(problem)", at: clause.location, resource: address, hint: hint))
                }
                if clause.path == "service", case .equals(.string(let name)) = clause.condition, !knownServices.contains(name) {
                    out.append(.warning("the filter matches service \"\(name)\", which no service declares by name or alias",
                                        at: clause.location, resource: address,
                                        hint: "declare the service, or check the spelling"))
                }
            }
            if refused { continue }
            for use in reaction.templateUses {
                for expression in use.template.expressions {
                    if let problem = TemplateVariables.problem(with: expression.path, eventTypes: types) {
                        var location = use.location
                        location.position.column += 1 + expression.offset
                        out.append(.error(problem, at: location, resource: address))
                    }
                }
            }
            switch reaction.action {
            case .http(let http): out += httpRules(http, reaction: reaction)
            case .integration(let action):
                if let integration = integrations[action.integration] {
                    out += IntegrationRules.overrides(action, of: integration, reaction: reaction, eventTypes: types, config: config)
                } else {
                    let suggestion = Suggest.closest(to: action.integration, among: integrations.keys.sorted()).map { "did you mean \"\($0)\"? " } ?? ""
                    out.append(.error("integration \"\(action.integration)\" is not declared", at: at(action.location, "integration"), resource: address,
                                      hint: suggestion + "declare it under \"integrations\" with a catalog template"))
                }
            case .script: break
            }
        }
        return out
    }

    static func httpRules(_ http: HTTPAction, reaction: Reaction) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var urlLocation = http.location
        urlLocation.pointer = urlLocation.pointer / "url"
        if let use = reaction.templateUses.first(where: { $0.location.pointer == urlLocation.pointer }) { urlLocation = use.location }
        if case .failure(let message) = URLRules.authority(of: http.url) {
            out.append(.error(message.text, at: urlLocation, resource: reaction.address))
        }
        if let parameter = CredentialHeuristics.sensitiveQueryParameter(in: http.url) {
            out.append(.warning("the URL's query parameter \"\(parameter)\" holds a literal that looks like a credential", at: urlLocation,
                                resource: reaction.address, hint: "use #{secret.NAME} so the value stays out of git, state and plans"))
        }
        for header in http.headers where CredentialHeuristics.headerLooksSensitive(name: header.name, value: header.value) {
            out.append(.warning("the header \"\(header.name)\" holds a literal that looks like a credential", at: header.location,
                                resource: reaction.address, hint: "write \"\(header.name)\": \"… #{secret.NAME}\" and provide NAME in the environment or the secrets directory"))
        }
        if http.method == "GET" || http.method == "HEAD", http.body != nil {
            var location = http.location
            location.pointer = location.pointer / "body"
            out.append(.error("a \(http.method) request cannot have a body", at: location, resource: reaction.address, hint: "use POST, PUT or PATCH, or remove \"body\""))
        }
        return out
    }
}
