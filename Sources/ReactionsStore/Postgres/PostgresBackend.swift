import Foundation
import ReactionsCore

/// The state in a PostgreSQL database, named by a libpq connection URI
/// (`postgresql://user@host:5432/db?sslmode=require`; the usual `PG*` environment variables
/// fill in what it leaves out). Several `serve` replicas may share it: every store here
/// is written for concurrent writers (see each one), so no dispatch lock is needed.
public struct PostgresBackend: StoreBackend {
    public let uri: String

    public init(uri: String) { self.uri = uri }

    /// Whether `location` names a database rather than a file.
    public static func names(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// The URI without its password.
    public var displayName: String { PGConnection.redacted(uri) }

    /// False only when the database answers and holds no state. One that cannot be reached
    /// counts as existing, so the command goes on to open it and says why it cannot (a
    /// refused password, an unknown host) rather than "there is no state", and `plan` never
    /// takes an unreachable state for an empty one.
    public var exists: Bool {
        guard let db = try? PGConnection(uri: uri) else { return true }
        guard let rows = try? db.query("SELECT to_regclass('reactions_schema') IS NOT NULL") else { return true }
        return !(rows.count == 1 && rows.text(0, 0) == "f")
    }

    public func stateStore() throws(StoreError) -> any StateStore { try PostgresStateStore(uri: uri) }
    public func deployStore(writer: Bool) throws(StoreError) -> any DeployStore { try PostgresDeployStore(uri: uri) }
    public func deliveryStore(dispatcher: Bool) throws(StoreError) -> any DeliveryStore {
        let store = try PostgresDeliveryStore(uri: uri)
        if dispatcher { try store.relaxAttemptDurability() }
        return store
    }
    public func pruner() throws(StoreError) -> any StorePruner { try PostgresPruner(uri: uri) }
    public func startUpkeep() throws(StoreError) -> @Sendable () -> Void { {} }
    public func dispatchLockPath() -> String? { nil }
    public func signal() -> (any StoreSignal)? { PostgresStoreSignal(uri: uri) }
    public func copySide() throws(StoreError) -> any StateCopySide { try PostgresStateCopy(uri: uri) }

    /// Snapshots are written from the database, so any private local directory serves;
    /// one per database, so two states on one machine never share one.
    public var scriptDirectory: String {
        let digest = SHA256.hexDigest(Array(displayName.utf8)).prefix(16)
        return FileManager.default.temporaryDirectory.appendingPathComponent("reactions-\(getuid())-scripts-\(digest)").path
    }

    /// One key for every replica, made by the first to ask: a token a script got from one
    /// replica is accepted by whichever replica the load balancer sends its call to.
    public func scriptTokenKey() throws(StoreError) -> [UInt8]? {
        let db = try PGConnection(uri: uri)
        try PostgresSchema.migrate(db)
        var random = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        try db.query("INSERT INTO reactions_keys (name, key) VALUES ('script_tokens', $1) ON CONFLICT (name) DO NOTHING", [.bytes(fresh)])
        let rows = try db.query("SELECT encode(key, 'hex') FROM reactions_keys WHERE name = 'script_tokens'")
        guard rows.count == 1, let key = Hex.decode(rows.text(0, 0)), key.count == 32 else { throw .corrupt("the script token key cannot be read") }
        return key
    }
}
