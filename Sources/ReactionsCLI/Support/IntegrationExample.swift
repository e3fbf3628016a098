import ReactionsCore

/// A minimal use of a catalog integration and what it renders for a sample deploy, for
/// `integrations show`: built with the same decoder and renderer as real configs, so the
/// documentation cannot drift from what runs.
struct IntegrationExample {
    let config: JSON
    let request: RenderedRequest

    static let sampleDeploy = #"{"service": "shopping_cart", "description": "Deploy #234", "deployed_at": "2019-02-01 13:28:33", "environment": "Production", "deploy_number": "234", "deploy_url": "https://ci.example.com/builds/234", "deployer": {"email": "mscott@example.com", "name": "Michael Scott"}, "commit": {"sha": "38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5"}}"#

    init(_ template: any IntegrationTemplate) {
        var settings: [JSON.Member] = []
        for p in template.parameters where p.required {
            if p.secret {
                settings.append(.init(p.name, .object([.init("secret", .string(Self.secretName(template.id, p.name)))])))
            } else {
                settings.append(.init(p.name, .string(Self.placeholder(p))))
            }
        }
        let integration = JSON.object([.init("name", .string("my-\(template.id)")), .init("template", .string(template.id)),
                                       .init("settings", .object(settings))])
        let reaction = JSON.object([.init("name", .string("on-deploy")), .init("when", .object([.init("events", .array([.string("deploy.succeeded")]))])),
                                    .init("then", .object([.init("integration", .string("my-\(template.id)"))]))])
        config = .object([.init("integrations", .array([integration])), .init("reactions", .array([reaction]))])

        let document = JSON.object([.init("version", .int(1)), .init("services", .array([.object([.init("name", .string("shopping-cart")),
                                                                                                  .init("aliases", .array([.string("shopping_cart")]))])])),
                                    .init("endpoints", .array([.object([.init("name", .string("ci-deploys")), .init("kind", .string("deploy"))])])),
                                    .init("integrations", .array([integration])), .init("reactions", .array([reaction]))])
        let model = (try? StateDocument(json: document))?.config().0 ?? Config()
        let event = (try? SimulatedEvent.deploy(Array(Self.sampleDeploy.utf8), endpoint: nil, config: model)) ?? .object([])
        let context = TemplateContext(variables: EventVariables.make(envelope: event, config: model))
        if case .integration(let use)? = model.reactions.first?.action, case .success(let rendered) = IntegrationRequest.make(use, config: model, context: context) {
            request = rendered
        } else {
            request = RenderedRequest(method: "POST", url: "")
        }
    }

    static func secretName(_ template: String, _ parameter: String) -> String {
        (template.split(separator: "-").first.map(String.init) ?? template).uppercased() + "_" + parameter.uppercased()
    }

    static func placeholder(_ p: IntegrationParameter) -> String {
        switch p.kind {
        case .url: return "https://\(p.name.replacingOccurrences(of: "_", with: "-")).example.com"
        default: return "your-\(p.name.replacingOccurrences(of: "_", with: "-"))"
        }
    }
}
