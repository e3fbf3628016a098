/// `then`: what a reaction does.
public enum Action: Sendable, Hashable {
    case http(HTTPAction)
    case script(ScriptAction)
    case integration(IntegrationAction)

    public var kindName: String {
        switch self {
        case .http: return "http"
        case .script: return "script"
        case .integration: return "integration"
        }
    }
}

/// An outgoing HTTP request. Scheme, host and port are literal (checked by the validator)
/// so that no payload can choose where a request goes.
public struct HTTPAction: Sendable, Hashable {
    public static let defaultTimeout = DurationValue.seconds(10)

    public var method: String
    public var url: Template
    public var headers: [Header]
    public var body: TemplatedJSON?
    public var timeout: DurationValue?
    /// Accepted response statuses; 2xx when nil.
    public var expect: [Int]?
    /// Sign with Standard Webhooks using this `whsec_…` secret.
    public var sign: SecretReference?
    public var location: SourceLocation

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: Template
        public var location: SourceLocation
    }
}

/// A script snapshotted into the applied revision and run without a shell.
public struct ScriptAction: Sendable, Hashable {
    public static let defaultTimeout = DurationValue.seconds(60)

    /// Relative to the config root, `/`-separated.
    public var path: String
    public var args: [Template]
    public var interpreter: String?
    public var timeout: DurationValue?
    public var env: [String: Template]
    /// SHA-256 of the snapshotted content; set by the loader (from disk) or from state.
    public var contentSHA256: String?
    public var location: SourceLocation
}

/// Use a declared integration, optionally overriding some of its settings.
public struct IntegrationAction: Sendable, Hashable {
    public var integration: String
    public var overrides: [String: SettingValue]
    public var location: SourceLocation
}
