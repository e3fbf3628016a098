/// A service deploys are recorded for. Deploys name it by `name` or by any alias,
/// as OpsLevel matches them.
public struct Service: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    public var owner: String?
    public var description: String?
    public var location: SourceLocation

    public var address: ResourceAddress { ResourceAddress(.service, name) }
}
