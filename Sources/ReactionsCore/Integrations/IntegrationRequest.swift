/// Turns a reaction's use of a declared integration into the HTTP request it sends.
public enum IntegrationRequest {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownIntegration(String)
        case unknownTemplate(String)

        public var description: String {
            switch self {
            case .unknownIntegration(let name): return "the revision declares no integration named \(name)"
            case .unknownTemplate(let id): return "the catalog has no integration template \(id)"
            }
        }
    }

    public static func make(_ use: IntegrationAction, config: Config, context: TemplateContext) -> Result<RenderedRequest, Failure> {
        guard let integration = config.integration(named: use.integration) else { return .failure(.unknownIntegration(use.integration)) }
        guard let template = config.integrationTemplate(named: integration.template) else { return .failure(.unknownTemplate(integration.template)) }
        return .success(template.request(IntegrationSettings(template: template, integration: integration, overrides: use.overrides, context: context)))
    }
}
