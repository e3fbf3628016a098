import ReactionsCore
import ReactionsStore

/// What the runtime serves for one applied revision. Immutable: a new revision builds a
/// new table and swaps it in, so requests in flight finish with the one they started on.
/// A class: every request takes the current table, and that should cost one reference
/// count, not one per dictionary and index inside.
final class RouteTable: Sendable {
    let revision: Int
    let hash: String
    let config: Config
    let deploysByID: [String: Endpoint]
    let webhooksByPath: [String: Endpoint]
    let reactions: ReactionIndex
    let services: ServiceIndex
    /// Secrets the revision references that this server cannot resolve (not ready while any).
    let missingSecrets: [String]
    /// Handed to the store with every event received under this revision; nil when the
    /// revision has no reactions.
    let matcher: ReactionMatcher?

    static let empty = RouteTable(revision: 0, hash: "", config: Config(), missingSecrets: [])

    init(revision: Int, hash: String, config: Config, missingSecrets: [String]) {
        self.revision = revision
        self.hash = hash
        self.config = config
        var deploys: [String: Endpoint] = [:]
        var webhooks: [String: Endpoint] = [:]
        for endpoint in config.endpoints {
            switch endpoint.kind {
            case .deploy: if let id = endpoint.id { deploys[id] = endpoint }
            case .webhook: if let path = endpoint.path { webhooks[path] = endpoint }
            }
        }
        deploysByID = deploys
        webhooksByPath = webhooks
        reactions = ReactionIndex(config: config)
        services = ServiceIndex(config.services)
        self.missingSecrets = missingSecrets
        matcher = OutboxMatcher.make(reactions, services: services)
    }

    /// The deploy endpoint at `/integrations/deploy/<id>`. Ids are UUIDs, which some tools
    /// print in capitals: a capitalised id is the same endpoint, for its body limit and for
    /// its handler alike.
    func deployEndpoint(id: String) -> Endpoint? {
        deploysByID[id] ?? deploysByID[id.lowercased()]
    }

    convenience init(revision: Revision, secretAvailable: (String) -> Bool) {
        self.init(revision: revision.info.number, hash: revision.info.hash, config: revision.document.config().0,
                  secretAvailable: secretAvailable)
    }

    /// For a revision whose config is already decoded (one just committed through the API).
    convenience init(revision: Int, hash: String, config: Config, secretAvailable: (String) -> Bool) {
        let missing = Set(SecretAudit.uses(in: config).map(\.name)).filter { !secretAvailable($0) }.sorted()
        self.init(revision: revision, hash: hash, config: config, missingSecrets: missing)
    }
}
