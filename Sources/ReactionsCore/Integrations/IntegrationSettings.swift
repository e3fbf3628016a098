/// One use of a catalog integration, as its template reads it: the declared settings with
/// the reaction's overrides on top and the template's defaults underneath, each text
/// rendered for the event and each secret resolved (or shown as `«secret NAME»` in a dry run).
public struct IntegrationSettings: Sendable {
    let values: [String: SettingValue]
    let context: TemplateContext

    public init(template: any IntegrationTemplate, integration: Integration, overrides: [String: SettingValue], context: TemplateContext) {
        var values: [String: SettingValue] = [:]
        for parameter in template.parameters {
            if let value = parameter.defaultValue { values[parameter.name] = .literal(value) }
        }
        for (key, value) in integration.settings { values[key] = value }
        for (key, value) in overrides { values[key] = value }
        self.values = values
        self.context = context
    }

    /// The setting as text: templates rendered, numbers and booleans spelled as JSON; "" when absent.
    public func text(_ name: String) -> String {
        switch values[name] {
        case .secret?: return secret(name)
        case .literal(.string(let text))?:
            guard let template = try? Template(parsing: text) else { return text }
            return template.render(context)
        case .literal(let value)?: return Template.text(of: value)
        case nil: return ""
        }
    }

    /// The text, or nil when the setting is absent or renders empty (optional fields are then left out).
    public func optionalText(_ name: String) -> String? {
        let value = text(name)
        return value.isEmpty ? nil : value
    }

    /// A text setting made safe for one URL path segment.
    public func pathSegment(_ name: String) -> String { PercentEncoding.encode(text(name)) }

    /// A list of texts, each rendered; a single text counts as a list of one.
    public func list(_ name: String) -> [String] {
        switch values[name] {
        case .literal(.array(let items))?:
            return items.map { item in
                guard case .string(let text) = item, let template = try? Template(parsing: text) else { return Template.text(of: item) }
                return template.render(context)
            }.filter { !$0.isEmpty }
        case .literal?, .secret?: return optionalText(name).map { [$0] } ?? []
        case nil: return []
        }
    }

    /// A base URL without its trailing slash (URL settings are literal, never templated).
    public func baseURL(_ name: String) -> String {
        var url = text(name)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// A secret setting's value at delivery; `«secret NAME»` in a dry run.
    public func secret(_ name: String) -> String {
        guard case .secret(let ref)? = values[name] else { return text(name) }
        return context.secret(ref.name) ?? TemplateContext.placeholder(ref.name)
    }

    public func secretReference(_ name: String) -> SecretReference? {
        if case .secret(let ref)? = values[name] { return ref }
        return nil
    }

    /// A value from the event itself (`event.time`, `deploy.commit.sha`, …).
    public func event(_ path: String) -> JSON? {
        context.value(at: path.split(separator: ".").map(String.init))
    }
}
