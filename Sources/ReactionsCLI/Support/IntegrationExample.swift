import ReactionsCore

/// A minimal use of a catalog integration and what it renders for a sample deploy, for
/// `integrations show`: built with the same decoder and renderer as real configs, so the
/// documentation cannot drift from what runs.
struct IntegrationExample {
    let config: JSON
    let request: RenderedRequest

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
                                    .init("integrations", .array([integration])), .init("reactions", .array([reaction]))])
        let model = (try? StateDocument(json: document))?.config().0 ?? Config()
        request = model.integrations.first.flatMap { IntegrationPreview(config: model).request(forIntegration: $0.name) }
            ?? RenderedRequest(method: "POST", url: "")
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
