/// What an integration sends, shown to reviewers before any event exists: its request
/// rendered for a sample deploy, secrets as `«secret NAME»`. Plans show it for every
/// integration they create or change; `integrations show` for each catalog entry.
///
/// Made once per config: the sample event and its variables are the same for every
/// integration a plan shows.
public struct IntegrationPreview {
    let config: Config
    let context: TemplateContext
    let integrations: [String: Integration]

    /// `sample`: the config whose sample deploy to render (a plan renders the running
    /// revision's integrations for the planned config's sample, so only the change shows).
    public init(config: Config, sample: Config? = nil) {
        self.config = config
        context = TemplateContext(variables: EventVariables.make(envelope: Self.sampleEvent(config: sample ?? config), config: sample ?? config))
        integrations = Dictionary(config.integrations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A deploy of the config's first service (or `shopping-cart`) to Production.
    public static func sampleEvent(config: Config) -> JSON {
        let service = config.services.first?.name ?? "shopping-cart"
        let data = JSON.object([
            .init("deploy_number", .string("234")), .init("status", .string("succeeded")), .init("id", .int(1)),
            .init("service", .string(service)), .init("description", .string("Deploy #234")),
            .init("deployed_at", .string("2019-02-01 13:28:33")), .init("environment", .string("Production")),
            .init("deploy_url", .string("https://ci.example.com/builds/234")),
            .init("deployer", .object([.init("email", .string("mscott@example.com")), .init("name", .string("Michael Scott"))])),
            .init("commit", .object([.init("sha", .string("38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5"))])),
        ])
        return CloudEvent(id: "sample", source: "/endpoints/sample", type: EventType.deploySucceeded, time: "2019-02-01T13:28:33.000Z",
                          subject: service, data: data, service: service, environment: "Production", endpoint: "sample").envelope
    }

    /// What the config's integration of that name sends; nil when it has none or it cannot render.
    public func request(forIntegration name: String) -> RenderedRequest? {
        guard let integration = integrations[name] else { return nil }
        let use = IntegrationAction(integration: integration.name, overrides: [:], location: integration.location)
        return try? IntegrationRequest.make(use, config: config, context: context).get()
    }
}
