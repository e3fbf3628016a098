/// Turns a reaction's use of a declared integration into the HTTP request it sends.
public enum IntegrationRequest {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownIntegration(String)
        case unknownTemplate(String)
        case notRenderable(String)

        public var description: String {
            switch self {
            case .unknownIntegration(let name): return "the revision declares no integration named \(name)"
            case .unknownTemplate(let id): return "the catalog has no integration template \(id)"
            case .notRenderable(let why): return why
            }
        }
    }

    public static func make(_ use: IntegrationAction, config: Config, context: TemplateContext) -> Result<HTTPAction, Failure> {
        guard let integration = config.integration(named: use.integration) else { return .failure(.unknownIntegration(use.integration)) }
        guard IntegrationCatalog.template(named: integration.template) != nil else { return .failure(.unknownTemplate(integration.template)) }
        return .failure(.notRenderable("the \(integration.template) template cannot render requests in this build"))
    }
}
