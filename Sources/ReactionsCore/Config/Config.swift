/// Everything a config directory declares, merged across its files, plus the content of
/// the scripts its reactions run (apply snapshots them into the revision).
public struct Config: Sendable {
    public var services: [Service] = []
    public var endpoints: [Endpoint] = []
    public var templates: [ConfigTemplate] = []
    public var integrations: [Integration] = []
    public var reactions: [Reaction] = []
    /// Script contents by config-relative path.
    public var scripts: [String: [UInt8]] = [:]
    /// The files the config was read from, config-relative, sorted.
    public var files: [String] = []

    public init() {}

    mutating func merge(_ document: ConfigDocument) {
        services += document.services
        endpoints += document.endpoints
        templates += document.templates
        integrations += document.integrations
        reactions += document.reactions
        files.append(document.file)
    }

    public func endpoint(named name: String) -> Endpoint? { endpoints.first { $0.name == name } }
    public func integration(named name: String) -> Integration? { integrations.first { $0.name == name } }

    public var addresses: [ResourceAddress] {
        services.map(\.address) + endpoints.map(\.address) + templates.map(\.address) + integrations.map(\.address) + reactions.map(\.address)
    }
}
