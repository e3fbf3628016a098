import ReactionsCore
import ReactionsStore

/// What the runtime serves for one applied revision. Immutable: a new revision builds a
/// new table and swaps it in, so requests in flight finish with the one they started on.
struct RouteTable: Sendable {
    struct DeployRoute: Sendable {
        var endpoint: Endpoint
    }

    let revision: Int
    let hash: String
    let config: Config
    let deploysByID: [String: DeployRoute]
    let services: ServiceIndex
    /// Secrets the revision references that this server cannot resolve (not ready while any).
    let missingSecrets: [String]

    static let empty = RouteTable(revision: 0, hash: "", config: Config(), deploysByID: [:], services: ServiceIndex([]), missingSecrets: [])

    init(revision: Int, hash: String, config: Config, deploysByID: [String: DeployRoute], services: ServiceIndex, missingSecrets: [String]) {
        self.revision = revision
        self.hash = hash
        self.config = config
        self.deploysByID = deploysByID
        self.services = services
        self.missingSecrets = missingSecrets
    }

    init(revision: Revision, secretAvailable: (String) -> Bool) {
        let (config, _) = revision.document.config()
        var deploys: [String: DeployRoute] = [:]
        for endpoint in config.endpoints where endpoint.kind == .deploy {
            if let id = endpoint.id { deploys[id] = DeployRoute(endpoint: endpoint) }
        }
        let missing = Set(SecretAudit.uses(in: config).map(\.name)).filter { !secretAvailable($0) }.sorted()
        self.init(revision: revision.info.number, hash: revision.info.hash, config: config, deploysByID: deploys,
                  services: ServiceIndex(config.services), missingSecrets: missing)
    }
}
