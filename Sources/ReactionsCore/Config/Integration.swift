/// An instance of a catalog integration (New Relic, Slack, …): the user supplies only the
/// account settings and secrets; the catalog knows the request.
public struct Integration: Sendable, Hashable {
    public var name: String
    /// A catalog id such as `newrelic-deployment`.
    public var template: String
    /// Setting values as written: literals, or `{"secret": NAME}` for secret parameters.
    public var settings: [String: SettingValue]
    public var location: SourceLocation
    /// Where each setting was written, for diagnostics.
    public var settingLocations: [String: SourceLocation]

    public var address: ResourceAddress { ResourceAddress(.integration, name) }
}

public enum SettingValue: Sendable, Hashable {
    case literal(JSON)
    case secret(SecretReference)

    public var json: JSON {
        switch self {
        case .literal(let value): return value
        case .secret(let ref): return ref.json
        }
    }
}
