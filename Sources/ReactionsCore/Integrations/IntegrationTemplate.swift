/// A pre-built integration ("Making it simpler", seed 000): it declares the settings a user
/// supplies, and the catalog knows the rest of the request.
///
/// One small file per integration conforms to this protocol; `IntegrationCatalog` lists them.
public protocol IntegrationTemplate: Sendable {
    /// The stable id users write in `"template"` (DESIGN §4).
    var id: String { get }
    var summary: String { get }
    /// The vendor's documentation of the API the request follows.
    var documentation: String { get }
    var parameters: [IntegrationParameter] { get }
    /// The vendor API's request for one event. Pure: the settings are already resolved.
    func request(_ settings: IntegrationSettings) -> RenderedRequest
}

extension IntegrationTemplate {
    /// `Content-Type: application/json` plus the given headers.
    func jsonHeaders(_ headers: (String, String)...) -> [RenderedRequest.Header] {
        [RenderedRequest.Header("Content-Type", "application/json")] + headers.map { RenderedRequest.Header($0.0, $0.1) }
    }
}

public struct IntegrationParameter: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Plain text, templates allowed (`#{deploy.deploy_number}`).
        case text
        /// A literal `https://` or `http://` base URL; never templated (no payload-driven SSRF).
        case url
        case integer
        case boolean
        /// A list of texts.
        case textList = "text-list"
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    /// Secret parameters only take `{"secret": "NAME"}`, never a literal.
    public var secret: Bool
    public var description: String
    /// What the integration uses when the setting is absent, as users would write it.
    public var defaultValue: JSON?
    /// Allowed literal values, when the set is closed.
    public var allowed: [String]?

    public init(_ name: String, _ kind: Kind = .text, required: Bool = false, secret: Bool = false,
                default defaultValue: JSON? = nil, allowed: [String]? = nil, _ description: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.secret = secret
        self.description = description
        self.defaultValue = defaultValue
        self.allowed = allowed
    }

    /// An optional text parameter with no default.
    public init(_ name: String, _ description: String) {
        self.init(name, .text, description)
    }
}

public enum IntegrationCatalog {
    /// Every pre-built integration, in the order `reactions integrations list` shows them.
    public static let all: [any IntegrationTemplate] = [
        NewRelicDeployment(), DatadogEvent(), SlackMessage(), SentryDeploy(), PagerDutyChange(),
        HoneycombMarker(), GrafanaAnnotation(), RaygunDeployment(), SleuthDeploy(), OpsLevelDeploy(),
        StandardWebhook(),
    ]

    public static func template(named id: String) -> (any IntegrationTemplate)? {
        all.first { $0.id == id }
    }

    public static var ids: [String] { all.map(\.id) }
}
