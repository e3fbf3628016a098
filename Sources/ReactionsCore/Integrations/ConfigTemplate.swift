/// An integration template a team declares in its own config (`"templates": […]`), in the
/// catalog's format: parameters, and the `http` request it sends. Integrations use it by
/// name exactly like a catalog entry; its request reads the settings as `#{settings.NAME}`
/// (secret settings resolve at use, like every secret).
public struct ConfigTemplate: IntegrationTemplate, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var parameters: [IntegrationParameter]
    public var action: HTTPAction
    public var location: SourceLocation

    public var id: String { name }
    public var summary: String { description ?? "declared in config" }
    public var documentation: String { "\(location.file) (declared in config)" }
    public var address: ResourceAddress { ResourceAddress(.template, name) }

    public static func == (a: ConfigTemplate, b: ConfigTemplate) -> Bool {
        a.name == b.name && a.description == b.description && a.parameters == b.parameters && a.action == b.action
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public func request(_ settings: IntegrationSettings) -> RenderedRequest {
        var values: [JSON.Member] = []
        for parameter in parameters {
            switch parameter.kind {
            case .textList: values.append(.init(parameter.name, .array(settings.list(parameter.name).map(JSON.string))))
            default:
                if let text = settings.optionalText(parameter.name) { values.append(.init(parameter.name, .string(text))) }
            }
        }
        var variables = settings.context.variables.objectMembers ?? []
        variables.append(.init("settings", .object(values)))
        let context = TemplateContext(variables: .object(variables), secret: settings.context.secret)
        return action.render(context)
    }
}

extension Config {
    /// A template by the name an integration writes: the config's own, then the catalog's.
    public func integrationTemplate(named name: String) -> (any IntegrationTemplate)? {
        if let own = templates.first(where: { $0.name == name }) { return own }
        return IntegrationCatalog.template(named: name)
    }
}
