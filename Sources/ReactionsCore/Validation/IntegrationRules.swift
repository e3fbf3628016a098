/// Integration settings checked against the catalog template's declared parameters.
enum IntegrationRules {
    static func validate(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for integration in config.integrations {
            guard let template = config.integrationTemplate(named: integration.template) else {
                var location = integration.location
                location.pointer = location.pointer / "template"
                let suggestion = Suggest.closest(to: integration.template, among: IntegrationCatalog.ids).map { "did you mean \"\($0)\"? " } ?? ""
                out.append(.error("unknown integration template \"\(integration.template)\"", at: location, resource: integration.address,
                                  hint: suggestion + "the catalog has: \(IntegrationCatalog.ids.joined(separator: ", ")) (`reactions integrations list`)"
                                      + (config.templates.isEmpty ? "" : "; this config declares: \(config.templates.map(\.name).joined(separator: ", "))")))
                continue
            }
            for parameter in template.parameters where parameter.required && integration.settings[parameter.name] == nil {
                var location = integration.location
                location.pointer = location.pointer / "settings"
                out.append(.error("integration \"\(integration.name)\" (\(template.id)) needs the setting \"\(parameter.name)\"", at: location,
                                  resource: integration.address,
                                  hint: parameter.description + (parameter.secret ? " Write {\"secret\": \"NAME\"}." : "")))
            }
            // Settings without events in scope: template variables are checked against every event type
            // at the reactions that use the integration (see `overrides`), so here only syntax counts.
            out += settings(integration.settings, locations: integration.settingLocations, template: template,
                            resource: integration.address, eventTypes: nil)
        }
        return out
    }

    /// Checks a reaction's `overrides`, and the integration's templated settings against the
    /// events the reaction receives.
    static func overrides(_ action: IntegrationAction, of integration: Integration, reaction: Reaction, eventTypes: Set<String>,
                          config: Config) -> [Diagnostic] {
        guard let template = config.integrationTemplate(named: integration.template) else { return [] }
        var locations: [String: SourceLocation] = [:]
        for key in action.overrides.keys {
            var location = action.location
            location.pointer = location.pointer / "overrides" / key
            locations[key] = location
        }
        var out = settings(action.overrides, locations: locations, template: template, resource: reaction.address, eventTypes: eventTypes)
        if let own = template as? ConfigTemplate {
            for (problem, location) in TemplateRules.eventProblems(own, eventTypes: eventTypes) {
                out.append(.error("template \"\(own.name)\" (used through integration \"\(integration.name)\"): \(problem)", at: location,
                                  resource: reaction.address, hint: "narrow the reaction's events, or the template's request"))
            }
        }
        // Variables in the integration's own settings and in the template's defaults must exist for these events.
        var effective: [String: (JSON, SourceLocation?)] = [:]
        for parameter in template.parameters {
            if let value = action.overrides[parameter.name] ?? integration.settings[parameter.name] {
                if case .literal(let json) = value { effective[parameter.name] = (json, locations[parameter.name] ?? integration.settingLocations[parameter.name]) }
            } else if let value = parameter.defaultValue {
                effective[parameter.name] = (value, nil)
            }
        }
        for (name, (value, location)) in effective.sorted(by: { $0.key < $1.key }) {
            guard case .string(let text) = value, let parsed = try? Template(parsing: text) else { continue }
            for expression in parsed.expressions {
                if let problem = TemplateVariables.problem(with: expression.path, eventTypes: eventTypes) {
                    let origin = location == nil ? "the default of \"\(name)\"" : "the setting \"\(name)\""
                    out.append(.error("\(origin) of integration \"\(integration.name)\": \(problem)", at: location ?? action.location,
                                      resource: reaction.address,
                                      hint: location == nil ? "set \"\(name)\" in \"overrides\" to text that fits these events" : nil))
                }
            }
        }
        return out
    }

    static func settings(_ values: [String: SettingValue], locations: [String: SourceLocation], template: any IntegrationTemplate,
                         resource: ResourceAddress, eventTypes: Set<String>?) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let names = template.parameters.map(\.name)
        for key in values.keys.sorted() {
            guard let value = values[key] else { continue }
            let location = locations[key]
            guard let parameter = template.parameters.first(where: { $0.name == key }) else {
                let suggestion = Suggest.closest(to: key, among: names).map { "did you mean \"\($0)\"? " } ?? ""
                out.append(.error("\(template.id) has no setting \"\(key)\"", at: location, resource: resource,
                                  hint: suggestion + "its settings: \(names.joined(separator: ", "))"))
                continue
            }
            switch value {
            case .secret:
                if !parameter.secret && (parameter.kind != .text || parameter.allowed != nil) {
                    out.append(.error("the setting \"\(key)\" is not secret; write its value", at: location, resource: resource,
                                      hint: parameter.description))
                }
            case .literal(let json):
                if parameter.secret {
                    out.append(.error("the setting \"\(key)\" is a secret and cannot be written as a literal", at: location, resource: resource,
                                      hint: "write {\"secret\": \"NAME\"} and provide NAME in the environment or the secrets directory; a literal would be stored in git, state and plans"))
                    continue
                }
                if let problem = literalProblem(json, parameter) {
                    out.append(.error("the setting \"\(key)\" \(problem)", at: location, resource: resource, hint: parameter.description))
                } else if let eventTypes, case .string(let text) = json, parameter.kind == .text {
                    // Syntax was checked by `literalProblem`; here the variables meet the events.
                    if let parsed = try? Template(parsing: text) {
                        for expression in parsed.expressions {
                            if let problem = TemplateVariables.problem(with: expression.path, eventTypes: eventTypes) {
                                out.append(.error("the setting \"\(key)\": \(problem)", at: location, resource: resource))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func literalProblem(_ json: JSON, _ parameter: IntegrationParameter) -> String? {
        switch parameter.kind {
        case .text:
            guard case .string(let text) = json else {
                if case .number(let n) = json, parameter.allowed == nil { _ = n; return nil }
                return "must be text, not \(json.typeDescription)"
            }
            if let allowed = parameter.allowed, !allowed.contains(text) {
                return "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(text)\""
            }
            do { _ = try Template(parsing: text) } catch { return "has a template error: \(error.message)" }
            return nil
        case .url:
            guard case .string(let text) = json else { return "must be a URL, not \(json.typeDescription)" }
            guard let template = try? Template(parsing: text), template.isLiteral else {
                return "must be a literal URL: outgoing hosts come from reviewed config, never from an event"
            }
            if case .failure(let message) = URLRules.authority(of: template) { return "is not usable: \(message.text)" }
            return nil
        case .integer:
            if json.intValue != nil { return nil }
            if case .string(let s) = json, Int(s) != nil { return nil }
            return "must be a whole number"
        case .boolean:
            return json.boolValue == nil ? "must be true or false" : nil
        case .textList:
            guard let items = json.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else { return "must be a list of texts" }
            for item in items {
                if let s = item.stringValue { do { _ = try Template(parsing: s) } catch { return "has a template error: \(error.message)" } }
            }
            return nil
        }
    }
}
