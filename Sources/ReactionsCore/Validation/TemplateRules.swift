/// Rules for templates declared in config: where they may send, and what they may read.
enum TemplateRules {
    /// Every template in a request with where it was written.
    static func uses(_ t: ConfigTemplate) -> [(Template, SourceLocation)] {
        var out: [(Template, SourceLocation)] = [(t.action.url, urlLocation(t))]
        out += t.action.headers.map { ($0.value, $0.location) }
        out += t.action.body?.templates ?? []
        return out
    }

    static func urlLocation(_ t: ConfigTemplate) -> SourceLocation {
        var location = t.action.location
        location.pointer = location.pointer / "url"
        return location
    }

    static let everyEvent = Set(EventType.builtIn + ["custom"])

    /// The event variables a template's request reads (not its settings), for the reactions that use it.
    static func eventProblems(_ template: ConfigTemplate, eventTypes: Set<String>) -> [(String, SourceLocation)] {
        var out: [(String, SourceLocation)] = []
        for (text, location) in uses(template) {
            for expression in text.expressions where expression.path.first != "settings" {
                if let problem = TemplateVariables.problem(with: expression.path, eventTypes: eventTypes) { out.append((problem, location)) }
            }
        }
        return out
    }

    static func validate(_ config: Config) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for template in config.templates {
            if IntegrationCatalog.template(named: template.name) != nil {
                out.append(.error("the template \"\(template.name)\" has the name of a catalog integration", at: template.location,
                                  resource: template.address, hint: "choose another name; integrations would not know which one they mean"))
            }
            if case .failure(let message) = URLRules.authority(of: template.action.url) {
                out.append(.error(message.text, at: urlLocation(template), resource: template.address,
                                  hint: "a template sends to the host its reviewers read; settings may fill in the path, query and body"))
            }
            for header in template.action.headers where CredentialHeuristics.headerLooksSensitive(name: header.name, value: header.value) {
                out.append(.warning("the header \"\(header.name)\" holds a literal that looks like a credential", at: header.location,
                                    resource: template.address, hint: "declare a secret parameter and write #{settings.NAME}"))
            }
            let declared = template.parameters.map(\.name)
            for (text, location) in uses(template) {
                for expression in text.expressions {
                    if expression.path.first == "settings" {
                        if expression.path.count < 2 || !declared.contains(expression.path[1]) {
                            let name = expression.path.dropFirst().first ?? ""
                            let suggestion = Suggest.closest(to: name, among: declared).map { "did you mean \"\($0)\"? " } ?? ""
                            out.append(.error("`settings.\(name)` is not a parameter of template \"\(template.name)\"", at: location,
                                              resource: template.address, hint: suggestion + "declare it under \"parameters\""))
                        }
                    } else if everyEvent.allSatisfy({ TemplateVariables.problem(with: expression.path, eventTypes: [$0]) != nil }),
                              let problem = TemplateVariables.problem(with: expression.path, eventTypes: everyEvent) {
                        // Known for no event at all; whether it fits the events of each reaction
                        // that uses the template is checked there (`IntegrationRules.overrides`).
                        out.append(.error(problem, at: location, resource: template.address))
                    }
                }
            }
        }
        return out
    }
}
